import type { HealthView } from '../lib/health';

/** Compact health for the dashboard header; the full reason is in the tooltip and banner. */
export function HealthPill({ view }: { view: HealthView }) {
  return (
    <div className="health-pill" data-level={view.level} data-testid="health" role="status" aria-live="polite" title={view.reason}>
      <span className="health-dot" aria-hidden="true" />
      <span data-testid="health-title">{view.title}</span>
    </div>
  );
}
