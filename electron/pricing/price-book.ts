/**
 * The prices Beacon estimates with: override layers (negotiated prices) over the shipped table.
 * A model name is looked up once (then cached): the first layer with a matching entry wins, and
 * within a layer the first entry whose rule matches. Names are compared lower-case; a provider
 * prefix ("openai/gpt-5.5", as routers spell it) and a compact date suffix ("-20250514") are
 * tried without / normalised when the plain name is not found.
 */
import { matches } from './match';
import type { ModelPriceEntry, PricePeriod, PriceTable } from './price-table';

export interface PriceLayer {
  /** What `cost.price_source` says for prices from this layer: the table's name and date. */
  source: string;
  models: readonly ModelPriceEntry[];
}

export interface PriceMatch {
  entry: ModelPriceEntry;
  source: string;
}

const CACHE_MAX = 2000;
const COMPACT_DATE = /-(20\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?=-|$)/;

/** "genai-prices 0.1.8, 2026-09-23": the table's name and date, as events and the UI state it. */
export function tableSource(t: Pick<PriceTable, 'name' | 'version' | 'published'>): string {
  return `${t.name} ${t.version}, ${t.published}`;
}

export class PriceBook {
  private readonly cache = new Map<string, PriceMatch | null>();
  private readonly prefixes: Set<string>;

  constructor(readonly layers: readonly PriceLayer[]) {
    this.prefixes = new Set(layers.flatMap((l) => l.models.map((m) => `${m.provider.toLowerCase()}/`)));
  }

  /** The price entry for a model name, or undefined when no layer prices it. */
  lookup(model: string): PriceMatch | undefined {
    const hit = this.cache.get(model);
    if (hit !== undefined) return hit ?? undefined;
    const found = this.find(model.trim().toLowerCase()) ?? null;
    if (this.cache.size >= CACHE_MAX) this.cache.clear(); // garbage names must not grow memory
    this.cache.set(model, found);
    return found ?? undefined;
  }

  private find(name: string): PriceMatch | undefined {
    const candidates = [name];
    const slash = name.indexOf('/');
    if (slash > 0 && this.prefixes.has(name.slice(0, slash + 1))) candidates.push(name.slice(slash + 1));
    for (const c of [...candidates]) if (COMPACT_DATE.test(c)) candidates.push(c.replace(COMPACT_DATE, '-$1-$2-$3'));
    for (const layer of this.layers) {
      for (const c of candidates) {
        const entry = layer.models.find((m) => matches(m.match, c));
        if (entry) return { entry, source: layer.source };
      }
    }
    return undefined;
  }
}

/** The prices in force at a time: the newest period that had started by then. */
export function periodAt(entry: ModelPriceEntry, timeMs: number): PricePeriod {
  let current = entry.prices[0];
  for (const p of entry.prices) {
    if (p.from === undefined || Date.parse(p.from) <= timeMs) current = p;
  }
  return current;
}
