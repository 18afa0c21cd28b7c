import { useEffect } from 'react';
import { hrefFor } from '../lib/route';
import { codexSessions, useSessions } from '../stores/sessions';
import { useUi } from '../stores/ui';
import { SessionsTable } from '../components/SessionsTable';
import { SessionTimeline } from '../components/SessionTimeline';
import { EmptyState, NoActivityYet } from '../components/EmptyState';
import { SummaryStrip } from '../components/SummaryStrip';

/** Sessions on the left, the open session's story on the right (`#/sessions/<id>`). */
export function SessionsPage({ sessionId, highlight = [] }: { sessionId: string | null; highlight?: string[] }) {
  const { sessions, loaded, error, detail, detailError, open } = useSessions();
  const { openDetail, detail: openEvent } = useUi();
  const visible = codexSessions(sessions);
  const titles = sessions.filter((s) => s.title_generation).length;
  const checks = sessions.filter((s) => s.beacon_validation && !s.title_generation).length;
  const notShown = [
    titles ? `${titles} title-generation hidden` : '',
    checks ? `${checks} Beacon validation ${checks === 1 ? 'check' : 'checks'} not shown` : '',
  ].filter(Boolean);

  useEffect(() => {
    void open(sessionId);
  }, [sessionId, open]);

  const go = (id: string) => {
    window.location.hash = hrefFor('sessions', id);
  };

  if (loaded && !error && visible.length === 0) {
    return (
      <div className="card">
        <NoActivityYet />
      </div>
    );
  }

  return (
    <>
      <SummaryStrip sessions={visible} />
      <div className="split">
        <section className="card" aria-labelledby="sessions-title">
          <div className="card-header">
            <h2 id="sessions-title">Sessions</h2>
            <span className="faint" style={{ fontSize: 12 }} data-testid="sessions-count">
              {[`${visible.length} ${visible.length === 1 ? 'session' : 'sessions'}`, ...notShown].join(' · ')}
            </span>
          </div>
          <div className="scroll">
            {error ? <EmptyState title="Could not load sessions.">{error}</EmptyState> : null}
            {!loaded ? <EmptyState title="Loading sessions…" /> : null}
            {visible.length ? <SessionsTable sessions={visible} selectedId={sessionId} onOpen={go} /> : null}
          </div>
        </section>
        <div className="card">
          {detail && detail.session.id === sessionId ? (
            <SessionTimeline detail={detail} onOpen={openDetail} selectedSeq={openEvent?.seq ?? null} highlight={highlight} />
          ) : detailError ? (
            <EmptyState title="Could not open this session.">{detailError}</EmptyState>
          ) : sessionId ? (
            <EmptyState title="Loading session…" />
          ) : (
            <EmptyState title="Pick a session" testId="timeline-placeholder">
              <p>Its timeline reads like a story: what you asked, what Codex ran, what it changed, and what it cost.</p>
            </EmptyState>
          )}
        </div>
      </div>
    </>
  );
}
