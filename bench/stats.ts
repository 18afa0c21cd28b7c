/**
 * The small statistics the benchmark reports. Percentiles use the nearest-rank method on a
 * sorted copy: with the sample sizes we collect (hundreds to tens of thousands) it is exact
 * enough, and unlike interpolation it always returns a value that was actually measured.
 */

/** Nearest-rank percentile, p in [0, 100]. NaN for an empty sample. */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within 0..100, got ${p}`);
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  if (p === 0) return sorted[0];
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export interface Summary {
  n: number;
  min: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
}

export function summarize(values: readonly number[]): Summary {
  const n = values.length;
  if (n === 0) return { n, min: NaN, p50: NaN, p90: NaN, p99: NaN, max: NaN, mean: NaN };
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    sum += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return { n, min, p50: percentile(values, 50), p90: percentile(values, 90), p99: percentile(values, 99), max, mean: sum / n };
}

/**
 * Median absolute deviation relative to the median: a spread measure that one slow outlier run
 * cannot inflate (used to say whether a difference between two medians is above the noise).
 */
export function relativeMad(values: readonly number[]): number {
  const m = median(values);
  if (!(m > 0)) return NaN;
  return median(values.map((v) => Math.abs(v - m))) / m;
}

/** Milliseconds elapsed since `start` (a process.hrtime.bigint() value). */
export function msSince(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}
