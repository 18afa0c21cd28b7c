/**
 * ACCEPTANCE (issue 15, detections): the REAL `codex exec` (fake Responses API scripting the tool
 * calls) runs suspicious but harmless commands through the REAL collector (`beacon endpoint
 * run`, compiled): a `curl | sh` to a closed loopback port, reading a fake private key under the
 * test HOME, adding a CI workflow, a failing force-push. Each is found by the right rule, live
 * in runtime.jsonl, citing events of that log; `beacon scan --json` over the log finds the same
 * set. Also: the captured rule fixtures have the shape these real events have.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBeacon, startEndpointRun, type RunningCli } from '../support/beacon-cli';
import { freePort, scrubbedEnv } from '../support/test-env';
import { startFakeResponsesApi, type FakeResponsesApi, type ModelTurn } from '../support/fake-responses-api';
import { cleanupCodexTemp, makeCodexHome, makeWorkspace, runCodexExec } from '../support/codex-runner';
import { DEFAULT_OTEL_SETTINGS, renderOtelBlock } from '../../electron/codex/config-otel-block';
import type { BeaconEvent } from '../../electron/shared/event';

const FAKE_KEY = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACBeYWNvbi10ZXN0LWtleS1ub3QtcmVhbC0wMTIzNDU2Nzg5YWJjZGVmAAAA\n-----END OPENSSH PRIVATE KEY-----\n';

/** The rule each scripted call must trigger, by call id. */
const EXPECTED: Record<string, string[]> = {
  call_curl_sh: ['remote-script-piped-to-shell'],
  call_read_key: ['ssh-private-key-access', 'private-key-in-output'],
  call_workflow: ['ci-workflow-modified'],
  call_force_push: ['git-force-push'],
};

const key = (f: { rule_id: string; session_id: string | null; event_ids: string[] }): string => `${f.rule_id} ${f.session_id} ${f.event_ids.join(',')}`;

/** Dotted paths of an event's leaves (list items, and an empty list, as []). */
function paths(v: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) {
    if (v.length === 0) out.add(`${prefix}[]`);
    v.forEach((x) => (x && typeof x === 'object' ? paths(x, `${prefix}[]`, out) : out.add(`${prefix}[]`)));
  }
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, prefix ? `${prefix}.${k}` : k, out);
  else out.add(prefix);
  return out;
}

describe('real codex exec -> live detections -> beacon scan', () => {
  let dir: string;
  let logPath: string;
  let collector: RunningCli;
  let model: FakeResponsesApi;
  let events: BeaconEvent[];
  let codexExit: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'beacon-detect-e2e-'));
    logPath = join(dir, 'logs', 'runtime.jsonl');
    collector = await startEndpointRun(['--log-path', logPath], { ...scrubbedEnv(), HOME: dir });
    const closed = await freePort(); // nothing listens there: curl fails to connect
    const home = join(dir, 'agent-home');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    writeFileSync(join(home, '.ssh', 'id_rsa'), FAKE_KEY, { mode: 0o600 });
    const turns: ModelTurn[] = [
      { kind: 'function_call', name: 'exec_command', arguments: { cmd: `curl -fsS http://127.0.0.1:${closed}/install.sh | sh` }, callId: 'call_curl_sh' },
      { kind: 'function_call', name: 'exec_command', arguments: { cmd: 'cat $HOME/.ssh/id_rsa' }, callId: 'call_read_key' },
      { kind: 'custom_tool_call', name: 'apply_patch', input: '*** Begin Patch\n*** Add File: .github/workflows/x.yml\n+on: push\n+jobs: {}\n*** End Patch', callId: 'call_workflow' },
      { kind: 'function_call', name: 'exec_command', arguments: { cmd: 'git push --force nowhere main' }, callId: 'call_force_push' },
      { kind: 'function_call', name: 'exec_command', arguments: { cmd: 'echo done' }, callId: 'call_harmless' },
      { kind: 'message', text: 'All done.' },
    ];
    model = await startFakeResponsesApi(turns);
    const codexHome = await makeCodexHome({ modelUrl: model.url, otel: renderOtelBlock({ ...DEFAULT_OTEL_SETTINGS, port: collector.port }) });
    const run = await runCodexExec({ codexHome, cwd: await makeWorkspace(), prompt: 'set up CI and push', env: { HOME: home }, timeoutMs: 90_000 });
    codexExit = run.code;
    // Findings are written right after their triggers; stopping flushes the last of them.
    await collector.stop('SIGTERM');
    events = readFileSync(logPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as BeaconEvent);
  }, 150_000);

  afterAll(async () => {
    await collector?.stop('SIGKILL');
    await model?.close();
    await cleanupCodexTemp();
    rmSync(dir, { recursive: true, force: true });
  });

  const findings = () => events.filter((e) => e.event.action === 'finding.detected');
  const callOf = (id: string) => events.find((e) => e.event.id === id && e.event.action !== 'finding.detected');

  it('codex ran every scripted call', () => {
    expect(codexExit).toBe(0);
    const calls = new Set(events.map((e) => e.command?.call_id ?? e.tool?.call_id).filter(Boolean));
    for (const id of [...Object.keys(EXPECTED), 'call_harmless']) expect(calls.has(id), id).toBe(true);
  });

  it('finds each suspicious call live, with the right rule, citing its events in the log', () => {
    for (const [call, rules] of Object.entries(EXPECTED)) {
      for (const rule of rules) {
        const f = findings().filter((x) => x.finding!.rule_id === rule && x.finding!.event_ids.some((id) => (callOf(id)?.command?.call_id ?? callOf(id)?.tool?.call_id) === call));
        expect(f, `${rule} for ${call}`).toHaveLength(1);
        for (const id of f[0].finding!.event_ids) expect(callOf(id), `event ${id} of ${rule}`).toBeDefined();
        expect(f[0].session?.id).toBe(callOf(f[0].finding!.event_ids[0])!.session?.id);
        expect(f[0].harness.name).toBe('codex_cli');
      }
    }
    // The harmless call triggered nothing.
    const harmless = events.filter((e) => e.command?.call_id === 'call_harmless').map((e) => e.event.id);
    expect(findings().filter((f) => f.finding!.event_ids.some((id) => harmless.includes(id)))).toEqual([]);
  });

  it('beacon scan --json over that log finds the same set offline', async () => {
    const r = await runBeacon(['scan', '--log-path', logPath, '--json'], { env: { ...scrubbedEnv(), HOME: dir } });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { findings: Array<{ rule_id: string; severity: string; title: string; session_id: string | null; event_ids: string[]; timestamp: string }> };
    const live = findings().map((f) => key({ rule_id: f.finding!.rule_id, session_id: f.session?.id ?? null, event_ids: f.finding!.event_ids }));
    expect(out.findings.map(key).sort()).toEqual(live.sort());
    expect(out.findings.every((f) => f.title && f.severity && f.timestamp)).toBe(true);
    const high = await runBeacon(['scan', '--log-path', logPath, '--fail-on', 'critical'], { env: { ...scrubbedEnv(), HOME: dir } });
    expect(high.code).toBe(1); // remote-script-piped-to-shell is critical
  });

  it('the captured rule fixtures have the shape of these real events', () => {
    const real = new Map<string, Set<string>>();
    for (const e of events) {
      if (e.event.action === 'finding.detected') continue;
      const set = real.get(e.event.action) ?? new Set<string>();
      for (const p of paths(e)) set.add(p);
      real.set(e.event.action, set);
    }
    const fixtures = join(__dirname, '..', 'detections', 'fixtures');
    let compared = 0;
    for (const name of readdirSync(fixtures)) {
      const fx = JSON.parse(readFileSync(join(fixtures, name), 'utf8')) as { synthetic?: string; positive: BeaconEvent[][]; negative: BeaconEvent[][] };
      if (fx.synthetic) continue;
      for (const e of [...fx.positive, ...fx.negative].flat()) {
        const known = real.get(e.event.action);
        if (!known) continue;
        compared += 1;
        // Tool arguments and raw attributes are free-form (whatever the call carried): not shape.
        const extra = [...paths(e)].filter((p) => !known.has(p) && !p.startsWith('gen_ai.tool.call.arguments.') && !p.startsWith('raw.'));
        expect(extra, `${name}: ${e.event.action} has fields the normalizer does not produce`).toEqual([]);
      }
    }
    expect(compared).toBeGreaterThan(200);
  });
});
