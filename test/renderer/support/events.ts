/**
 * Runtime-log lines shaped exactly like the Codex normalizer writes them (envelope field order,
 * harness/endpoint blocks, disjoint token counts), for feeding a real dashboard through a real
 * runtime.jsonl. Only what a test varies is a parameter.
 */
import { appendFile } from 'node:fs/promises';
import type { BeaconEvent, TokenUsage } from '../../../electron/shared/event';
import { categoryForAction } from '../../../electron/shared/event';

export interface SessionSpec {
  id: string;
  cwd: string;
  model?: string;
}

// Start an hour in the past so "time range" filters and relative times behave as for real data.
let clock = Date.now() - 3_600_000;

/** Strictly increasing millisecond timestamps, so order in the log is order in time. */
export function nextTimestamp(stepMs = 1000): string {
  clock += stepMs;
  return new Date(clock).toISOString();
}

export function setClock(iso: string): void {
  clock = Date.parse(iso);
}

function envelope(s: SessionSpec, action: string, severity: BeaconEvent['severity'] = 'info', ts = nextTimestamp()): BeaconEvent {
  return {
    timestamp: ts,
    vendor: 'beacon',
    product: 'endpoint-agent',
    schema_version: '1.0',
    event: { kind: 'agent_runtime', action, category: categoryForAction(action) },
    severity,
    endpoint: { os: 'linux', hostname: 'vm', agent_version: '0.1.0' },
    harness: { name: 'codex_cli', version: '0.169.0', originator: 'codex_exec', service_name: 'codex_exec' },
    session: { id: s.id, working_directory: s.cwd },
    model: s.model ?? 'gpt-5-codex',
    gen_ai: { conversation: { id: s.id } },
  };
}

export function sessionStarted(s: SessionSpec): BeaconEvent {
  return { ...envelope(s, 'session.started'), message: `Codex session started (${s.model ?? 'gpt-5-codex'})` };
}

export function promptSubmitted(s: SessionSpec, text: string): BeaconEvent {
  return { ...envelope(s, 'prompt.submitted'), prompt: { text, length: text.length }, message: 'User prompt submitted' };
}

export function commandExecuted(s: SessionSpec, command: string, opts: { exit: number; durationMs: number; callId: string }): BeaconEvent {
  const success = opts.exit === 0;
  return {
    ...envelope(s, 'command.executed', success ? 'info' : 'low'),
    command: { command, exit_code: opts.exit, success, duration_ms: opts.durationMs, call_id: opts.callId },
    tool: { name: 'exec_command', call_id: opts.callId, command, success, duration_ms: opts.durationMs },
    message: `Codex ran \`${command}\` (exit ${opts.exit})`,
  };
}

export function approvalAllowed(s: SessionSpec, command: string, callId: string): BeaconEvent {
  return {
    ...envelope(s, 'approval.allowed'),
    approval: { required: true, decision: 'approved', source: 'user', tool: 'exec_command', call_id: callId },
    tool: { name: 'exec_command', call_id: callId, command },
    message: 'Tool call approved',
  };
}

export function fileModified(s: SessionSpec, path: string, operation: 'add' | 'update' | 'delete'): BeaconEvent {
  return {
    ...envelope(s, 'file.modified'),
    file: { path, operation, diff_bytes: 120, diff_hash: 'sha256:0f2c' },
    tool: { name: 'apply_patch', path },
    message: `Codex ${operation === 'add' ? 'added' : operation === 'delete' ? 'deleted' : 'updated'} ${path}`,
  };
}

/** Codex reports input incl. cached and output incl. reasoning; Beacon stores disjoint parts. */
export function tokenUsage(s: SessionSpec, u: { input: number; cached: number; output: number; reasoning: number }): BeaconEvent {
  const usage: TokenUsage = {
    input_tokens: u.input,
    cached_input_tokens: u.cached,
    output_tokens: u.output,
    reasoning_output_tokens: u.reasoning,
    total_tokens: u.input + u.cached + u.output + u.reasoning,
  };
  const ev = envelope(s, 'token.usage');
  return { ...ev, gen_ai: { ...ev.gen_ai, usage, request: { model: s.model ?? 'gpt-5-codex' } }, message: `Token usage: ${usage.total_tokens}` };
}

export function sessionError(s: SessionSpec, message: string): BeaconEvent {
  return { ...envelope(s, 'session.error', 'medium'), error: { type: 'api_error', message, status_code: 500 }, message };
}

/** Append events as one write of whole lines, as the writer does (never a torn line). */
export async function appendEvents(logPath: string, events: BeaconEvent[]): Promise<void> {
  await appendFile(logPath, events.map((e) => JSON.stringify(e)).join('\n') + '\n', { mode: 0o600 });
}
