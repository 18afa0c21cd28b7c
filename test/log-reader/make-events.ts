/**
 * Deterministic generator of realistic BeaconEvents for reader and dashboard tests (and usable
 * by the bench): sessions with prompts, approvals, commands (some failing), file patches, token
 * usage and a title-generation conversation, spread over time in write order.
 */
import type { BeaconEvent } from '../../electron/shared/event';

export interface GenOptions {
  sessions: number;
  /** Turns per session; each turn writes 7 events. */
  turnsPerSession: number;
  /** Epoch ms of the first event. */
  startMs?: number;
  /** Milliseconds between consecutive events. */
  stepMs?: number;
}

export function baseEvent(action: string, category: string, timeMs: number, sessionId?: string): BeaconEvent {
  return {
    timestamp: new Date(timeMs).toISOString(),
    vendor: 'beacon',
    product: 'endpoint-agent',
    schema_version: '1.0',
    event: { kind: 'agent_runtime', action, category },
    severity: 'info',
    endpoint: { os: 'linux', hostname: 'devbox', agent_version: '0.1.0' },
    harness: { name: 'codex_cli', version: '0.169.0', originator: 'codex_exec' },
    ...(sessionId ? { session: { id: sessionId, working_directory: `/home/dev/src/project-${sessionId.slice(-2)}` } } : {}),
  };
}

export function sessionId(i: number): string {
  return `019a0000-0000-7000-8000-${String(i).padStart(12, '0')}`;
}

/** Events in write order. Session i uses model gpt-5.1 when i is even, gpt-5-codex otherwise. */
export function generateEvents(opts: GenOptions): BeaconEvent[] {
  const out: BeaconEvent[] = [];
  let t = opts.startMs ?? Date.UTC(2026, 0, 15, 9, 0, 0);
  const step = opts.stepMs ?? 250;
  const next = () => (t += step);
  for (let s = 0; s < opts.sessions; s++) {
    const sid = sessionId(s);
    const model = s % 2 === 0 ? 'gpt-5.1' : 'gpt-5-codex';
    const start = baseEvent('session.started', 'session', next(), sid);
    start.model = model;
    out.push(start);
    for (let k = 0; k < opts.turnsPerSession; k++) {
      const p = baseEvent('prompt.submitted', 'prompt', next(), sid);
      p.prompt = { text: `Please fix the flaky test number ${k} in module ${s}`, length: 40 };
      out.push(p);
      const a = baseEvent(k % 5 === 4 ? 'approval.denied' : 'approval.allowed', 'approval', next(), sid);
      a.approval = { decision: k % 5 === 4 ? 'denied' : 'approved', tool: 'shell', call_id: `call_${s}_${k}` };
      out.push(a);
      const c = baseEvent('command.executed', 'command', next(), sid);
      const fail = k % 3 === 2;
      c.command = { command: `npm test -- --grep case${k}`, exit_code: fail ? 1 : 0, success: !fail, duration_ms: 1200, call_id: `call_${s}_${k}` };
      c.tool = { name: 'shell', call_id: `call_${s}_${k}` };
      out.push(c);
      const f = baseEvent('file.modified', 'file', next(), sid);
      f.file = { path: `src/module${s}/file${k % 4}.ts`, operation: 'update' };
      out.push(f);
      const u = baseEvent('token.usage', 'usage', next(), sid);
      u.model = model;
      u.gen_ai = { usage: { input_tokens: 1000, cached_input_tokens: 4000, output_tokens: 200, reasoning_output_tokens: 50, total_tokens: 5250 } };
      out.push(u);
      const r = baseEvent('response.completed', 'response', next(), sid);
      r.message = `Done with step ${k}`;
      out.push(r);
      const tg = baseEvent('token.usage', 'usage', next(), `${sid}-title`);
      tg.session = { id: `${sid}-title`, title_generation: true };
      tg.gen_ai = { usage: { input_tokens: 100, cached_input_tokens: 0, output_tokens: 10, reasoning_output_tokens: 0, total_tokens: 110 } };
      out.push(tg);
    }
  }
  return out;
}

export function toJsonl(events: BeaconEvent[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n') + '\n';
}
