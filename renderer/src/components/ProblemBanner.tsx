import type { HealthView } from '../lib/health';
import { FixCommand } from './FixCommand';

/** On the dashboard, an error-level health problem gets a banner with its fix, not just a pill. */
export function ProblemBanner({ view }: { view: HealthView }) {
  return (
    <div className="banner error" role="alert" data-testid="problem-banner">
      <div style={{ flex: 1 }}>
        <strong>{view.title}: </strong>
        {view.reason}
        {view.detail ? <div className="muted" style={{ fontSize: 12.5, marginTop: 2 }}>{view.detail}</div> : null}
        {view.fix ? <FixCommand command={view.fix} /> : null}
      </div>
    </div>
  );
}
