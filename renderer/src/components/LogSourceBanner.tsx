import { FIX } from '../lib/health';
import { FixCommand } from './FixCommand';

/**
 * The runtime-log source warning (e.g. "reading the system log because only the system
 * collector runs"). The reference product hid it; we show it on every page until it goes away.
 */
export function LogSourceBanner({ warning, logPath }: { warning: string; logPath?: string }) {
  return (
    <div className="banner" role="alert" data-testid="log-source-banner">
      <div style={{ flex: 1 }}>
        <strong>Runtime log source: </strong>
        {warning}
        {logPath ? (
          <div className="muted" style={{ fontSize: 12.5, marginTop: 2 }}>
            Reading <code>{logPath}</code>
          </div>
        ) : null}
        <FixCommand command={FIX.status} label="Check:" />
      </div>
    </div>
  );
}
