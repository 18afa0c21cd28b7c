/**
 * What a CI run's agent did, from its events: the numbers a reviewer wants on the run page
 * (sessions, prompts, commands and which failed, approvals, files changed, errors, tokens), as a
 * machine-readable object (summary.json) and as Markdown ($GITHUB_STEP_SUMMARY).
 *
 * Tokens are summed from `token.usage` events, whose counts are already disjoint (input without
 * cached, output without reasoning): every token is counted once and the columns add up to total.
 */
import type { BeaconEvent, TokenUsage } from '../shared/event';
import type { CostTotals } from '../shared/api';
import { addCost, emptyCost, snapshotCost } from '../log/cost-totals';
import { isFailedFileChange, isFailedPatch } from '../shared/event-facts';
import type { RunContext } from './run-context';
import type { ValidationResult } from './validate';
import { isCodexEvent } from './validate';

export interface CommandFailure {
  command: string;
  exit_code?: number;
}

export interface CiSummary {
  events: number;
  codex_events: number;
  sessions: number;
  session_ids: string[];
  prompts: number;
  commands: { total: number; failed: number; failures: CommandFailure[] };
  approvals: { allowed: number; denied: number };
  /** Files really changed: a patch Codex did not apply changed none. */
  files: { path: string; operation: string }[];
  /** apply_patch calls Codex did not apply (not counted in tools.failed). */
  patches_failed: number;
  errors: number;
  tools: { completed: number; failed: number };
  mcp_calls: number;
  tokens: TokenUsage;
  /** Estimated cost of the run's model responses (the collector's `cost` on token.usage). */
  cost: CostTotals;
  models: string[];
}

function commandFailed(ev: BeaconEvent): boolean {
  const c = ev.command;
  if (!c) return false;
  return c.success === false || (typeof c.exit_code === 'number' && c.exit_code !== 0);
}

export function summarizeEvents(all: BeaconEvent[]): CiSummary {
  // The TUI's hidden title-generation conversation is not the user's work.
  const events = all.filter((e) => !e.session?.title_generation);
  const started = new Set<string>();
  const seen = new Set<string>();
  const files = new Map<string, string>();
  const models = new Set<string>();
  const s: CiSummary = {
    events: all.length,
    codex_events: all.filter(isCodexEvent).length,
    sessions: 0,
    session_ids: [],
    prompts: 0,
    commands: { total: 0, failed: 0, failures: [] },
    approvals: { allowed: 0, denied: 0 },
    files: [],
    patches_failed: 0,
    errors: 0,
    tools: { completed: 0, failed: 0 },
    mcp_calls: 0,
    tokens: { input_tokens: 0, cached_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0, total_tokens: 0 },
    cost: emptyCost(),
    models: [],
  };
  const failedPatchCalls = new Set<string>();
  for (const ev of events) {
    if (isFailedPatch(ev)) {
      // The older form wrote one file.modified per file of the same failed call: count the call.
      const call = ev.tool?.call_id;
      if (!call || !failedPatchCalls.has(call)) s.patches_failed += 1;
      if (call) failedPatchCalls.add(call);
    }
    const sid = ev.session?.id;
    if (sid) seen.add(sid);
    const model = ev.gen_ai?.request?.model ?? ev.model;
    if (model) models.add(model);
    switch (ev.event.action) {
      case 'session.started':
        if (sid) started.add(sid);
        else s.sessions += 1;
        break;
      case 'prompt.submitted':
        s.prompts += 1;
        break;
      case 'command.executed':
        s.commands.total += 1;
        if (commandFailed(ev)) {
          s.commands.failed += 1;
          s.commands.failures.push({ command: ev.command?.command ?? ev.tool?.command ?? '(unknown command)', exit_code: ev.command?.exit_code });
        }
        break;
      case 'approval.allowed':
        s.approvals.allowed += 1;
        break;
      case 'approval.denied':
        s.approvals.denied += 1;
        break;
      case 'file.modified':
        if (ev.file?.path && !isFailedFileChange(ev)) files.set(ev.file.path, ev.file.operation === 'move' && ev.file.move_to ? `move -> ${ev.file.move_to}` : ev.file.operation);
        break;
      case 'session.error':
        s.errors += 1;
        break;
      case 'tool.completed':
        s.tools.completed += 1;
        break;
      case 'tool.failed':
        if (!isFailedPatch(ev)) s.tools.failed += 1;
        break;
      case 'mcp.tool_invoked':
        s.mcp_calls += 1;
        break;
      case 'token.usage': {
        const u = ev.gen_ai?.usage;
        if (!u) break;
        s.tokens.input_tokens += u.input_tokens || 0;
        s.tokens.cached_input_tokens += u.cached_input_tokens || 0;
        s.tokens.output_tokens += u.output_tokens || 0;
        s.tokens.reasoning_output_tokens += u.reasoning_output_tokens || 0;
        s.tokens.total_tokens += u.total_tokens || 0;
        if (ev.cost) addCost(s.cost, ev, ev.gen_ai?.request?.model ?? ev.model);
        break;
      }
    }
  }
  // Sessions: those that announced themselves; failing that, every conversation we saw events of.
  const ids = started.size > 0 ? started : seen;
  s.session_ids = [...ids];
  s.sessions += ids.size;
  s.files = [...files].map(([path, operation]) => ({ path, operation }));
  s.models = [...models];
  s.cost = snapshotCost(s.cost);
  return s;
}

const n = (x: number) => x.toLocaleString('en-US');

/** Text for a Markdown table cell or inline code: no line breaks, no pipes, no backticks. */
function cell(text: string, max = 120): string {
  const one = text.replace(/\s+/g, ' ').trim();
  const cut = one.length > max ? one.slice(0, max - 1) + '…' : one;
  return cut.replace(/\|/g, '\\|').replace(/`/g, "'");
}

export interface SummaryMarkdownInput {
  summary: CiSummary;
  validation: ValidationResult;
  run: RunContext;
  /** Whether missing telemetry fails the step (changes the wording of a failure). */
  requireTelemetry: boolean;
  /** Extra lines to show (e.g. a collector that had to be killed). */
  notes?: string[];
}

const LIST_LIMIT = 20;

/** "Estimated cost: **$0.03** at genai-prices 0.1.8, 2026-09-23 list prices", with what could not be priced; null when nothing was priced or tried. */
export function costLine(c: CostTotals): string | null {
  if (c.priced_events + c.unpriced_events === 0) return null;
  const usd = c.usd >= 0.01 ? `$${c.usd.toFixed(2)}` : `$${Number(c.usd.toPrecision(2))}`;
  const unknown = c.unpriced_events ? `price unknown for model ${c.unpriced_models.map((m) => '`' + cell(m, 60) + '`').join(', ')} (${n(c.unpriced_events)} response${c.unpriced_events === 1 ? '' : 's'} not included)` : '';
  const sources = c.price_sources.length ? ` at ${c.price_sources.map((x) => cell(x, 80)).join('; ')} prices` : '';
  if (c.priced_events === 0) return `Estimated cost: ${unknown}.`;
  return `Estimated cost: **${c.unpriced_events ? 'at least ' : ''}${usd}**${sources}${unknown ? `; ${unknown}` : ''}. An estimate, not a bill.`;
}

export function renderSummaryMarkdown(input: SummaryMarkdownInput): string {
  const { summary: s, validation: v, run } = input;
  const out: string[] = ['## Beacon: Codex telemetry', ''];
  if (v.status === 'ok') {
    out.push(`✅ **Telemetry OK**: ${n(v.codexEvents)} Codex event(s) from ${n(s.sessions)} session(s) (minimum ${n(v.minEvents)}).`);
  } else {
    const icon = input.requireTelemetry || v.status === 'corrupt' ? '❌' : '⚠️';
    const what = v.status === 'corrupt' ? 'Runtime log unreadable or corrupt' : 'Telemetry missing';
    const failed = v.stages.filter((st) => st.status === 'fail').map((st) => st.message);
    out.push(`${icon} **${what}**: ${failed.join('; ')}.`);
  }
  const ctx = [run.repository, run.workflow && `workflow ${run.workflow}`, run.job && `job ${run.job}`, run.run_id && `run ${run.run_id}${run.run_attempt ? ` (attempt ${run.run_attempt})` : ''}`, run.pr && `PR #${run.pr}`].filter(Boolean);
  if (ctx.length) out.push('', `<sub>${cell(ctx.join(' · '), 400)}</sub>`);

  out.push('', '| Activity | Count |', '| --- | ---: |');
  out.push(`| Sessions | ${n(s.sessions)} |`);
  out.push(`| Prompts | ${n(s.prompts)} |`);
  out.push(`| Commands run | ${n(s.commands.total)} |`);
  out.push(`| Commands failed | ${n(s.commands.failed)} |`);
  out.push(`| Approvals allowed / denied | ${n(s.approvals.allowed)} / ${n(s.approvals.denied)} |`);
  out.push(`| Files changed | ${n(s.files.length)} |`);
  if (s.patches_failed) out.push(`| Patches Codex did not apply | ${n(s.patches_failed)} |`);
  if (s.mcp_calls) out.push(`| MCP tool calls | ${n(s.mcp_calls)} |`);
  if (s.tools.failed) out.push(`| Other tools failed | ${n(s.tools.failed)} |`);
  out.push(`| Errors | ${n(s.errors)} |`);

  const t = s.tokens;
  // What Codex itself prints as "tokens used": its input - cached + its output, i.e. every token
  // but cached input. Shown so the run page matches the agent's own log line.
  const codexTokensUsed = t.input_tokens + t.output_tokens + t.reasoning_output_tokens;
  out.push(
    '',
    '### Token usage',
    '',
    'Each token is counted once: input excludes cached input, output excludes reasoning; the first five columns add up to the total. Codex’s own `tokens used` line leaves cached input out: it is the last column.',
    '',
    '| Input (not cached) | Cached input | Output (excl. reasoning) | Reasoning | Total (incl. cached) | Codex “tokens used” (total − cached) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${n(t.input_tokens)} | ${n(t.cached_input_tokens)} | ${n(t.output_tokens)} | ${n(t.reasoning_output_tokens)} | ${n(t.total_tokens)} | ${n(codexTokensUsed)} |`,
  );
  const cost = costLine(s.cost);
  if (cost) out.push('', cost);
  if (s.models.length) out.push('', `Model(s): ${s.models.map((m) => '`' + cell(m, 60) + '`').join(', ')}`);

  if (s.commands.failures.length) {
    out.push('', '### Failed commands', '', '| Command | Exit code |', '| --- | ---: |');
    for (const f of s.commands.failures.slice(0, LIST_LIMIT)) out.push(`| \`${cell(f.command)}\` | ${f.exit_code ?? '?'} |`);
    if (s.commands.failures.length > LIST_LIMIT) out.push(`| … and ${n(s.commands.failures.length - LIST_LIMIT)} more | |`);
  }
  if (s.files.length) {
    out.push('', '### Files changed', '', '| File | Change |', '| --- | --- |');
    for (const f of s.files.slice(0, LIST_LIMIT)) out.push(`| \`${cell(f.path)}\` | ${cell(f.operation)} |`);
    if (s.files.length > LIST_LIMIT) out.push(`| … and ${n(s.files.length - LIST_LIMIT)} more | |`);
  }

  out.push('', '<details><summary>Validation</summary>', '', '| Check | Result | Detail |', '| --- | --- | --- |');
  for (const st of v.stages) out.push(`| ${st.name} | ${st.status} | ${cell(st.message, 300)} |`);
  out.push('', `Runtime log: \`${cell(v.logPath, 300)}\``);
  for (const note of input.notes ?? []) out.push('', `> ${cell(note, 400)}`);
  out.push('', '</details>', '');
  return out.join('\n');
}
