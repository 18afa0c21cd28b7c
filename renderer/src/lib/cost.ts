/**
 * How costs read everywhere (tray, sessions, story, trends): an estimate in dollars, and when a
 * response's model had no price, the words "price unknown for model X" instead of a number that
 * quietly leaves it out. Never "$0.00" for unknown: that reads as free.
 */
import type { CostTotals } from '../../../electron/shared/api';
import type { BeaconEvent } from '../../../electron/shared/event';

export const EMPTY_COST: CostTotals = { usd: 0, priced_events: 0, unpriced_events: 0, unpriced_models: [], price_sources: [] };

/** "$12.40", "$0.03", "$0.0042" (two significant digits under a cent), "$1,234". */
export function formatUsd(usd: number): string {
  if (!Number.isFinite(usd) || usd <= 0) return '$0.00';
  if (usd >= 1000) return `$${Math.round(usd).toLocaleString('en-US')}`;
  if (usd >= 0.01) return `$${usd.toFixed(2)}`;
  return `$${Number(usd.toPrecision(2)).toString()}`;
}

/** Short, for axes: "$1.2k", "$12", "$0.50". */
export function formatUsdCompact(usd: number): string {
  if (usd >= 1000) return `$${(usd / 1000).toFixed(1).replace(/\.0$/, '')}k`;
  if (usd >= 10) return `$${Math.round(usd)}`;
  if (usd >= 0.1 || usd === 0) return `$${usd.toFixed(2)}`;
  return formatUsd(usd);
}

export type CostState = 'priced' | 'partial' | 'unknown' | 'none';

export interface CostView {
  state: CostState;
  /** What goes in the cell: "$0.25", "$0.25+", "price unknown", "—". */
  text: string;
  /** The whole truth in one sentence (tooltips, aria labels, notes). */
  detail: string;
}

function models(list: string[]): string {
  return list.length ? list.join(', ') : 'an unnamed model';
}

export function unknownPriceText(list: string[]): string {
  return `price unknown for model ${models(list)}`;
}

export function costView(c: CostTotals | null | undefined): CostView {
  if (!c || c.priced_events + c.unpriced_events === 0) return { state: 'none', text: '—', detail: 'no model responses recorded' };
  const source = c.price_sources.length ? ` (estimate, ${c.price_sources.join('; ')})` : ' (estimate)';
  if (c.priced_events === 0) return { state: 'unknown', text: 'price unknown', detail: unknownPriceText(c.unpriced_models) };
  if (c.unpriced_events === 0) return { state: 'priced', text: formatUsd(c.usd), detail: `${formatUsd(c.usd)}${source}` };
  const n = c.unpriced_events;
  return {
    state: 'partial',
    text: `${formatUsd(c.usd)}+`,
    detail: `at least ${formatUsd(c.usd)}${source}; ${unknownPriceText(c.unpriced_models)} (${n} ${n === 1 ? 'response' : 'responses'} not included)`,
  };
}

/** One token.usage event's cost in words: "$0.0061", "price unknown for model gpt-6.1-sol", or null (not priced at all). */
export function eventCostText(ev: BeaconEvent): string | null {
  const c = ev.cost;
  if (!c) return null;
  if (typeof c.usd === 'number') return formatUsd(c.usd);
  const model = ev.gen_ai?.request?.model ?? ev.model;
  return unknownPriceText(model ? [model] : []);
}

export function addCost(a: CostTotals, b: CostTotals): CostTotals {
  const union = (x: string[], y: string[]) => [...new Set([...x, ...y])];
  return {
    usd: a.usd + b.usd,
    priced_events: a.priced_events + b.priced_events,
    unpriced_events: a.unpriced_events + b.unpriced_events,
    unpriced_models: union(a.unpriced_models, b.unpriced_models),
    price_sources: union(a.price_sources, b.price_sources),
  };
}

/** A token.usage event's estimate as totals (for folding one turn's responses together). */
export function costOfEvent(ev: BeaconEvent): CostTotals {
  const c = ev.cost;
  const model = ev.gen_ai?.request?.model ?? ev.model;
  if (c && typeof c.usd === 'number') return { usd: c.usd, priced_events: 1, unpriced_events: 0, unpriced_models: [], price_sources: c.price_source ? [c.price_source] : [] };
  return { usd: 0, priced_events: 0, unpriced_events: 1, unpriced_models: [model ?? '(no model)'], price_sources: c?.price_source ? [c.price_source] : [] };
}
