/**
 * The app's logic on plain Node with real parts: config.json in a temp BEACON_HOME, a real
 * collector (hosted or another one to attach to), the real dashboard server, real OTLP posts of
 * a captured Codex payload. Only the Codex-config action is injected.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppRuntime } from '../../electron/app/app-runtime';
import { hostOrAttach } from '../../electron/app/collector-host';
import { beaconLogs } from '../../electron/endpoint/log-source';
import type { EndpointConfig } from '../../electron/endpoint/endpoint-config';
import { createIpcHandlers } from '../../electron/app/app-ipc';
import { createCliAppActions, summarizeCliOutcome } from '../../electron/app/app-actions';
import { startBeaconCollector as startCollector } from '../../electron/plugins/collector';
import { readEndpointConfig } from '../../electron/endpoint/endpoint-config';
import { statusProviders } from '../../electron/dashboard/codex-health';
import type { BeaconEvent } from '../../electron/shared/event';

const CODEX_LOGS = join(__dirname, '..', 'fixtures', 'codex-0.169.0', 'logs-otlp-http-json.json');

let home: string;
const cleanups: Array<() => Promise<unknown>> = [];
beforeEach(async () => {
  home = await mkdtemp(join(tmpdir(), 'beacon-app-'));
});
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
  await rm(home, { recursive: true, force: true });
});

async function runtimeWith(port: number, actions = { repairCodexConfig: async () => ({ ok: true, message: 'repaired' }) }) {
  const env = { BEACON_HOME: join(home, 'endpoint'), HOME: home };
  // Which logs Beacon's configuration names, from this test's homes (the app uses its own env's).
  const hostOrAttachHere = (config: EndpointConfig) => hostOrAttach(config, { beaconLogs: () => beaconLogs(env) });
  await mkdir(env.BEACON_HOME, { recursive: true });
  await writeFile(join(env.BEACON_HOME, 'config.json'), JSON.stringify({ otlp_http_port: port, runtime_log: join(home, 'logs', 'runtime.jsonl') }));
  // Codex health from this test's homes: by default the app reads process.env's (the user's).
  const rt = new AppRuntime({ actions, hostOrAttach: hostOrAttachHere, readConfig: async () => (await readEndpointConfig('user', env)).config, statusProviders: statusProviders('user', env), healthPollMs: 60_000 });
  cleanups.push(() => rt.shutdown(5000));
  await rt.start();
  return rt;
}

async function postCodexLogs(url: string): Promise<number> {
  const res = await fetch(`${url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: await readFile(CODEX_LOGS) });
  await res.arrayBuffer();
  return res.status;
}

const lines = async (path: string) => (await readFile(path, 'utf8')).split('\n').filter(Boolean);

describe('AppRuntime hosting the collector', () => {
  it('hosts, serves the dashboard with a token, and turns healthy', async () => {
    const rt = await runtimeWith(0);
    expect(rt.model.state.role).toBe('host');
    expect(rt.dashboard).not.toBeNull();
    const url = new URL(rt.dashboard!.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.searchParams.get('token')).toBe(rt.dashboard!.token);
    expect(rt.dashboardOrigin).toBe(url.origin);
    // Without the token the API refuses; with it, it answers.
    expect((await fetch(`${rt.dashboardOrigin}/api/health`)).status).toBe(401);
    const health = await fetch(`${rt.dashboardOrigin}/api/health`, { headers: { authorization: `Bearer ${rt.dashboard!.token}` } });
    expect(health.status).toBe(200);
    expect(rt.model.view().status).toBe('ok');
    expect(rt.model.snapshot()).toMatchObject({ role: 'host', canPause: true, paused: false, logPath: join(home, 'logs', 'runtime.jsonl') });
  });

  it('pause: Codex still gets 200 but nothing is written; resume: events are written again', async () => {
    const rt = await runtimeWith(0);
    const log = join(home, 'logs', 'runtime.jsonl');
    const collectorUrl = rt.session!.collector!.url;

    expect(await postCodexLogs(collectorUrl)).toBe(200);
    const before = (await lines(log)).length;
    expect(before).toBeGreaterThan(0);

    expect(rt.pauseCapture()).toMatchObject({ ok: true });
    expect(rt.paused).toBe(true);
    expect(rt.model.view().status).toBe('paused');
    expect(await postCodexLogs(collectorUrl)).toBe(200);
    expect((await lines(log)).length).toBe(before);

    const resumed = rt.resumeCapture();
    expect(resumed.ok).toBe(true);
    expect(resumed.message).toBe(`Capture resumed (${before} events dropped while paused).`);
    expect(rt.model.view().status).toBe('ok');
    expect(await postCodexLogs(collectorUrl)).toBe(200);
    expect((await lines(log)).length).toBe(2 * before);
  });

  it('counts high findings beside the menu-bar icon as the detections write them, and clears the count when the window opens', async () => {
    const rt = await runtimeWith(0);
    const remoteScript = (): BeaconEvent[] => JSON.parse(readFileSync(join(__dirname, '..', 'detections', 'fixtures', 'remote-script-piped-to-shell.json'), 'utf8')).positive[0];
    const until = async (ok: () => boolean): Promise<void> => {
      const deadline = Date.now() + 10_000;
      while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    };
    expect(rt.model.view().title).toBe('');
    // The real detection engine of the hosted collector finds a remote script piped to a shell.
    await rt.session!.collector!.pipeline.write(remoteScript());
    await until(() => rt.model.state.unseenFindings === 1);
    expect(rt.model.view()).toMatchObject({ title: '1', tooltip: expect.stringContaining('\n1 new high-severity finding') });
    expect(rt.model.menu({ showWindow: () => undefined } as never).find((i) => i.id === 'findings')?.label).toBe('1 new high-severity finding…');

    rt.findingsSeen();
    expect(rt.model.state.unseenFindings).toBe(0);
    expect(rt.model.view().title).toBe('');

    // A second session does it again (the same events would be the same finding).
    const again = remoteScript().map((e) => ({ ...e, session: { ...e.session, id: '019b0000-0000-7000-8000-0000000000ff' }, event: { ...e.event, id: undefined } }));
    await rt.session!.collector!.pipeline.write(again as BeaconEvent[]);
    await until(() => rt.model.state.unseenFindings === 1);
    expect(rt.model.view().title).toBe('1');
  });

  it('shutdown closes the collector (port released) and the dashboard, once', async () => {
    const rt = await runtimeWith(0);
    const collectorUrl = rt.session!.collector!.url;
    const origin = rt.dashboardOrigin!;
    const report = await rt.shutdown(5000);
    expect(report).toEqual({ timedOut: false, failed: [] });
    await expect(fetch(`${collectorUrl}/healthz`)).rejects.toThrow();
    await expect(fetch(`${origin}/api/health`)).rejects.toThrow();
    await expect(rt.shutdown(5000)).resolves.toBe(report);
  });
});

describe('AppRuntime attached to another collector', () => {
  it('reads that collector log, says so in the dashboard, and refuses to pause', async () => {
    // The default user log (BEACON_HOME/logs): a log Beacon names, though config.json says another.
    const agentLog = join(home, 'endpoint', 'logs', 'runtime.jsonl');
    const other = await startCollector({ port: 0, logPath: agentLog, mode: 'user' });
    cleanups.push(() => other.close());
    const rt = await runtimeWith(other.port);
    expect(rt.model.state.role).toBe('attach');
    expect(rt.model.state.logPath).toBe(agentLog);
    // A log other than the configured one is worth a warning, and the warning names it.
    expect(rt.model.view().status).toBe('warn');
    expect(rt.model.view().summary).toBe(
      `Showing ${agentLog}, written by the user-mode Beacon collector (pid ${process.pid}) on port ${other.port}, not ${join(home, 'logs', 'runtime.jsonl')} from your Beacon settings.`,
    );
    const h = await rt.dashboard!.health();
    expect(h.dashboard.log_path).toBe(agentLog);
    expect(h.log_source_warning).toContain(`Showing ${agentLog}, written by the user-mode Beacon collector`);
    const paused = rt.pauseCapture();
    expect(paused.ok).toBe(false);
    expect(paused.message).toMatch(/cannot be paused here/);
    // Shutting the viewer down leaves the other collector alone.
    await rt.shutdown(5000);
    expect(await postCodexLogs(other.url)).toBe(200);
  });
});

describe('AppRuntime attached to the collector of its own install (a LaunchAgent)', () => {
  it('is healthy and names the collector it reads from', async () => {
    const log = join(home, 'logs', 'runtime.jsonl');
    const agent = await startCollector({ port: 0, logPath: log, mode: 'user' });
    cleanups.push(() => agent.close());
    const rt = await runtimeWith(agent.port);
    expect(rt.model.view()).toEqual({
      status: 'ok',
      summary: `Reading the user-mode collector (pid ${process.pid}): ${log}`,
      tooltip: `Beacon: Reading the user-mode collector (pid ${process.pid}): ${log}`,
      title: '',
    });
    expect((await rt.dashboard!.health()).log_source_warning).toBeNull();
  });
});

describe('AppRuntime when things are wrong', () => {
  it('a corrupt config.json becomes the tray error, in words; no collector is started', async () => {
    const env = { BEACON_HOME: join(home, 'endpoint'), HOME: home };
    await mkdir(env.BEACON_HOME, { recursive: true });
    await writeFile(join(env.BEACON_HOME, 'config.json'), '{ not json');
    const rt = new AppRuntime({ actions: { repairCodexConfig: async () => ({ ok: true, message: '' }) }, readConfig: async () => (await readEndpointConfig('user', env)).config, statusProviders: statusProviders('user', env) });
    cleanups.push(() => rt.shutdown(1000));
    await rt.start();
    expect(rt.model.view().status).toBe('error');
    expect(rt.model.view().summary).toMatch(/^Cannot read Beacon's settings: .*config\.json is not valid JSON/);
    expect(rt.session).toBeNull();
  });

  it('configure Codex: busy while running, result passed through, a throw becomes a message', async () => {
    let release!: () => void;
    const rt = await runtimeWith(0, {
      repairCodexConfig: () => new Promise((r) => (release = () => r({ ok: true, message: 'Codex config repaired' }))),
    });
    const pending = rt.repairCodexConfig();
    expect(rt.model.state.busy).toBe('configure-codex');
    await expect(rt.repairCodexConfig()).resolves.toEqual({ ok: false, message: 'Codex is already being configured.' });
    release();
    await expect(pending).resolves.toEqual({ ok: true, message: 'Codex config repaired' });
    expect(rt.model.state.busy).toBeNull();

    const failing = await runtimeWith(0, { repairCodexConfig: async () => { throw new Error('EACCES: /home/u/.codex/config.toml'); } });
    await expect(failing.repairCodexConfig()).resolves.toEqual({ ok: false, message: 'Configuring Codex failed: EACCES: /home/u/.codex/config.toml' });
  });
});

describe('IPC handler bodies', () => {
  it('map channels to the runtime, login items and quit', async () => {
    const rt = await runtimeWith(0);
    let login = false;
    let quits = 0;
    const h = createIpcHandlers(rt, { get: () => ({ openAtLogin: login, supported: true }), set: (v) => ((login = v), { openAtLogin: v, supported: true }) }, () => quits++);
    expect(await h['capture:pause']()).toMatchObject({ ok: true });
    expect(await h['capture:is-paused']()).toBe(true);
    expect(await h['app:state']()).toMatchObject({ status: 'paused', paused: true });
    expect(await h['login-item:set'](true)).toEqual({ openAtLogin: true, supported: true });
    expect(rt.model.state.openAtLogin).toBe(true);
    await h['app:quit']();
    expect(quits).toBe(0); // answered first...
    await new Promise((r) => setImmediate(r));
    expect(quits).toBe(1); // ...then quits
  });
});

describe('Configure Codex through the bundled CLI', () => {
  it('runs the CLI as node with ELECTRON_RUN_AS_NODE=1: repair when installed, install (no background collector) on first run', async () => {
    const cli = join(home, 'fake-cli.js');
    const calls = join(home, 'calls.txt');
    // Stands in for `beacon`: answers like the lifecycle commands' --json reports.
    await writeFile(
      cli,
      `const fs = require('fs');
       const args = process.argv.slice(2).join(' ');
       fs.appendFileSync(${JSON.stringify(calls)}, (process.env.ELECTRON_RUN_AS_NODE === '1' ? '' : 'NOT-AS-NODE ') + args + '\\n');
       const installed = fs.existsSync(${JSON.stringify(join(home, 'installed'))});
       const step = { action: 'configure_codex', target: '/home/u/.codex/config.toml', status: 'done', detail: "re-applied Beacon's [otel] block" };
       if (args === 'endpoint repair --json') {
         if (!installed) { process.stderr.write('beacon: Beacon is not installed in user mode (no manifest); run \`beacon endpoint install\`\\n'); process.exitCode = 2; }
         else process.stdout.write(JSON.stringify({ ok: true, mode: 'user', steps: [step], errors: [], manifest: 'm' }, null, 2) + '\\n');
       } else if (args === 'endpoint install --json --no-start') {
         fs.writeFileSync(${JSON.stringify(join(home, 'installed'))}, '');
         process.stdout.write(JSON.stringify({ ok: true, steps: [{ ...step, detail: 'added the [otel] block' }], warnings: [], errors: [] }) + '\\n');
       } else { process.stderr.write('beacon: unexpected ' + args); process.exitCode = 2; }`,
    );
    const actions = createCliAppActions({ execPath: process.execPath, cliEntry: cli });
    await expect(actions.repairCodexConfig()).resolves.toEqual({ ok: true, message: 'Codex config updated: /home/u/.codex/config.toml (added the [otel] block)' });
    await expect(actions.repairCodexConfig()).resolves.toEqual({ ok: true, message: "Codex config updated: /home/u/.codex/config.toml (re-applied Beacon's [otel] block)" });
    expect((await readFile(calls, 'utf8')).trim().split('\n')).toEqual(['endpoint repair --json', 'endpoint install --json --no-start', 'endpoint repair --json']);
  });

  it('a failing CLI yields its error line; a missing one a plain failure', async () => {
    expect(summarizeCliOutcome({ code: 1, stdout: '', stderr: 'beacon: ~/.codex/config.toml is not valid TOML (line 3)\n', timedOut: false }, 'Configuring Codex')).toEqual({
      ok: false,
      message: '~/.codex/config.toml is not valid TOML (line 3)',
    });
    expect(summarizeCliOutcome({ code: 1, stdout: '{"ok":false,"errors":["refused: requirements.toml enforces otel"]}', stderr: '', timedOut: false }, 'x').message).toBe('refused: requirements.toml enforces otel');
    const missing = createCliAppActions({ execPath: process.execPath, cliEntry: join(home, 'nope.js') });
    const r = await missing.repairCodexConfig();
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/Cannot find module/);
  });
});
