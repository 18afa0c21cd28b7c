import { useEffect, useState } from 'react';
import type { SessionRollup } from '../../../electron/shared/api';
import { markSeen, seenAt, severityLabel, severityOf, unseenCount } from '../lib/findings';
import { formatRelative } from '../lib/format';
import { findingHref } from '../lib/route';
import { useFindings } from '../stores/findings';

/**
 * The tray's findings card: a badge with the high and critical findings not yet looked at, and
 * the newest one (title, severity, session, time). A click opens the dashboard's Findings page
 * at that finding and counts everything up to it as seen. Nothing at all while there is none.
 */
export function TrayFindings({ sessions }: { sessions: SessionRollup[] }) {
  const data = useFindings((s) => s.data);
  const [since, setSince] = useState(seenAt);
  useEffect(() => {
    useFindings.getState().setMinSeverity('high');
  }, []);
  // The dashboard (same origin) may mark findings seen while the tray is open.
  useEffect(() => {
    const onStorage = () => setSince(seenAt());
    window.addEventListener('storage', onStorage);
    window.addEventListener('focus', onStorage);
    return () => {
      window.removeEventListener('storage', onStorage);
      window.removeEventListener('focus', onStorage);
    };
  }, []);

  const newest = data?.findings[0];
  if (!newest?.event.finding) return null;
  const unseen = unseenCount(data!.findings, since);
  const shownCount = unseen >= data!.findings.length && data!.total_matched > data!.findings.length ? `${unseen}+` : String(unseen);
  const f = newest.event.finding;
  const sev = severityOf(newest);
  const sid = newest.event.session?.id;
  const session = sid ? sessions.find((s) => s.id === sid) : undefined;
  const sessionName = session?.title ?? (sid ? `session ${sid.slice(0, 8)}` : 'no session');
  const open = () => {
    markSeen(newest.event.timestamp);
    setSince(seenAt());
  };
  return (
    <a
      className="tray-findings"
      href={`./${findingHref(newest.event.event.id ?? '')}`}
      target="_blank"
      rel="noopener"
      onClick={open}
      data-testid="tray-findings"
      aria-label={`${unseen} new high or critical ${unseen === 1 ? 'finding' : 'findings'}. Newest: ${severityLabel(sev)}, ${f.title}, in ${sessionName}, ${formatRelative(newest.event.timestamp)}. Opens the Findings page.`}
    >
      <span className="badge" data-count={unseen} data-testid="findings-badge" title="New high and critical findings">
        {shownCount}
      </span>
      <span className="finding-main">
        <span className="finding-title" style={{ display: 'block' }} data-testid="tray-finding-title">
          {f.title}
        </span>
        <span className="faint" style={{ display: 'block', fontSize: 12 }}>
          <span className="sev" data-severity={sev}>
            {severityLabel(sev)}
          </span>{' '}
          {sessionName} · {formatRelative(newest.event.timestamp)}
        </span>
      </span>
    </a>
  );
}
