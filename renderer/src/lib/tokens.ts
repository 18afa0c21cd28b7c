/** Token arithmetic for the UI. Counts are disjoint (see event.ts), so totals are plain sums. */
import type { TokenBucket, TokenBucketSize, TokenTotals } from '../../../electron/shared/api';
import { EMPTY_COST } from './cost';

export const EMPTY_TOTALS: TokenTotals = { input: 0, cached_input: 0, output: 0, reasoning: 0, total: 0, codex_tokens_used: 0 };

export function addTotals(a: TokenTotals, b: TokenTotals): TokenTotals {
  return {
    input: a.input + b.input,
    cached_input: a.cached_input + b.cached_input,
    output: a.output + b.output,
    reasoning: a.reasoning + b.reasoning,
    total: a.total + b.total,
    codex_tokens_used: a.codex_tokens_used + b.codex_tokens_used,
  };
}

/**
 * How every token number is labelled, in one place (tray, session view, tokens page, chart).
 * Codex's own counts overlap (its input includes cached, its output includes reasoning), so a
 * bare "Input" or "Output" would be read the wrong way: each label says which tokens it holds,
 * and Codex's printed `tokens used` figure sits beside them under the name Codex uses.
 */
export interface TokenLabel {
  key: keyof TokenTotals;
  label: string;
  /** The qualifier that removes the guesswork, shown under or after the label. */
  note?: string;
}

export const TOKEN_LABELS: Record<keyof TokenTotals, TokenLabel> = {
  input: { key: 'input', label: 'Input', note: 'not cached' },
  cached_input: { key: 'cached_input', label: 'Cached input' },
  output: { key: 'output', label: 'Output', note: 'excl. reasoning' },
  reasoning: { key: 'reasoning', label: 'Reasoning' },
  total: { key: 'total', label: 'Total', note: 'incl. cached' },
  codex_tokens_used: { key: 'codex_tokens_used', label: 'Codex “tokens used”', note: 'total − cached' },
};

/** "Input (not cached)": a label on one line (legends, tooltips, sentences). */
export function tokenLabelText(key: keyof TokenTotals): string {
  const l = TOKEN_LABELS[key];
  return l.note ? `${l.label} (${l.note})` : l.label;
}

/** The four disjoint parts in the order charts stack them, with their CSS colour variables. */
export const TOKEN_PARTS = [
  { key: 'input', color: 'var(--chart-input)' },
  { key: 'cached_input', color: 'var(--chart-cached)' },
  { key: 'output', color: 'var(--chart-output)' },
  { key: 'reasoning', color: 'var(--chart-reasoning)' },
] as const satisfies ReadonlyArray<{ key: keyof TokenTotals; color: string }>;

const BUCKET_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
/** Beyond this many slots the chart keeps only the non-empty buckets (bars stay visible). */
const MAX_SLOTS = 400;

/**
 * The server lists only buckets that have usage; a time axis needs the empty ones too, or
 * 01:00 and 04:00 would sit side by side. Buckets are UTC-aligned, so stepping by a fixed
 * size from the first start hits every later start exactly.
 */
export function fillBucketGaps(buckets: TokenBucket[], size: TokenBucketSize): TokenBucket[] {
  if (buckets.length < 2) return buckets;
  const step = BUCKET_MS[size];
  const first = Date.parse(buckets[0].start);
  const last = Date.parse(buckets[buckets.length - 1].start);
  if (!Number.isFinite(first) || !Number.isFinite(last) || (last - first) / step + 1 > MAX_SLOTS) return buckets;
  const byStart = new Map(buckets.map((b) => [Date.parse(b.start), b]));
  const out: TokenBucket[] = [];
  for (let t = first; t <= last; t += step) {
    out.push(byStart.get(t) ?? { start: new Date(t).toISOString(), tokens: EMPTY_TOTALS, title_generation: EMPTY_TOTALS, events: 0, cost: EMPTY_COST });
  }
  // Any bucket not on the grid (unexpected alignment) is kept rather than silently dropped.
  return out.length && buckets.every((b) => out.includes(b)) ? out : buckets;
}
