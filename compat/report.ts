/**
 * The compat table: one row per Codex release, the columns a user asks about (does it start with
 * Beacon's block, does it export to the collector, are the events right, and what is wrong when
 * not). Markdown, so the output pastes into docs/compatibility.md as it is.
 */
import type { ReleaseRunResult } from '../test/support/release-run';

export interface CompatRow {
  release: string;
  /** Upper bound of the release date (npm's stamps move later on re-publish, never earlier). */
  publishedBy?: string;
  /** Set when the release could not be installed or run at all. */
  error?: string;
  result?: ReleaseRunResult;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function starts(r: ReleaseRunResult): string {
  return r.started ? 'yes' : `**no**: ${r.startError ?? ''}`;
}

function exportsCell(r: ReleaseRunResult): string {
  if (!r.started) return '-';
  const parts = [r.exported.logs > 0 ? 'logs' : '', r.exported.metrics > 0 ? 'metrics' : ''].filter(Boolean);
  if (parts.length === 0) return '**no**';
  if (r.exported.logs > 0 && r.events.length === 0) return `${parts.join(' + ')} (no events)`;
  return parts.join(' + ');
}

function eventsCell(r: ReleaseRunResult): string {
  if (!r.started || r.events.length === 0) return '-';
  return r.wrong.length === 0 ? 'yes' : `**no**: ${r.wrong.join('; ')}`;
}

function scenarioCell(r: ReleaseRunResult): string {
  if (!r.started || !r.choice) return '-';
  const tools = `${r.choice.command} + ${r.choice.patch}`;
  return r.truth.notRun.length === 0 ? tools : `${tools}; Codex did not run: ${r.truth.notRun.join('; ')}`;
}

export const COLUMNS = ['release', 'npm date (no later than)', 'starts', 'exports', 'events correct', 'scenario (tools the model used)'] as const;

export function renderTable(rows: readonly CompatRow[]): string {
  const lines = [`| ${COLUMNS.join(' | ')} |`, `|${COLUMNS.map(() => '---').join('|')}|`];
  for (const row of rows) {
    const r = row.result;
    const cells = r
      ? [row.release, row.publishedBy ?? '?', starts(r), exportsCell(r), eventsCell(r), scenarioCell(r)]
      : [row.release, row.publishedBy ?? '?', `could not run: ${row.error ?? 'unknown error'}`, '-', '-', '-'];
    lines.push(`| ${cells.map(cell).join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}

/** One progress line per finished release. */
export function summarize(row: CompatRow): string {
  const r = row.result;
  if (!r) return `${row.release}: could not run: ${row.error}`;
  if (!r.started) return `${row.release}: did not start (${r.startError})`;
  const ev = r.events.length === 0 ? 'no events' : r.wrong.length === 0 ? 'events correct' : `${r.wrong.length} problem(s)`;
  return `${row.release}: started, ${r.exported.logs} logs + ${r.exported.metrics} metrics requests, ${r.events.length} events, ${ev} (${(r.durationMs / 1000).toFixed(1)} s)`;
}
