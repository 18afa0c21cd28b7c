/**
 * The cost arithmetic of one model response. Beacon's token counts are disjoint (event.ts
 * TokenUsage): input NOT served from cache, cached input, output excluding reasoning, reasoning.
 * So each count is priced once, at its own price:
 *   input     at the input price
 *   cached    at the cached-input (cache read) price, or the input price when the model has none
 *   output    at the output price
 *   reasoning at the output price (providers bill reasoning as output)
 *   cache writes (when the agent reports them) are part of the uncached input: those tokens are
 *   priced at the cache-write price instead of the input price (when the model has one).
 * Long-context tiers apply to the whole request when its input (cached included) is above the
 * tier's start, as the price data defines them.
 */
import type { TokenUsage } from '../shared/event';
import type { PricePeriod, TokenPrice } from './price-table';

const PER = 1_000_000;

function count(n: unknown): number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : 0;
}

function rate(price: TokenPrice, requestInput: number): number {
  if (typeof price === 'number') return price;
  let r = price.base;
  for (const t of price.tiers) if (requestInput > t.start) r = t.price;
  return r;
}

export interface CostBreakdown {
  input: number;
  cached_input: number;
  output: number;
  reasoning: number;
  cache_write: number;
  total: number;
}

/** USD for one response's usage at one price period; undefined when a needed price is missing. */
export function costOf(usage: Partial<TokenUsage>, prices: PricePeriod): CostBreakdown | undefined {
  const input = count(usage.input_tokens);
  const cached = count(usage.cached_input_tokens);
  const output = count(usage.output_tokens);
  const reasoning = count(usage.reasoning_output_tokens);
  const cacheWrite = Math.min(count(usage.cache_write_input_tokens), input);
  const requestInput = input + cached;
  // A price the data does not state is unknown, not free: refuse rather than undercount.
  if ((input > 0 || cached > 0) && prices.input === undefined && prices.cached_input === undefined) return undefined;
  if ((output > 0 || reasoning > 0) && prices.output === undefined) return undefined;
  const inRate = prices.input !== undefined ? rate(prices.input, requestInput) : 0;
  const cachedRate = prices.cached_input !== undefined ? rate(prices.cached_input, requestInput) : inRate;
  const outRate = prices.output !== undefined ? rate(prices.output, requestInput) : 0;
  const writeRate = prices.cache_write !== undefined ? rate(prices.cache_write, requestInput) : inRate;
  const parts = {
    input: ((input - cacheWrite) * inRate) / PER,
    cached_input: (cached * cachedRate) / PER,
    output: (output * outRate) / PER,
    reasoning: (reasoning * outRate) / PER,
    cache_write: (cacheWrite * writeRate) / PER,
  };
  return { ...parts, total: parts.input + parts.cached_input + parts.output + parts.reasoning + parts.cache_write };
}

/** To the millionth of a cent: enough for one small response, and stable in JSON. */
export function roundUsd(usd: number): number {
  return Math.round(usd * 1e8) / 1e8;
}
