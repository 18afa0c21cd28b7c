/**
 * The cost arithmetic against the shipped price table: cached input at its cache price,
 * reasoning at the output price, each event at its own model's price, long-context tiers, dated
 * price changes, and no price (never $0) for a model the table does not know.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPricing } from '../../electron/pricing/enricher';
import type { PriceTable, TokenPrice } from '../../electron/pricing/price-table';
import { usageEvent } from './helpers';

// The table as a file, read independently of the module under test.
const table = JSON.parse(readFileSync(join(__dirname, '../../electron/pricing/price-table.json'), 'utf8')) as PriceTable;
const entry = (id: string) => table.models.find((m) => m.id === id)!;
const base = (p: TokenPrice | undefined): number => (typeof p === 'number' ? p : p!.base);
const SOURCE = `genai-prices ${table.version}, ${table.published}`;

describe('cost of one token.usage event', () => {
  it('prices each disjoint count once: uncached input, cached input at the cache price, output, reasoning as output', async () => {
    const pricing = await createPricing();
    // Codex reported input 1000 (100 cached) and output 50 (10 reasoning): Beacon stores 900 / 100 / 40 / 10.
    const ev = usageEvent('gpt-5.5', { input: 900, cached: 100, output: 40, reasoning: 10 });
    pricing.enrich([ev]);
    const p = entry('gpt-5.5').prices.at(-1)!;
    const expected = (900 * base(p.input) + 100 * base(p.cached_input) + 40 * base(p.output) + 10 * base(p.output)) / 1e6;
    expect(ev.cost).toEqual({ usd: Number(expected.toFixed(8)), estimated: true, price_source: SOURCE, priced_as: 'gpt-5.5' });
    // gpt-5.5 lists $5 input, $0.50 cached, $30 output per million: 0.0045 + 0.00005 + 0.0012 + 0.0003.
    expect(ev.cost!.usd).toBeCloseTo(0.00605, 10);
  });

  it('charges cached tokens far less than input: pricing them as input would overstate a cache-heavy session', async () => {
    const pricing = await createPricing();
    const cached = usageEvent('gpt-5.5', { input: 1_000, cached: 99_000, output: 0, reasoning: 0 });
    const asInput = usageEvent('gpt-5.5', { input: 100_000, cached: 0, output: 0, reasoning: 0 });
    pricing.enrich([cached, asInput]);
    const p = entry('gpt-5.5').prices.at(-1)!;
    expect(cached.cost!.usd).toBeCloseTo((1_000 * base(p.input) + 99_000 * base(p.cached_input)) / 1e6, 10);
    expect(asInput.cost!.usd! / cached.cost!.usd!).toBeGreaterThan(8);
  });

  it('bills reasoning tokens exactly like output tokens, and never twice', async () => {
    const pricing = await createPricing();
    const reasoning = usageEvent('gpt-6-sol', { input: 0, cached: 0, output: 0, reasoning: 5_000 });
    const output = usageEvent('gpt-6-sol', { input: 0, cached: 0, output: 5_000, reasoning: 0 });
    const both = usageEvent('gpt-6-sol', { input: 0, cached: 0, output: 2_500, reasoning: 2_500 });
    pricing.enrich([reasoning, output, both]);
    expect(reasoning.cost!.usd).toBe(output.cost!.usd);
    expect(both.cost!.usd).toBe(output.cost!.usd);
    expect(output.cost!.usd).toBeCloseTo((5_000 * base(entry('gpt-6-sol').prices.at(-1)!.output)) / 1e6, 10);
  });

  it('gives a model the table does not know no price at all, never $0, and says why', async () => {
    const pricing = await createPricing();
    const unknown = usageEvent('gpt-6.1-sol', { input: 5_000, cached: 0, output: 100, reasoning: 0 });
    const noModel = usageEvent(undefined, { input: 5_000, cached: 0, output: 100, reasoning: 0 });
    pricing.enrich([unknown, noModel]);
    expect(unknown.cost).toEqual({ estimated: true, price_source: SOURCE, unpriced: 'unknown_model' });
    expect(noModel.cost).toEqual({ estimated: true, price_source: SOURCE, unpriced: 'no_model' });
    expect('usd' in unknown.cost!).toBe(false);
  });

  it("prices each event at its own model's price when a session switches models", async () => {
    const pricing = await createPricing();
    const counts = { input: 10_000, cached: 0, output: 1_000, reasoning: 0 };
    const luna = usageEvent('gpt-6-luna', counts);
    const astra = usageEvent('gpt-6-astra', counts);
    pricing.enrich([luna, astra]);
    const at = (id: string) => (10_000 * base(entry(id).prices.at(-1)!.input) + 1_000 * base(entry(id).prices.at(-1)!.output)) / 1e6;
    expect(luna.cost!.usd).toBeCloseTo(at('gpt-6-luna'), 10);
    expect(astra.cost!.usd).toBeCloseTo(at('gpt-6-astra'), 10);
    expect(astra.cost!.usd).toBeGreaterThan(luna.cost!.usd! * 10);
  });

  it('uses the long-context tier for the whole request once its input (cached included) passes the tier start', async () => {
    const pricing = await createPricing();
    const p = entry('gpt-5.5').prices.at(-1)!;
    const tier = typeof p.input === 'number' ? undefined : p.input!.tiers[0];
    expect(tier, 'gpt-5.5 has a long-context tier in the table').toBeDefined();
    const small = usageEvent('gpt-5.5', { input: 100_000, cached: tier!.start - 100_000, output: 1_000, reasoning: 0 });
    const large = usageEvent('gpt-5.5', { input: 100_000, cached: tier!.start - 100_000 + 1, output: 1_000, reasoning: 0 });
    pricing.enrich([small, large]);
    const rateAt = (tp: TokenPrice | undefined, over: boolean) => (typeof tp === 'number' ? tp : over ? tp!.tiers[0].price : tp!.base);
    const want = (over: boolean, cached: number) => (100_000 * rateAt(p.input, over) + cached * rateAt(p.cached_input, over) + 1_000 * rateAt(p.output, over)) / 1e6;
    expect(small.cost!.usd).toBeCloseTo(want(false, tier!.start - 100_000), 8);
    expect(large.cost!.usd).toBeCloseTo(want(true, tier!.start - 100_000 + 1), 8);
  });

  it('uses the price in force at the time of the event when the table has dated price changes', async () => {
    const pricing = await createPricing();
    const e = entry('gpt-5.6-luna');
    expect(e.prices.length, 'gpt-5.6-luna changed price in the table').toBeGreaterThan(1);
    const change = Date.parse(e.prices.at(-1)!.from!);
    const counts = { input: 100_000, cached: 0, output: 0, reasoning: 0 };
    const before = usageEvent('gpt-5.6-luna', counts, new Date(change - 86_400_000).toISOString());
    const after = usageEvent('gpt-5.6-luna', counts, new Date(change + 86_400_000).toISOString());
    pricing.enrich([before, after]);
    expect(before.cost!.usd).toBeCloseTo(base(e.prices.at(-2)!.input) / 10, 8);
    expect(after.cost!.usd).toBeCloseTo(base(e.prices.at(-1)!.input) / 10, 8);
    expect(before.cost!.usd).not.toBe(after.cost!.usd);
  });

  it('prices names the way agents and routers spell them: a codex variant, a provider prefix, a compact date', async () => {
    const pricing = await createPricing();
    const evs = ['gpt-5-codex', 'openai/gpt-5.5', 'GPT-5.5', 'claude-sonnet-4-5-20250929'].map((m) => usageEvent(m, { input: 1000, cached: 0, output: 0, reasoning: 0 }));
    pricing.enrich(evs);
    expect(evs.map((e) => e.cost!.priced_as)).toEqual(['gpt-5', 'gpt-5.5', 'gpt-5.5', 'claude-sonnet-4-5']);
  });

  it('leaves an event that already carries a cost alone (a log is never re-priced) and only touches token.usage', async () => {
    const pricing = await createPricing();
    const priced = usageEvent('gpt-5.5', { input: 1000, cached: 0, output: 0, reasoning: 0 });
    priced.cost = { usd: 1.23, estimated: true, price_source: 'earlier table, 2026-01-01' };
    const other = { ...usageEvent('gpt-5.5', { input: 1000, cached: 0, output: 0, reasoning: 0 }), event: { kind: 'agent_runtime' as const, action: 'prompt.submitted', category: 'prompt' } };
    pricing.enrich([priced, other]);
    expect(priced.cost).toEqual({ usd: 1.23, estimated: true, price_source: 'earlier table, 2026-01-01' });
    expect(other.cost).toBeUndefined();
  });
});
