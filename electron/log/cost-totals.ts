/**
 * Sums of cost estimates (the `cost` block the pricing enricher puts on token.usage events),
 * shared by the session rollups, the token report and the trends. A response without a price
 * adds nothing to `usd` and is counted as unpriced with its model named: a total must never
 * look complete when it is not.
 */
import type { CostTotals } from '../shared/api';
import type { BeaconEvent } from '../shared/event';

/** Lists in a total stay short: they are for a sentence ("price unknown for model X"), not a report. */
export const MAX_LISTED = 20;
export const NO_MODEL = '(no model)';

export function emptyCost(): CostTotals {
  return { usd: 0, priced_events: 0, unpriced_events: 0, unpriced_models: [], price_sources: [] };
}

function remember(list: string[], value: string): void {
  if (list.length < MAX_LISTED && !list.includes(value)) list.push(value);
}

/** Add one token.usage event's estimate. `model`: the model it was priced for (or not). */
export function addCost(into: CostTotals, ev: BeaconEvent, model: string | undefined): void {
  const c = ev.cost;
  const usd = c?.usd;
  if (typeof usd === 'number' && Number.isFinite(usd) && usd >= 0) {
    into.usd += usd;
    into.priced_events++;
  } else {
    into.unpriced_events++;
    remember(into.unpriced_models, model ?? NO_MODEL);
  }
  if (c && typeof c.price_source === 'string' && c.price_source) remember(into.price_sources, c.price_source);
}

export function mergeCost(into: CostTotals, from: CostTotals): void {
  into.usd += from.usd;
  into.priced_events += from.priced_events;
  into.unpriced_events += from.unpriced_events;
  for (const m of from.unpriced_models) remember(into.unpriced_models, m);
  for (const s of from.price_sources) remember(into.price_sources, s);
}

/** A copy for an API answer, with the float noise of many small additions rounded away. */
export function snapshotCost(c: CostTotals): CostTotals {
  return { ...c, usd: Math.round(c.usd * 1e8) / 1e8, unpriced_models: [...c.unpriced_models], price_sources: [...c.price_sources] };
}
