import type { ForwardDestinationHealth } from '../../../electron/shared/forwarding';
import { formatNumber, formatRelative } from '../lib/format';

const STATE_LABEL: Record<ForwardDestinationHealth['state'], string> = {
  starting: 'Starting',
  delivering: 'Delivering',
  idle: 'Caught up',
  retrying: 'Retrying',
  failed: 'Stopped',
  stopped: 'Stopped',
};

function tone(h: ForwardDestinationHealth): 'ok' | 'warn' | 'bad' {
  if (h.state === 'failed') return 'bad';
  if (h.state === 'retrying' || h.lost_events > 0) return 'warn';
  return 'ok';
}

function age(seconds: number | null): string {
  if (seconds === null) return '';
  if (seconds < 90) return `${seconds} s old`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min old`;
  return `${Math.round(seconds / 3600)} h old`;
}

/**
 * Where the runtime log is forwarded (SIEM, OpenTelemetry Collector, webhook) and how each
 * destination is doing: state, last success, backlog (events and age), last error. Hidden when
 * nothing is forwarded, which is the normal case for a developer's laptop.
 */
export function ForwardingPanel({ destinations, compact = false }: { destinations: readonly ForwardDestinationHealth[] | undefined; compact?: boolean }) {
  if (!destinations || destinations.length === 0) return null;
  return (
    <section className="card forwarding" aria-label="Forwarding" data-testid="forwarding-panel" style={{ marginBottom: compact ? 8 : 14 }}>
      <div className="card-header">
        <h2 style={{ font: 'inherit', margin: 0 }}>Forwarding</h2>
      </div>
      <ul className="card-body" style={{ listStyle: 'none', margin: 0, display: 'grid', gap: 8 }}>
        {destinations.map((h) => (
          <li key={h.destination} data-testid={`forward-${h.destination}`} data-state={h.state}>
            <div style={{ display: 'flex', gap: 8, alignItems: 'baseline', flexWrap: 'wrap' }}>
              <span className={`forward-state ${tone(h)}`} aria-label={`state ${STATE_LABEL[h.state]}`}>
                {STATE_LABEL[h.state]}
              </span>
              <strong>{h.destination}</strong>
              <span className="muted">
                {h.type} · {h.url}
              </span>
            </div>
            <div className="muted" style={{ fontSize: 12.5, marginTop: 2 }}>
              {h.backlog.events > 0 ? `Backlog ${formatNumber(h.backlog.events)} event(s)${h.backlog.age_seconds !== null ? `, ${age(h.backlog.age_seconds)}` : ''}` : 'No backlog'}
              {' · '}
              {h.last_success_at ? `last delivery ${formatRelative(h.last_success_at)}` : 'nothing delivered yet'}
              {h.lost_events > 0 ? ` · ${formatNumber(h.lost_events)} lost` : ''}
            </div>
            {h.last_error && (h.state === 'failed' || h.state === 'retrying') && !compact ? (
              <div style={{ fontSize: 12.5, marginTop: 2 }} data-testid={`forward-error-${h.destination}`}>
                Last error: {h.last_error.message}
              </div>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
