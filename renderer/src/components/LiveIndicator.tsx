import type { StreamStatus } from '../api/client';

/** "Live" when the event stream is open; otherwise says it is reconnecting. */
export function LiveIndicator({ status }: { status: StreamStatus }) {
  const label = status === 'live' ? 'Live' : status === 'connecting' ? 'Connecting…' : 'Reconnecting…';
  return (
    <span className="live-dot" data-live={status === 'live'} data-testid="live-indicator" role="status">
      {label}
    </span>
  );
}
