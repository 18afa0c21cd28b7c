/**
 * Judges one run of the release scenario (release-scenario.ts): what Codex REALLY did, read from
 * the tool results it sent back to the fake model and from the workspace (never from Beacon's
 * output), and whether the events in runtime.jsonl say exactly that. Each problem is one short
 * line a person can act on; no problems means the events are correct.
 *
 * The exit-code parser here is deliberately independent of the normalizer's, so a normalizer bug
 * cannot hide itself.
 */
import type { BeaconEvent } from '../../electron/shared/event';
import { codexSessionId, findToolOutput, toolOutputText, type RecordedRequest } from './fake-responses-api';
import { STANDARD_CALL_IDS, STANDARD_FILE, STANDARD_USAGES } from './codex-runner';

export interface ReleaseRunFacts {
  events: BeaconEvent[];
  rawLog: string;
  secret: string;
  /** Every request the fake Responses API received. */
  requests: RecordedRequest[];
  /** hello.txt in the workspace after the run, null when it is not there. */
  patchedFile: string | null;
}

export interface CallTruth {
  /** The exit code Codex reported to the model; undefined when the command never ran. */
  exit?: number;
  /** First line of the tool result, to say why it did not run. */
  said: string;
}

export interface GroundTruth {
  echo: CallTruth;
  ls: CallTruth;
  patchApplied: boolean;
  patch: CallTruth;
  /** How many model responses Codex received (each carries one usage). */
  turns: number;
  /** What did not happen as scripted (Codex's doing, not Beacon's). */
  notRun: string[];
}

const EXIT = /Process exited with code (-?\d+)|Exit code: (-?\d+)|"exit_code"\s*:\s*(-?\d+)/;

function callTruth(requests: RecordedRequest[], callId: string): CallTruth {
  const item = findToolOutput(requests, callId);
  if (!item) return { said: 'no tool result' };
  const text = toolOutputText(item);
  const m = EXIT.exec(text);
  const said = text.split('\n').find((l) => l.trim() !== '')?.trim().slice(0, 60) ?? '';
  return { exit: m ? Number(m[1] ?? m[2] ?? m[3]) : undefined, said };
}

export function groundTruth(facts: ReleaseRunFacts): GroundTruth {
  const echo = callTruth(facts.requests, STANDARD_CALL_IDS.echoOk);
  const ls = callTruth(facts.requests, STANDARD_CALL_IDS.failing);
  const patch = callTruth(facts.requests, STANDARD_CALL_IDS.patch);
  const patchApplied = facts.patchedFile === STANDARD_FILE.content;
  const notRun: string[] = [];
  if (echo.exit !== 0) notRun.push(`echo ok: ${echo.exit === undefined ? echo.said : `exit ${echo.exit}`}`);
  if (ls.exit === undefined || ls.exit === 0) notRun.push(`failing ls: ${ls.exit === undefined ? ls.said : 'exit 0'}`);
  if (!patchApplied) notRun.push(`patch: ${patch.said}`);
  return { echo, ls, patch, patchApplied, turns: facts.requests.filter((r) => r.turnIndex !== undefined).length, notRun };
}

const NOISE = /sse_event|startup_phase|turn_ttft|api_request|websocket/;

/** What is wrong with the events, given what really happened. Empty: correct. */
export function checkReleaseEvents(facts: ReleaseRunFacts, truth: GroundTruth = groundTruth(facts)): string[] {
  const wrong: string[] = [];
  const { events } = facts;
  const by = (action: string) => events.filter((e) => e.event.action === action);
  const count = (action: string, n: number) => {
    const got = by(action).length;
    if (got !== n) wrong.push(`${got} ${action} (expected ${n})`);
  };

  count('session.started', 1);
  const prompts = by('prompt.submitted');
  count('prompt.submitted', 1);
  if (prompts.length === 1) {
    const text = prompts[0].prompt?.text ?? '';
    if (!text.includes('please deploy with token=')) wrong.push('prompt.submitted lacks the prompt text');
    if (!text.includes('[REDACTED')) wrong.push('prompt secret not redacted');
  }
  if (facts.rawLog.includes(facts.secret)) wrong.push('the secret reached runtime.jsonl');

  for (const [label, callId, cmd, t] of [
    ['echo ok', STANDARD_CALL_IDS.echoOk, 'echo ok', truth.echo],
    ['failing ls', STANDARD_CALL_IDS.failing, 'ls /nonexistent-beacon-path', truth.ls],
  ] as const) {
    const evs = by('command.executed').filter((e) => e.command?.call_id === callId);
    if (evs.length !== 1) {
      wrong.push(`${evs.length} command.executed for ${label} (expected 1)`);
      continue;
    }
    const c = evs[0].command!;
    const success = t.exit === 0;
    if (!String(c.command ?? '').includes(cmd)) wrong.push(`${label}: command is ${JSON.stringify(c.command)}`);
    if (c.success !== success) wrong.push(`${label}: success=${String(c.success)} but it ${t.exit === undefined ? 'never ran' : `exited ${t.exit}`}`);
    if (typeof c.duration_ms !== 'number') wrong.push(`${label}: no duration_ms`);
  }

  const files = by('file.modified');
  if (truth.patchApplied) {
    if (files.length !== 1 || files[0].file?.path !== STANDARD_FILE.path || files[0].file?.operation !== 'add') {
      wrong.push(`file.modified: ${JSON.stringify(files.map((f) => [f.file?.path, f.file?.operation]))} (expected one add of ${STANDARD_FILE.path})`);
    }
  } else if (files.length > 0) {
    wrong.push(`file.modified for ${files.map((f) => f.file?.path).join(', ')} although the patch failed`);
  }

  const usage = by('token.usage').map((e) => (e.gen_ai?.usage ?? {}) as Record<string, unknown>);
  if (usage.length !== truth.turns) wrong.push(`${usage.length} token.usage (expected ${truth.turns}, one per model response)`);
  else {
    const used = STANDARD_USAGES.slice(0, truth.turns);
    const sum = (k: string) => usage.reduce<number>((n, u) => n + Number(u[k] ?? 0), 0);
    const want = {
      input_tokens: used.reduce((n, u) => n + u.input_tokens - u.cached_tokens, 0),
      cached_input_tokens: used.reduce((n, u) => n + u.cached_tokens, 0),
      output_tokens: used.reduce((n, u) => n + u.output_tokens - u.reasoning_tokens, 0),
      reasoning_output_tokens: used.reduce((n, u) => n + u.reasoning_tokens, 0),
      total_tokens: used.reduce((n, u) => n + u.input_tokens + u.output_tokens, 0),
    };
    for (const [k, v] of Object.entries(want)) if (sum(k) !== v) wrong.push(`token.usage ${k} sums to ${sum(k)} (expected ${v})`);
  }

  const ids = new Set(events.map((e) => e.session?.id));
  const thread = codexSessionId(facts.requests);
  if (ids.size !== 1) wrong.push(`${ids.size} session ids (expected 1)`);
  else if (thread && !ids.has(thread)) wrong.push(`session id ${String([...ids][0])} is not Codex's ${thread}`);
  const badEnvelope = events.filter((e) => !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(e.timestamp) || e.vendor !== 'beacon' || e.schema_version !== '1.0' || e.harness?.name !== 'codex_cli');
  if (badEnvelope.length) wrong.push(`${badEnvelope.length} event(s) with a bad envelope or timestamp`);

  const actions = events.map((e) => e.event.action);
  const at = (a: string) => actions.indexOf(a);
  if (at('session.started') > at('prompt.submitted') || (at('command.executed') >= 0 && at('prompt.submitted') > at('command.executed'))) wrong.push('events out of order');
  const noise = actions.filter((a) => NOISE.test(a));
  if (noise.length) wrong.push(`transport noise kept: ${[...new Set(noise)].join(', ')}`);
  return wrong;
}
