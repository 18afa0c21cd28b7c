/** Token arithmetic for the UI. Counts are disjoint (see event.ts), so totals are plain sums. */
import type { TokenTotals } from '../../../electron/shared/api';

export const EMPTY_TOTALS: TokenTotals = { input: 0, cached_input: 0, output: 0, reasoning: 0, total: 0 };

export function addTotals(a: TokenTotals, b: TokenTotals): TokenTotals {
  return {
    input: a.input + b.input,
    cached_input: a.cached_input + b.cached_input,
    output: a.output + b.output,
    reasoning: a.reasoning + b.reasoning,
    total: a.total + b.total,
  };
}

/** The four disjoint parts in the order charts stack them, with their CSS colour variables. */
export const TOKEN_PARTS = [
  { key: 'input', label: 'Input', color: 'var(--chart-input)' },
  { key: 'cached_input', label: 'Cached', color: 'var(--chart-cached)' },
  { key: 'output', label: 'Output', color: 'var(--chart-output)' },
  { key: 'reasoning', label: 'Reasoning', color: 'var(--chart-reasoning)' },
] as const satisfies ReadonlyArray<{ key: keyof TokenTotals; label: string; color: string }>;
