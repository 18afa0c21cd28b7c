/**
 * Guards the price table Beacon ships: its shape, that it is exactly what `npm run prices:update`
 * makes from the pinned @pydantic/genai-prices (no hand edits, no forgotten regeneration), and
 * that the models Codex offers are priced.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validatePriceTable, type PriceTable } from '../../electron/pricing/price-table';
import { createPricing } from '../../electron/pricing/enricher';
// @ts-expect-error plain .mjs module without types (the generator used by `npm run prices:update`)
import { modelsFromGenaiPrices, providerNames } from '../../scripts/prices/genai-to-table.mjs';
import { usageEvent } from './helpers';

const root = join(__dirname, '../..');
const raw = JSON.parse(readFileSync(join(root, 'electron/pricing/price-table.json'), 'utf8')) as PriceTable;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { devDependencies: Record<string, string>; scripts: Record<string, string> };

/**
 * The models Codex 0.169.0 lists in its model picker (its bundled catalog, `visibility: "list"`),
 * and the older Codex defaults people still run. Every one must be priced, except those the
 * pinned price data predates; those are listed with the reason, so the day a refresh prices them
 * this test says to move them.
 */
const CODEX_MODELS = ['gpt-5.5', 'gpt-5.6-luna', 'gpt-5.6-sol', 'gpt-5.6-terra', 'gpt-6-astra', 'gpt-6-luna', 'gpt-6-sol', 'gpt-5-codex', 'gpt-5.1-codex', 'gpt-5.1-codex-max', 'gpt-5.1-codex-mini', 'gpt-5.2-codex', 'gpt-5.3-codex', 'codex-mini-latest'];
const NOT_YET_IN_THE_DATA: Record<string, string> = {
  'gpt-6.1-sol': 'released after @pydantic/genai-prices 0.1.8 (2026-09-23), the newest on the registry',
  'gpt-6.1-terra': 'released after @pydantic/genai-prices 0.1.8 (2026-09-23), the newest on the registry',
};

describe('the shipped price table', () => {
  it('has the shape the pricing module expects: a name, a version, a date, and models with rules and prices', () => {
    const t = validatePriceTable(raw, 'price-table.json');
    expect(t.name).toBe('genai-prices');
    expect(t.published).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(t.unit).toBe('USD per million tokens');
    expect(t.models.length).toBeGreaterThan(100);
    expect(new Set(t.models.map((m) => `${m.provider}/${m.id}`)).size).toBe(t.models.length);
  });

  it('is exactly what the generator makes from the pinned @pydantic/genai-prices (regenerate with npm run prices:update)', async () => {
    const genai = await import('@pydantic/genai-prices');
    const installed = JSON.parse(readFileSync(join(root, 'node_modules/@pydantic/genai-prices/package.json'), 'utf8')).version;
    expect(pkg.devDependencies['@pydantic/genai-prices']).toBe(installed);
    expect(raw.version).toBe(installed);
    expect(raw.license_text).toBe(readFileSync(join(root, 'node_modules/@pydantic/genai-prices/LICENSE'), 'utf8').trim());
    expect(raw.providers).toEqual(providerNames(genai));
    expect(raw.models).toEqual(modelsFromGenaiPrices(genai));
    expect(pkg.scripts['prices:update']).toBe('node scripts/prices-update.mjs');
  });

  it.each(CODEX_MODELS)('prices the Codex model %s with input, cached-input and output prices', async (model) => {
    const pricing = await createPricing();
    const found = pricing.book.lookup(model);
    expect(found, `${model} has a price`).toBeDefined();
    const p = found!.entry.prices.at(-1)!;
    expect(p.input).toBeDefined();
    expect(p.cached_input, `${model} has a cached-input price (else cached tokens cost full input)`).toBeDefined();
    expect(p.output).toBeDefined();
    const ev = usageEvent(model, { input: 1000, cached: 1000, output: 100, reasoning: 100 });
    pricing.enrich([ev]);
    expect(ev.cost!.usd).toBeGreaterThan(0);
  });

  it.each(Object.entries(NOT_YET_IN_THE_DATA))('has no price yet for %s (%s): shown as "price unknown", never $0', async (model) => {
    const pricing = await createPricing();
    expect(pricing.book.lookup(model), `${model} is priced now: move it to CODEX_MODELS`).toBeUndefined();
  });
});
