/**
 * The cost estimate on every `token.usage` event (design.md section 7): `cost.usd` at the price
 * of the event's own model (sessions switch models) at the event's time, `cost.estimated: true`,
 * and `cost.price_source` naming the table and its date. A model no layer prices gets no
 * `cost.usd` (never 0: "free" and "unknown" must not look alike) and `cost.unpriced` says why.
 *
 * It runs as an enricher in the collector (before the content policy) and in the dashboard's
 * reader for events written before prices existed; an event that already carries `cost` is left
 * alone, so a log is never re-priced. It is also a consumer, only to report its health: a bad
 * override file shows in /healthz, status and the tray without stopping anything.
 */
import type { BeaconEvent, CostEstimate } from '../shared/event';
import type { ConsumerHealth, EventConsumer, EventEnricher } from '../shared/harness';
import { costOf, roundUsd } from './cost';
import { PriceBook, periodAt, tableSource, type PriceLayer } from './price-book';
import { readOverrides } from './overrides';
import { SHIPPED_TABLE } from './shipped-table';

export interface PricingOptions {
  /** Override files, lowest precedence first (system, then user); missing files are skipped. */
  overrideFiles?: readonly string[];
}

/** The model a usage event was answered by: the response's own model first. */
export function usageModel(ev: BeaconEvent): string | undefined {
  const m = ev.gen_ai?.request?.model ?? ev.model;
  return typeof m === 'string' && m.trim() ? m : undefined;
}

export class PricingEnricher implements EventEnricher, EventConsumer {
  readonly name = 'pricing';

  constructor(
    readonly book: PriceBook,
    /** Override files refused, one sentence each. */
    readonly problems: readonly string[] = [],
  ) {}

  enrich(events: BeaconEvent[]): void {
    for (const ev of events) {
      if (ev.event.action === 'token.usage' && ev.cost === undefined) ev.cost = this.estimate(ev);
    }
  }

  estimate(ev: BeaconEvent): CostEstimate {
    const fallback = this.book.layers[this.book.layers.length - 1].source;
    const model = usageModel(ev);
    if (!model) return { estimated: true, price_source: fallback, unpriced: 'no_model' };
    const found = this.book.lookup(model);
    if (!found) return { estimated: true, price_source: fallback, unpriced: 'unknown_model' };
    const { entry, source } = found;
    const period = entry.prices.length === 1 ? entry.prices[0] : periodAt(entry, Date.parse(ev.timestamp));
    const cost = costOf(ev.gen_ai?.usage ?? {}, period);
    if (!cost) return { estimated: true, price_source: source, priced_as: entry.id, unpriced: 'unknown_model' };
    return { usd: roundUsd(cost.total), estimated: true, price_source: source, priced_as: entry.id };
  }

  health(): ConsumerHealth {
    const sources = this.book.layers.map((l) => l.source);
    return {
      name: this.name,
      status: this.problems.length ? 'degraded' : 'ok',
      detail: this.problems.length ? this.problems.join('; ') : `cost estimates from ${sources.join(' over ')}`,
      price_sources: sources,
    };
  }
}

/** The shipped table under the override files that exist and parse; refused files are reported. */
export async function createPricing(opts: PricingOptions = {}): Promise<PricingEnricher> {
  const layers: PriceLayer[] = [];
  const problems: string[] = [];
  for (const file of opts.overrideFiles ?? []) {
    try {
      const layer = await readOverrides(file);
      if (layer) layers.unshift(layer); // later files take precedence
    } catch (err) {
      problems.push((err as Error).message);
    }
  }
  layers.push({ source: tableSource(SHIPPED_TABLE), models: SHIPPED_TABLE.models });
  return new PricingEnricher(new PriceBook(layers), problems);
}
