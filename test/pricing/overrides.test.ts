/**
 * Override files for negotiated prices: they replace the shipped table's price for the models
 * they name, a later file (the user's) beats an earlier one (the system's), and a bad file is a
 * clear one-line problem that leaves estimates running on the other layers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPricing } from '../../electron/pricing/enricher';
import { usageEvent } from './helpers';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'beacon-prices-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function file(name: string, body: unknown): Promise<string> {
  const p = join(dir, name);
  await writeFile(p, typeof body === 'string' ? body : JSON.stringify(body));
  return p;
}

const counts = { input: 1_000_000 / 10, cached: 0, output: 0, reasoning: 0 };

describe('price override files', () => {
  it('prices a model the table lacks, and replaces a table price, naming the override as the source', async () => {
    const f = await file('acme.json', { name: 'ACME negotiated rates', updated: '2026-11-30', models: { 'gpt-6.1-sol': { input: 4, cached_input: 0.4, output: 20 }, 'gpt-5.5': { input: 2, output: 10, aliases: ['gpt-5.5-fast'] } } });
    const pricing = await createPricing({ overrideFiles: [f] });
    const evs = ['gpt-6.1-sol', 'gpt-5.5', 'gpt-5.5-fast', 'gpt-6-sol'].map((m) => usageEvent(m, counts));
    pricing.enrich(evs);
    expect(evs.map((e) => e.cost!.usd)).toEqual([0.4, 0.2, 0.2, evs[3].cost!.usd]);
    expect(evs[0].cost!.price_source).toBe('ACME negotiated rates, 2026-11-30');
    expect(evs[3].cost!.price_source).toMatch(/^genai-prices /);
    expect(pricing.health()).toMatchObject({ name: 'pricing', status: 'ok' });
  });

  it('prices cached input at the input price when an override gives no cached price (no discount assumed)', async () => {
    const f = await file('nocache.json', { models: { 'in-house-model': { input: 1, output: 2 } } });
    const pricing = await createPricing({ overrideFiles: [f] });
    const ev = usageEvent('in-house-model', { input: 100_000, cached: 100_000, output: 0, reasoning: 0 });
    pricing.enrich([ev]);
    expect(ev.cost!.usd).toBeCloseTo(0.2, 10);
    expect(ev.cost!.price_source).toMatch(/^price overrides .*nocache\.json, \d{4}-\d{2}-\d{2}$/);
  });

  it("lets the user's file beat the system's for the same model", async () => {
    const system = await file('system.json', { name: 'MDM', models: { 'gpt-5.5': { input: 3, output: 3 } } });
    const user = await file('user.json', { name: 'mine', models: { 'gpt-5.5': { input: 1, output: 1 } } });
    const pricing = await createPricing({ overrideFiles: [system, user] });
    const ev = usageEvent('gpt-5.5', counts);
    pricing.enrich([ev]);
    expect(ev.cost).toMatchObject({ usd: 0.1, price_source: expect.stringMatching(/^mine/) });
  });

  it('treats a missing file as no override, silently', async () => {
    const pricing = await createPricing({ overrideFiles: [join(dir, 'absent.json')] });
    expect(pricing.problems).toEqual([]);
    expect(pricing.book.layers).toHaveLength(1);
  });

  it.each([
    ['not JSON', '{ "models": ', /price override file .*bad\.json: is not valid JSON/],
    ['a typo in a price key', { models: { 'gpt-5.5': { input: 1, cache_input: 0.1, output: 2 } } }, /models\["gpt-5\.5"\]: unknown key "cache_input"/],
    ['a price that is not a number', { models: { 'gpt-5.5': { input: '$1', output: 2 } } }, /models\["gpt-5\.5"\] "input" is not a price in USD per million tokens \(got "\$1"\)/],
    ['a negative price', { models: { 'gpt-5.5': { input: -1, output: 2 } } }, /"input" is not a price/],
    ['no models object', { prices: {} }, /unknown key "prices"/],
  ])('refuses a file with %s in one line, and keeps estimating with the shipped table', async (_what, body, message) => {
    const f = await file('bad.json', body);
    const pricing = await createPricing({ overrideFiles: [f] });
    expect(pricing.problems).toHaveLength(1);
    expect(pricing.problems[0]).toMatch(message);
    expect(pricing.problems[0]).not.toContain('\n');
    expect(pricing.health()).toMatchObject({ status: 'degraded', detail: pricing.problems[0] });
    const ev = usageEvent('gpt-5.5', counts);
    pricing.enrich([ev]);
    expect(ev.cost!.usd).toBeGreaterThan(0);
    expect(ev.cost!.price_source).toMatch(/^genai-prices /);
  });

  it('says when a file exists but cannot be read', async () => {
    if (process.getuid?.() === 0) {
      // root reads any file: make it a directory instead, which no one can read as a file.
      const p = join(dir, 'adir.json');
      await (await import('node:fs/promises')).mkdir(p);
      const pricing = await createPricing({ overrideFiles: [p] });
      expect(pricing.problems[0]).toMatch(/adir\.json: cannot be read \(EISDIR\)/);
      return;
    }
    const p = await file('locked.json', { models: {} });
    await chmod(p, 0o000);
    const pricing = await createPricing({ overrideFiles: [p] });
    expect(pricing.problems[0]).toMatch(/locked\.json: cannot be read \(permission denied\)/);
  });
});
