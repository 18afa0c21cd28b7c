/**
 * One line of the results table and how the table is printed and saved. Every measured number
 * that has a target is shown beside the baseline measured in the same run and their ratio, so
 * a reader can judge a noisy 2-core machine's result without knowing its absolute speed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export type Verdict = 'PASS' | 'FAIL' | 'INFO';

export interface ResultRow {
  section: string;
  metric: string;
  value: number;
  unit: string;
  /** What the value is compared with, measured in the same run. */
  baseline?: { value: number; unit: string; label: string };
  /** value / baseline.value (or as stated by the section). */
  ratio?: number;
  /** Human-readable target, e.g. ">= 0.5 x baseline" or "< 5 ms". */
  target: string;
  verdict: Verdict;
  note?: string;
}

export interface SectionError {
  section: string;
  error: string;
}

export interface BenchReport {
  date: string;
  machine: { nproc: number; cpu: string; node: string; platform: string; totalMemMB: number; loadavgStart: number; loadavgEnd: number };
  mode: 'full' | 'quick';
  sections: string[];
  durationS: number;
  rows: ResultRow[];
  errors: SectionError[];
}

/** PASS when `ok`, FAIL otherwise: the only way rows get a verdict from a target. */
export function verdict(ok: boolean): Verdict {
  return ok ? 'PASS' : 'FAIL';
}

export function fmtNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100_000) return Math.round(v).toLocaleString('en-US');
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  return v.toFixed(3);
}

function cell(v: number, unit: string): string {
  return unit ? `${fmtNumber(v)} ${unit}` : fmtNumber(v);
}

/** A fixed-width text table; notes are printed under it, numbered, to keep lines short. */
export function renderTable(rows: readonly ResultRow[]): string {
  const header = ['section', 'metric', 'measured', 'baseline (same run)', 'ratio', 'target', 'result'];
  const notes: string[] = [];
  const body = rows.map((r) => {
    let result: string = r.verdict;
    if (r.note) {
      notes.push(r.note);
      result += ` [${notes.length}]`;
    }
    return [
      r.section,
      r.metric,
      cell(r.value, r.unit),
      r.baseline ? `${cell(r.baseline.value, r.baseline.unit)} (${r.baseline.label})` : '-',
      r.ratio !== undefined ? `${fmtNumber(r.ratio)}x` : '-',
      r.target,
      result,
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cols: string[]) => cols.map((c, i) => c.padEnd(widths[i])).join(' | ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...body.map(line)];
  if (notes.length > 0) {
    out.push('');
    notes.forEach((n, i) => out.push(`[${i + 1}] ${n}`));
  }
  return out.join('\n');
}

export function writeJson(path: string, report: BenchReport): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, JSON.stringify(report, null, 2) + '\n');
}
