import type { CostTotals } from '../../../electron/shared/api';
import { costView } from '../lib/cost';

/** A cost estimate as it reads in a cell: "$0.25", "$0.25+" or "price unknown", the whole truth in its tooltip. */
export function CostValue({ cost, testId }: { cost: CostTotals | null | undefined; testId?: string }) {
  const v = costView(cost);
  return (
    <span className="cost" data-cost-state={v.state} title={v.detail} aria-label={v.state === 'none' ? 'no cost recorded' : `estimated cost ${v.detail}`} data-testid={testId}>
      {v.text}
    </span>
  );
}
