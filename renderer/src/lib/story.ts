/**
 * Turns one BeaconEvent into a sentence a person can read in a feed or timeline:
 * "You asked: …", "Codex ran `npm test` — failed (exit 1) in 1.2 s", "Codex created src/app.ts",
 * "Codex’s patch failed: src/app.ts — the file to update does not exist".
 * Pure data (no React) so the wording is testable and shared by the tray and the dashboard.
 * Every sentence must be true: a patch Codex did not apply never reads as a file change.
 */
import type { BeaconEvent, TokenUsage } from '../../../electron/shared/event';
import { isBeaconValidation, isFailedPatch } from '../../../electron/shared/event-facts';
import { formatDuration, formatNumber, truncate } from './format';
import { tokenLabelText } from './tokens';
import { eventCostText } from './cost';
import { signalStory } from './signal-story';

export type Tone = 'neutral' | 'ok' | 'bad' | 'warn' | 'accent';

export type StoryPart =
  | { kind: 'text'; text: string }
  | { kind: 'code'; text: string }
  | { kind: 'status'; tone: Tone; text: string };

export interface Story {
  /** A one-character glyph for the row's icon. */
  icon: string;
  tone: Tone;
  parts: StoryPart[];
  /** A second, quieter line (model, working directory, token breakdown). */
  sub?: string;
  /** The whole sentence as plain text: for aria-labels and copy. */
  plain: string;
}

const text = (t: string): StoryPart => ({ kind: 'text', text: t });
const code = (t: string): StoryPart => ({ kind: 'code', text: t });
const status = (tone: Tone, t: string): StoryPart => ({ kind: 'status', tone, text: t });

function make(icon: string, tone: Tone, parts: StoryPart[], sub?: string): Story {
  return { icon, tone, parts, sub, plain: parts.map((p) => p.text).join('') };
}

/** The command line of a command/tool event, whichever block carries it. */
export function commandOf(e: BeaconEvent): string | undefined {
  return e.command?.command ?? e.tool?.command;
}

export function tokenTotal(u: TokenUsage | undefined): number {
  if (!u) return 0;
  if (typeof u.total_tokens === 'number') return u.total_tokens;
  return (u.input_tokens || 0) + (u.cached_input_tokens || 0) + (u.output_tokens || 0) + (u.reasoning_output_tokens || 0);
}

function fileVerb(op: string | undefined): string {
  switch (op) {
    case 'add':
      return 'created';
    case 'delete':
      return 'deleted';
    case 'move':
      return 'moved';
    default:
      return 'edited';
  }
}

const PATCH_PATHS_SHOWN = 3;

function failedPatchStory(e: BeaconEvent): Story {
  const paths = e.patch ? e.patch.files.map((f) => f.path) : [e.file?.path ?? e.tool?.path].filter((p): p is string => !!p);
  const parts: StoryPart[] = [status('bad', 'Codex’s patch failed')];
  paths.slice(0, PATCH_PATHS_SHOWN).forEach((p, i) => parts.push(text(i === 0 ? ': ' : ', '), code(truncate(p, 200))));
  if (paths.length > PATCH_PATHS_SHOWN) parts.push(text(` and ${paths.length - PATCH_PATHS_SHOWN} more`));
  if (e.error?.message) parts.push(text(` — ${truncate(e.error.message, 160)}`));
  return make('✎', 'bad', parts);
}

function approvalSubject(e: BeaconEvent): string | undefined {
  return commandOf(e) ?? e.approval?.tool ?? e.tool?.name;
}

function durationSuffix(ms: number | undefined): string {
  return typeof ms === 'number' ? ` in ${formatDuration(ms)}` : '';
}

export function describeEvent(e: BeaconEvent): Story {
  const action = e.event?.action ?? 'unknown';
  if (isFailedPatch(e)) return failedPatchStory(e);
  // telemetry.validation carries its own status (below); the test-event always means it worked.
  if (isBeaconValidation(e) && action !== 'telemetry.validation') return make('i', 'ok', [text('Beacon validation event: the pipeline works (beacon endpoint test-event)')]);
  switch (action) {
    case 'session.started': {
      const model = e.model ?? e.gen_ai?.request?.model;
      const sub = [model, e.session?.working_directory].filter(Boolean).join(' · ');
      return make('●', 'accent', [text('Session started')], sub || undefined);
    }
    case 'prompt.submitted': {
      const t = e.prompt?.text;
      if (t) return make('›', 'accent', [text('You asked: '), text(`“${truncate(t, 240)}”`)]);
      const len = e.prompt?.length;
      return make('›', 'accent', [text(`You sent a prompt${typeof len === 'number' ? ` (${formatNumber(len)} characters, text not recorded)` : ''}`)]);
    }
    case 'command.executed': {
      const cmd = commandOf(e) ?? 'a command';
      const exit = e.command?.exit_code;
      // A non-zero exit is a failure even where Codex did not set success (older builds).
      const ok = typeof exit === 'number' && exit !== 0 ? false : (e.command?.success ?? e.tool?.success);
      const dur = durationSuffix(e.command?.duration_ms ?? e.tool?.duration_ms);
      const outcome =
        ok === false
          ? status('bad', `failed${typeof exit === 'number' ? ` (exit ${exit})` : ''}${dur}`)
          : ok === true
            ? status('ok', `succeeded${dur}`)
            : status('neutral', `finished${dur}`);
      return make('$', ok === false ? 'bad' : 'neutral', [text('Codex ran '), code(truncate(cmd, 200)), text(' — '), outcome]);
    }
    case 'approval.allowed':
    case 'approval.denied': {
      const allowed = action === 'approval.allowed';
      const subject = approvalSubject(e);
      const decision = e.approval?.decision;
      const scope = decision === 'approved_for_session' ? ' for this session' : '';
      // Codex reports who decided: the user at a prompt, or the configured approval policy.
      const byPolicy = /^config/i.test(e.approval?.source ?? '');
      const verb = allowed ? (byPolicy ? 'Auto-approved' : 'You approved') : byPolicy ? 'Blocked by policy:' : 'You denied';
      const parts: StoryPart[] = [status(allowed ? 'ok' : 'bad', verb)];
      if (subject) parts.push(text(' '), code(truncate(subject, 160)));
      if (scope) parts.push(text(scope));
      const plainDecision = !decision || decision === 'approved' || decision === 'denied' || decision === 'approved_for_session';
      return make(allowed ? '✓' : '✕', allowed ? 'ok' : 'bad', parts, plainDecision ? undefined : `decision: ${decision}`);
    }
    case 'file.modified': {
      const f = e.file;
      const path = f?.path ?? 'a file';
      const parts: StoryPart[] = [text(`Codex ${fileVerb(f?.operation)} `), code(path)];
      if (f?.operation === 'move' && f.move_to) parts.push(text(' → '), code(f.move_to));
      const icon = f?.operation === 'add' ? '+' : f?.operation === 'delete' ? '−' : '✎';
      return make(icon, 'neutral', parts);
    }
    case 'mcp.tool_invoked': {
      const name = [e.mcp?.server, e.mcp?.tool].filter(Boolean).join(' / ') || e.tool?.name || 'an MCP tool';
      const ok = e.mcp?.success ?? e.tool?.success;
      const parts: StoryPart[] = [text('Codex called MCP tool '), code(name)];
      if (ok === false) parts.push(text(' — '), status('bad', `failed${durationSuffix(e.mcp?.duration_ms)}`));
      else if (ok === true) parts.push(text(' — '), status('ok', `ok${durationSuffix(e.mcp?.duration_ms)}`));
      return make('◆', ok === false ? 'bad' : 'neutral', parts);
    }
    case 'tool.completed':
    case 'tool.failed': {
      const failed = action === 'tool.failed' || e.tool?.success === false;
      const parts: StoryPart[] = [text('Codex used '), code(e.tool?.name ?? 'a tool')];
      parts.push(text(' — '), failed ? status('bad', `failed${durationSuffix(e.tool?.duration_ms)}`) : status('ok', `done${durationSuffix(e.tool?.duration_ms)}`));
      return make('⚙', failed ? 'bad' : 'neutral', parts);
    }
    case 'session.error': {
      const msg = e.error?.message ?? e.message ?? 'an error occurred';
      const code_ = e.error?.status_code ? ` (HTTP ${e.error.status_code})` : '';
      return make('!', 'bad', [status('bad', 'Error: '), text(truncate(msg, 240) + code_)]);
    }
    case 'token.usage': {
      const u = e.gen_ai?.usage;
      const total = tokenTotal(u);
      // Codex's own figure for the same response: everything but cached input.
      const codex = u ? (u.input_tokens || 0) + (u.output_tokens || 0) + (u.reasoning_output_tokens || 0) : 0;
      const sub = u
        ? `${formatNumber(u.input_tokens)} ${tokenLabelText('input').toLowerCase()} · ${formatNumber(u.cached_input_tokens)} cached · ${formatNumber(u.output_tokens)} ${tokenLabelText('output').toLowerCase()} · ${formatNumber(u.reasoning_output_tokens)} reasoning · Codex “tokens used” ${formatNumber(codex)}`
        : undefined;
      const cost = eventCostText(e);
      if (cost) return make('Σ', 'neutral', [text(`Used ${formatNumber(total)} tokens`)], [sub, cost.startsWith('$') ? `${cost} (estimate)` : cost].filter(Boolean).join(' · '));
      return make('Σ', 'neutral', [text(`Used ${formatNumber(total)} tokens`)], sub);
    }
    case 'response.completed': {
      // The final answer (codex.agent_response): its text unless the content policy withheld it.
      const t = e.response?.text;
      if (t) return make('↩', 'ok', [text('Codex answered: '), text(`“${truncate(t, 240)}”`)]);
      const len = e.response?.length;
      return make('↩', 'ok', [text(`Codex gave its final answer${typeof len === 'number' ? ` (${formatNumber(len)} characters, text not recorded)` : ''}`)]);
    }
    case 'telemetry.validation': {
      const h = e.health;
      return make('i', h?.status === 'ok' ? 'ok' : 'warn', [text(e.message ?? `Telemetry check: ${h?.status ?? 'done'}`)]);
    }
    default: {
      const signal = signalStory(e);
      if (signal) return signal;
      const msg = e.message ? `: ${truncate(e.message, 200)}` : '';
      const sev = e.severity === 'high' || e.severity === 'critical';
      return make('·', sev ? 'bad' : 'neutral', [code(action), text(msg)]);
    }
  }
}
