/**
 * ACCEPTANCE: the real Codex CLI 0.169.0 against a fake model, with Beacon installed by the
 * built CLI into a temporary HOME. Install -> codex exec -> its events are in the runtime log ->
 * uninstall -> config.toml byte-identical, collector stopped -> codex again: nothing arrives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { probeCollector } from '../../electron/collector/probe';
import { requireBuiltCli } from '../support/beacon-cli';
import { cleanupCodexTemp, makeCodexHome, makeWorkspace, runCodexExec, standardScenario } from '../support/codex-runner';
import { codexSessionId, startFakeResponsesApi, type FakeResponsesApi } from '../support/fake-responses-api';
import { makeSandbox, parseJsonOut, type Sandbox } from './helpers';

let s: Sandbox | undefined;
const apis: FakeResponsesApi[] = [];

beforeAll(() => requireBuiltCli());
afterAll(async () => {
  await s?.cleanup();
  for (const a of apis) await a.close();
  await cleanupCodexTemp();
});

describe('install -> codex exec -> uninstall (real Codex)', () => {
  it('captures a real run, then leaves no trace', async () => {
    const scenario = standardScenario('ghp_' + 'x'.repeat(36));
    const api = await startFakeResponsesApi(scenario.turns);
    apis.push(api);
    const codexHome = await makeCodexHome({ modelUrl: api.url });
    s = await makeSandbox({ codexHome });
    const cfg = join(codexHome, 'config.toml');
    const original = readFileSync(cfg);

    const inst = await s.beacon(['endpoint', 'install', '--otlp-http-port', String(s.port)]);
    expect(inst.code, inst.stdout + inst.stderr).toBe(0);

    const cwd = await makeWorkspace();
    const run = await runCodexExec({ codexHome, cwd, prompt: scenario.prompt });
    expect(run.code, run.stderr).toBe(0);
    const sessionId = codexSessionId(api.requests);
    expect(sessionId).toBeTruthy();

    // Codex waits for its export answers before exiting, and a 200 means the events are in the file.
    const events = readFileSync(s.userLog, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const mine = events.filter((e) => e.session?.id === sessionId);
    const actions = mine.map((e) => e.event.action);
    expect(actions).toContain('session.started');
    expect(actions).toContain('prompt.submitted');
    expect(actions).toContain('command.executed');
    expect(actions).toContain('token.usage');
    expect(JSON.stringify(mine)).not.toContain('ghp_' + 'x'.repeat(36)); // redacted on the way in

    const st = parseJsonOut(await s.beacon(['endpoint', 'status', '--json']));
    expect(st.collector.state).toBe('up');
    expect(st.codex.telemetry).toBe('enabled');
    expect(st.last_event.session_id).toBe(sessionId);
    expect(st.checks.filter((c: { status: string }) => c.status === 'fail')).toEqual([]);

    const un = await s.beacon(['endpoint', 'uninstall']);
    expect(un.code, un.stdout + un.stderr).toBe(0);
    expect(readFileSync(cfg)).toEqual(original);
    expect((await probeCollector(s.port)).kind).toBe('none');
    expect(existsSync(s.userLog)).toBe(false);

    // Codex again: it runs fine and nothing is received anywhere.
    const api2 = await startFakeResponsesApi(standardScenario('ghp_' + 'y'.repeat(36)).turns);
    apis.push(api2);
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace(api.url, api2.url));
    const run2 = await runCodexExec({ codexHome, cwd, prompt: 'again' });
    expect(run2.code, run2.stderr).toBe(0);
    expect(existsSync(s.userLog)).toBe(false);
    expect((await probeCollector(s.port)).kind).toBe('none');
  });
});
