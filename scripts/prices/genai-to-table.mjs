/**
 * Turns the price data that @pydantic/genai-prices ships into Beacon's price table
 * (electron/pricing/price-table.json): the first-party providers an agent harness talks to, each
 * model with its match rule and its token prices in USD per million tokens. Used by
 * `npm run prices:update` (scripts/prices-update.mjs) and by the test that checks the shipped table
 * is exactly what the pinned package makes (test/pricing/price-table.test.ts).
 *
 * Kept: input, cached input (cache read), cache write and output token prices, with their
 * long-context tiers and dated price changes. Dropped: audio, image and search prices (no agent
 * event carries those counts), and time-of-day discounts (an estimate at the list price is the
 * safer error). Unknown structure is an error, never a silently wrong table.
 */

/** Providers in lookup order: a model name is priced by the first provider whose rules match it. */
export const PROVIDERS = ['openai', 'anthropic', 'google', 'x-ai', 'deepseek', 'mistral'];

/** genai-prices' price keys -> ours (per million tokens). */
const KEYS = { input_mtok: 'input', cache_read_mtok: 'cached_input', cache_write_mtok: 'cache_write', output_mtok: 'output' };

function price(value, where) {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (value && typeof value === 'object' && typeof value.base === 'number' && Array.isArray(value.tiers)) {
    const tiers = value.tiers.map((t) => {
      if (typeof t?.start !== 'number' || typeof t?.price !== 'number') throw new Error(`${where}: a tier without numeric start/price`);
      return { start: t.start, price: t.price };
    });
    tiers.sort((a, b) => a.start - b.start);
    return { base: value.base, tiers };
  }
  throw new Error(`${where}: unexpected price ${JSON.stringify(value)}`);
}

function priceSet(prices, where) {
  const out = {};
  for (const [from, to] of Object.entries(KEYS)) {
    if (prices[from] !== undefined) out[to] = price(prices[from], `${where}.${from}`);
  }
  return out;
}

/** Only start-date conditions survive; the newest period is last. */
function periods(model, where) {
  if (!Array.isArray(model.prices)) return [priceSet(model.prices, where)];
  const out = [];
  for (const [i, c] of model.prices.entries()) {
    const constraint = c.constraint;
    if (constraint && constraint.type === 'time_of_date') continue;
    if (constraint && constraint.type !== 'start_date') throw new Error(`${where}[${i}]: unknown constraint ${JSON.stringify(constraint)}`);
    const set = priceSet(c.prices, `${where}[${i}]`);
    out.push(constraint ? { from: new Date(constraint.start_date).toISOString(), ...set } : set);
  }
  return out.sort((a, b) => (a.from ?? '').localeCompare(b.from ?? ''));
}

/**
 * @param {{ findProvider(o: { providerId: string }): any }} genai the package's module
 * @returns {Array<object>} the table's models, in lookup order
 */
export function modelsFromGenaiPrices(genai) {
  const models = [];
  for (const providerId of PROVIDERS) {
    const provider = genai.findProvider({ providerId });
    if (!provider || provider.id !== providerId) throw new Error(`@pydantic/genai-prices has no provider "${providerId}"`);
    for (const m of provider.models) {
      const where = `${providerId}/${m.id}`;
      const prices = periods(m, where).filter((p) => p.input !== undefined || p.output !== undefined);
      // A model without token prices (audio-only, image-only) cannot price a token.usage event.
      if (prices.length === 0) continue;
      models.push({ id: m.id, provider: providerId, ...(m.name ? { name: m.name } : {}), match: m.match, prices });
    }
  }
  return models;
}

/** The providers' display names, in lookup order. */
export function providerNames(genai) {
  return PROVIDERS.map((id) => ({ id, name: genai.findProvider({ providerId: id }).name }));
}

/** The whole table, one model per line so a price change is a one-line diff. */
export function renderTable(table) {
  const { models, providers, ...head } = table;
  const lines = Object.entries(head).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)},`);
  lines.push(`  "providers": [\n${providers.map((p) => `    ${JSON.stringify(p)}`).join(',\n')}\n  ],`);
  lines.push(`  "models": [\n${models.map((m) => `    ${JSON.stringify(m)}`).join(',\n')}\n  ]`);
  return `{\n${lines.join('\n')}\n}\n`;
}
