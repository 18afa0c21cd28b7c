import { useEffect } from 'react';
import type { Severity } from '../../../electron/shared/event';
import { markSeen, severityLabel, SEVERITY_ORDER, signalTitle } from '../lib/findings';
import { formatDateTime, formatRelative } from '../lib/format';
import { useFindings } from '../stores/findings';
import { useSessions } from '../stores/sessions';
import { EmptyState } from '../components/EmptyState';
import { FindingRow } from '../components/FindingRow';

const FILTERS: Array<{ value: Severity | ''; label: string }> = [
  { value: '', label: 'All' },
  { value: 'critical', label: 'Critical' },
  { value: 'high', label: 'High+' },
  { value: 'medium', label: 'Medium+' },
  { value: 'low', label: 'Low+' },
];

/** What the detection rules found, newest first, and Beacon's own tamper / outage signals. */
export function FindingsPage({ findingId }: { findingId: string | null }) {
  const { data, error, loaded, minSeverity, setMinSeverity, load } = useFindings();
  const sessions = useSessions((s) => s.sessions);
  const byId = new Map(sessions.map((s) => [s.id, s]));

  useEffect(() => {
    void load();
  }, [load]);
  // Whatever this page showed counts as seen: the tray's badge starts from zero again.
  useEffect(() => {
    markSeen(data?.findings[0]?.event.timestamp);
  }, [data]);

  const counts = data?.by_severity;
  const countFor = (min: Severity | '') => (counts ? SEVERITY_ORDER.slice(0, min ? SEVERITY_ORDER.indexOf(min) + 1 : undefined).reduce((n, s) => n + counts[s], 0) : 0);

  return (
    <div className="findings-page">
      <section className="card" aria-labelledby="findings-title">
        <div className="card-header">
          <h2 id="findings-title">Findings</h2>
          <div className="sev-filter" role="group" aria-label="Minimum severity">
            {FILTERS.map((f) => (
              <button key={f.label} type="button" className="btn small" aria-pressed={minSeverity === f.value} onClick={() => setMinSeverity(f.value)} data-testid={`filter-${f.value || 'all'}`}>
                {f.label} <span className="num faint">{countFor(f.value)}</span>
              </button>
            ))}
          </div>
        </div>
        <div className="scroll">
          {error ? <EmptyState title="Could not load findings.">{error}</EmptyState> : null}
          {!loaded ? <EmptyState title="Loading findings…" /> : null}
          {loaded && data && data.findings.length === 0 ? (
            <EmptyState title={minSeverity ? `No ${severityLabel(minSeverity).toLowerCase()} or worse findings.` : 'No findings yet.'} testId="findings-empty">
              <p>Beacon's detection rules check every event as it is written; what they match appears here and in runtime.jsonl.</p>
            </EmptyState>
          ) : null}
          {data?.findings.length ? (
            <ul className="items" aria-label="Findings, newest first" data-testid="findings-list">
              {data.findings.map((r) => (
                <FindingRow key={r.seq} record={r} session={r.event.session?.id ? byId.get(r.event.session.id) : undefined} focused={!!findingId && r.event.event.id === findingId} />
              ))}
            </ul>
          ) : null}
        </div>
      </section>
      {data?.signals.length ? (
        <section className="card" aria-labelledby="signals-title" data-testid="signals">
          <div className="card-header">
            <h2 id="signals-title">Telemetry tampering and collector outages</h2>
            <span className="faint" style={{ fontSize: 12 }}>
              written by Beacon itself
            </span>
          </div>
          <ul className="items">
            {data.signals.map((r) => (
              <li key={r.seq} className="finding signal" data-testid="signal" data-action={r.event.event.action}>
                <span className="sev" data-severity={r.event.severity}>
                  {severityLabel(r.event.severity)}
                </span>
                <div className="finding-main">
                  <div className="finding-title">{signalTitle(r)}</div>
                  <div className="finding-desc">{String(r.event.posture?.detail ?? r.event.message ?? '')}</div>
                </div>
                <time className="item-time" dateTime={r.event.timestamp} title={formatDateTime(r.event.timestamp)}>
                  {formatRelative(r.event.timestamp)}
                </time>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </div>
  );
}
