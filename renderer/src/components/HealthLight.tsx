import type { HealthView } from '../lib/health';
import { FixCommand } from './FixCommand';

/** The tray's health light: colour, a title, one line of reason and the fix when there is one. */
export function HealthLight({ view }: { view: HealthView }) {
  return (
    <div className="health" data-level={view.level} data-testid="health" role="status" aria-live="polite">
      <span className="health-dot" aria-hidden="true" />
      <div style={{ minWidth: 0, flex: 1 }}>
        <div className="health-title" data-testid="health-title">
          <span className="visually-hidden">Health: </span>
          {view.title}
        </div>
        <div className="health-reason" data-testid="health-reason" title={view.detail}>
          {view.reason}
        </div>
        {view.fix ? <FixCommand command={view.fix} /> : null}
      </div>
    </div>
  );
}
