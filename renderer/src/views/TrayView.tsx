import { useEffect } from 'react';
import { getBridge } from '../api/bridge';
import { healthView } from '../lib/health';
import { newestTimestamp, useFeed } from '../stores/feed';
import { useHealth } from '../stores/health';
import { currentSession, useSessions } from '../stores/sessions';
import { useUi } from '../stores/ui';
import { client } from '../api/services';
import { EventList } from '../components/EventList';
import { NoActivityYet } from '../components/EmptyState';
import { HealthLight } from '../components/HealthLight';
import { TokenSummary } from '../components/TokenSummary';
import { BridgeActions } from '../components/BridgeActions';
import { EventDetail } from '../components/EventDetail';
import { LiveIndicator } from '../components/LiveIndicator';
import { formatRelative } from '../lib/format';
import { sessionStatus } from '../lib/session-status';
import { Brand } from '../components/Brand';
import { ForwardingPanel } from '../components/ForwardingPanel';
import { TrayCost } from '../components/TrayCost';
import { TrayFindings } from '../components/TrayFindings';

/**
 * Token counts have their own panel in the tray, so they stay out of the activity feed; so do
 * Beacon's routine lifecycle lines (tamper, a died collector and findings stay: they matter).
 */
const FEED_HIDDEN = new Set(['token.usage', 'collector.started', 'collector.stopped', 'posture.inventory']);
const SEED = 60;

/** The menu-bar window (about 380 x 560): health, live activity, this session's tokens. */
export function TrayView() {
  const { health, error, stream } = useHealth();
  const records = useFeed((s) => s.records);
  const sessions = useSessions((s) => s.sessions);
  const sessionsLoaded = useSessions((s) => s.loaded);
  const { detail, openDetail, closeDetail } = useUi();
  const bridge = getBridge();
  const view = healthView(health, error, newestTimestamp(records));

  useEffect(() => {
    client()
      .events({ limit: SEED })
      .then((res) => useFeed.getState().seed(res.events))
      .catch(() => undefined); // the health light already says when the server is unreachable
  }, []);

  const shown = records.filter((r) => !FEED_HIDDEN.has(r.event.event?.action));
  const session = currentSession(sessions);
  const active = session ? sessionStatus(session).state === 'running' : false;

  return (
    <main className="tray" aria-label="Beacon tray">
      <header className="tray-header">
        <div className="tray-brand">
          <Brand />
          <a className="btn small" href="./#/sessions" target="_blank" rel="noopener">
            Open dashboard
          </a>
        </div>
        <HealthLight view={view} />
        <TrayCost session={session} />
      </header>

      <TrayFindings sessions={sessions} />
      <ForwardingPanel destinations={health?.forwarding} compact />
      <div className="tray-section-title">
        <h2 style={{ font: 'inherit' }}>Activity</h2>
        <LiveIndicator status={stream} level={view.level} />
      </div>
      <div className="tray-feed scroll" data-testid="tray-feed">
        <EventList
          records={shown}
          label="Live Codex activity, newest first"
          onOpen={openDetail}
          selectedSeq={detail?.seq ?? null}
          testId="feed-events"
          empty={<NoActivityYet />}
        />
      </div>

      <section className="tray-tokens" aria-label="Session tokens">
        <div className="tray-section-title" style={{ padding: '10px 0 6px' }}>
          <h2 style={{ font: 'inherit' }}>{active ? 'Current session' : 'Last session'} tokens</h2>
          {session ? <span className="faint" style={{ textTransform: 'none', letterSpacing: 0, fontWeight: 400 }}>{formatRelative(session.last_at)}</span> : null}
        </div>
        {session ? (
          <TokenSummary compact tokens={session.tokens} label={`${active ? 'Current' : 'Last'} session tokens`} />
        ) : (
          <p className="muted" style={{ margin: 0, fontSize: 13 }}>
            {sessionsLoaded ? 'Token counts appear after the first Codex session.' : 'Loading…'}
          </p>
        )}
      </section>

      <BridgeActions bridge={bridge} showRepair={!!view.repairable} />
      {detail ? <EventDetail record={detail} onClose={closeDetail} /> : null}
    </main>
  );
}
