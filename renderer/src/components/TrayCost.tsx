import { useEffect } from 'react';
import type { SessionRollup } from '../../../electron/shared/api';
import { useToday } from '../stores/today';
import { sessionStatus } from '../lib/session-status';
import { CostValue } from './CostValue';

/** Today's estimated cost and the current (or last) session's, under the health light: one short row. */
export function TrayCost({ session }: { session: SessionRollup | null }) {
  const { cost, loaded, load } = useToday();
  useEffect(() => {
    void load();
  }, [load]);
  const status = session ? sessionStatus(session) : null;
  return (
    <div className="tray-cost" aria-label="Estimated cost" data-testid="tray-cost">
      <div data-testid="tray-cost-today" title="Estimated cost of today's Codex sessions">
        <span className="label">Today</span>
        <span className="value">{loaded ? <CostValue cost={cost} /> : '…'}</span>
      </div>
      <div data-testid="tray-cost-session" title={session ? `Estimated cost of ${session.title ? `“${session.title}”` : 'this session'}` : undefined}>
        <span className="label">{status?.state === 'running' ? 'Session' : 'Last session'}</span>
        <span className="value">
          <CostValue cost={session?.cost} />
        </span>
      </div>
    </div>
  );
}
