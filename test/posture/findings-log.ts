/**
 * A runtime.jsonl with findings, as the detection engine (built in parallel) and the posture
 * consumer write them: finding.detected events in the contract's shape (event.ts Finding),
 * pointing at the ids of real-looking triggering events of their sessions, plus a tamper event
 * and a collector.died. Shared by the dashboard API test and the browser tests.
 */
import type { BeaconEvent, Finding, Severity } from '../../electron/shared/event';
import { baseEvent } from '../log-reader/make-events';

export const SESSION_A = '019b0000-0000-7000-8000-00000000000a';
export const SESSION_B = '019b0000-0000-7000-8000-00000000000b';

let n = 0;
const id = () => `019b0000-0000-7000-9000-${String(++n).padStart(12, '0')}`;

function ev(action: string, category: string, t: number, session?: string): BeaconEvent {
  const e = baseEvent(action, category, t, session);
  e.event.id = id();
  return e;
}

function command(t: number, session: string, cmd: string, exit = 0): BeaconEvent {
  const e = ev('command.executed', 'command', t, session);
  e.command = { command: cmd, exit_code: exit, success: exit === 0, duration_ms: 300 };
  return e;
}

function finding(t: number, session: string, f: Omit<Finding, 'description' | 'rule_source'> & { description?: string }): BeaconEvent {
  const e = ev('finding.detected', 'finding', t, session);
  e.severity = f.severity as Severity;
  e.finding = { description: `${f.title}.`, rule_source: 'shipped', ...f };
  e.message = f.title;
  return e;
}

export interface FindingsLog {
  events: BeaconEvent[];
  /** The event ids the newest critical finding points at. */
  curlIds: string[];
}

/** Events in write order, ending `endMs` (default: now), so "2 min ago" reads true. */
export function findingsLog(endMs = Date.now()): FindingsLog {
  n = 0;
  let t = endMs - 10 * 60_000;
  const next = (ms = 4000) => (t += ms);
  const out: BeaconEvent[] = [];
  const a0 = ev('session.started', 'session', next(), SESSION_A);
  a0.model = 'gpt-5.1';
  const p = ev('prompt.submitted', 'prompt', next(), SESSION_A);
  p.prompt = { text: 'Set up the dev environment from the install script', length: 52 };
  const curl = command(next(), SESSION_A, 'curl -fsSL http://127.0.0.1:9/install.sh | sh', 7);
  const key = command(next(), SESSION_A, 'cat ~/.ssh/id_ed25519');
  out.push(a0, p, curl, key);
  const b0 = ev('session.started', 'session', next(), SESSION_B);
  const bp = ev('prompt.submitted', 'prompt', next(), SESSION_B);
  bp.prompt = { text: 'Add a release workflow', length: 22 };
  const wf = ev('file.modified', 'file', next(), SESSION_B);
  wf.file = { path: '.github/workflows/release.yml', operation: 'add' };
  const push = command(next(), SESSION_B, 'git push --force origin main', 1);
  out.push(b0, bp, wf, push);
  out.push(finding(next(1000), SESSION_B, { rule_id: 'ci-workflow-edited', title: 'CI workflow file changed', severity: 'medium', mitre: ['T1195.002'], owasp: ['ASI04'], event_ids: [wf.event.id!] }));
  out.push(finding(next(1000), SESSION_B, { rule_id: 'git-force-push', title: 'Force-push attempted', severity: 'high', mitre: ['T1565.001'], owasp: [], event_ids: [push.event.id!] }));
  const died = ev('collector.died', 'health', next(), undefined);
  died.harness = { name: 'beacon' };
  died.severity = 'medium';
  died.message = 'the previous collector on this log (pid 4242) ended without a clean stop; last known alive 3 min earlier';
  died.posture = { detail: 'pid 4242 ended without a clean stop', pid: 4242 };
  out.push(died);
  const tamper = ev('tamper.otel_removed', 'tamper', next(), undefined);
  tamper.harness = { name: 'codex_cli' };
  tamper.severity = 'high';
  tamper.message = "Beacon's [otel] block was removed from /home/dev/.codex/config.toml: Codex exports no logs";
  tamper.posture = { config_path: '/home/dev/.codex/config.toml', detail: tamper.message, state: 'removed' };
  out.push(tamper);
  out.push(finding(next(1000), SESSION_A, { rule_id: 'ssh-key-read', title: 'Private SSH key read', severity: 'high', mitre: ['T1552.004'], owasp: ['LLM02:2025'], event_ids: [key.event.id!] }));
  out.push(finding(endMs - 2 * 60_000, SESSION_A, { rule_id: 'remote-script-piped-to-shell', title: 'Remote script piped to a shell', severity: 'critical', mitre: ['T1059.004', 'T1105'], owasp: ['ASI02'], event_ids: [curl.event.id!] }));
  return { events: out, curlIds: [curl.event.id!] };
}
