import type { StreamStatus } from '../api/client';
import type { HealthLevel } from '../lib/health';

/**
 * "Live" (green) only when the page's event stream is open AND the pipeline is healthy: a green
 * "Live" beside a red "Collector down" told the user two opposite things. When the stream is
 * open but health is not ok, the health light already says what is wrong (and is current,
 * because the stream carries it), so this says nothing. When the stream is down, it says so:
 * then the health shown may be stale.
 */
export function LiveIndicator({ status, level }: { status: StreamStatus; level: HealthLevel }) {
  if (status === 'live' && level !== 'ok') return null;
  const label = status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Reconnecting…';
  return (
    <span className="live-dot" data-live={status === 'live'} data-testid="live-indicator" role="status">
      {label}
    </span>
  );
}
