/**
 * status / doctor computation on temp dirs with real collectors (started with the built CLI on
 * free ports): the healthy state and each way Codex telemetry silently breaks.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { listCodexAppServers } from '../../electron/codex/runtime-checks';
import { dirname, join } from 'node:path';
import { beaconPaths } from '../../electron/shared/paths';
import { probeCollector } from '../../electron/collector/probe';
import { computeStatus, type EndpointStatus } from '../../electron/endpoint/status';
import { requireBuiltCli, startEndpointRun } from '../support/beacon-cli';
import { makeSandbox, parseJsonOut, readJson, type Sandbox } from './helpers';

let sandboxes: Sandbox[] = [];
async function installed(config = 'model = "gpt-5.5"\n', start = true): Promise<Sandbox> {
  const s = await makeSandbox({ config });
  sandboxes.push(s);
  const r = await s.beacon(['endpoint', 'install', ...(start ? [] : ['--no-start']), '--otlp-http-port', String(s.port)]);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  return s;
}
const noProcs = async () => [];
const status = (s: Sandbox, extraEnv: Record<string, string> = {}, mode: 'user' | 'system' = 'user') => computeStatus({ mode, env: { ...s.env, ...extraEnv }, listProcesses: noProcs });
const check = (st: EndpointStatus, id: string) => st.checks.find((c) => c.id === id);

beforeAll(() => requireBuiltCli());
afterEach(async () => {
  for (const s of sandboxes) await s.cleanup();
  sandboxes = [];
});

describe('status', () => {
  it('healthy: collector up, Codex reaches it, last event and its age from the log tail', async () => {
    const s = await installed();
    let st = await status(s);
    expect(st.verdict.status).toBe('ok');
    expect(st.verdict.summary).toMatch(/^healthy: collector up on 127\.0\.0\.1:\d+ \(pid \d+\)/);
    expect(st.collector).toMatchObject({ state: 'up', port: s.port, mode: 'user', log_path: s.userLog, write_status: 'ok' });
    expect(st.codex).toMatchObject({ telemetry: 'enabled', managed_by_beacon: true, spans: false, effective: { layer: 'user_config' } });
    expect(st.codex.metrics.pointsAtCollector).toBe(true);
    expect(st.last_event).toBeNull();

    const t = await s.beacon(['endpoint', 'test-event', '--json']);
    expect(t.code, t.stdout).toBe(0);
    const te = parseJsonOut(t);
    expect(te).toMatchObject({ ok: true, log_path: s.userLog });
    expect(te.event.event.action).toBe('otel.beacon.validation');
    expect(te.event.session.id).toBe(te.id);
    st = await status(s);
    expect(st.last_event).toMatchObject({ action: 'otel.beacon.validation', session_id: te.id });
    expect(st.last_event!.age_seconds).toBeLessThan(600);

    // The CLI: human report with the verdict first, --json with the same shape.
    const human = await s.beacon(['endpoint', 'status']);
    expect(human.code).toBe(0);
    expect(human.stdout.split('\n')[0]).toMatch(/^Beacon .* \(user mode\): OK healthy/);
    const json = parseJsonOut(await s.beacon(['endpoint', 'status', '--json']));
    expect(json).toMatchObject({ schema: 1, mode: 'user', verdict: { status: 'ok' }, collector: { state: 'up' } });
    const d = await s.beacon(['endpoint', 'doctor']);
    expect(d.code, d.stdout).toBe(0);
    expect(d.stdout).toContain('All endpoint health checks passed.');
  });

  it('collector down: fail with the fix; doctor exits 1, doctor --fix starts it and uninstall later stops it', async () => {
    const s = await installed(undefined, false);
    const st = await status(s);
    expect(st.verdict.status).toBe('fail');
    expect(check(st, 'collector')).toMatchObject({ status: 'fail', action: 'beacon endpoint repair', fix: 'start-collector' });
    expect(st.verdict.summary).toContain(`no collector answers on 127.0.0.1:${s.port}`);

    const d = await s.beacon(['endpoint', 'doctor', '--json']);
    expect(d.code).toBe(1);
    expect(parseJsonOut(d).status).toBe('fail');
    expect((await probeCollector(s.port)).kind).toBe('none'); // doctor without --fix changes nothing

    const fx = await s.beacon(['endpoint', 'doctor', '--fix', '--json']);
    expect(fx.code, fx.stdout).toBe(0);
    const rep = parseJsonOut(fx);
    expect(rep.fixes).toEqual([expect.objectContaining({ fix: 'start-collector', result: 'applied' })]);
    const probe = await probeCollector(s.port);
    expect(probe.kind).toBe('beacon');
    expect(readJson(s.manifest).collector).toMatchObject({ started_by: 'doctor' });
    expect((await s.beacon(['endpoint', 'uninstall'])).code).toBe(0);
    expect((await probeCollector(s.port)).kind).toBe('none');
  });

  it('a remote endpoint: logs do not reach the collector (fail) and doctor --fix never replaces a foreign [otel]', async () => {
    const s = await installed();
    const cfg = join(s.codexHome, 'config.toml');
    const foreign = 'model = "gpt-5.5"\n\n[otel]\nexporter = { otlp-http = { endpoint = "https://otel.example.com/v1/logs", protocol = "binary" } }\nmetrics_exporter = "none"\n';
    writeFileSync(cfg, foreign);
    const st = await status(s);
    expect(st.codex.telemetry).toBe('misconfigured');
    expect(st.codex.logs.leavesMachine).toBe(true);
    expect(check(st, 'codex:logs-not-to-collector')).toMatchObject({ status: 'fail', fix: 'repair-codex-config' });
    const fx = await s.beacon(['endpoint', 'doctor', '--fix', '--json']);
    expect(fx.code).toBe(1);
    expect(parseJsonOut(fx).fixes).toEqual([expect.objectContaining({ fix: 'repair-codex-config', result: 'skipped', message: expect.stringContaining('--force') })]);
    expect(readFileSync(cfg, 'utf8')).toBe(foreign);
  });

  it('doctor --fix re-applies our own block when it was removed', async () => {
    const s = await installed();
    const cfg = join(s.codexHome, 'config.toml');
    writeFileSync(cfg, 'model = "gpt-5.5"\n');
    const st = await status(s);
    expect(check(st, 'codex:otel-missing')).toMatchObject({ status: 'fail', fix: 'repair-codex-config' });
    const fx = await s.beacon(['endpoint', 'doctor', '--fix']);
    expect(fx.code, fx.stdout).toBe(0);
    expect(readFileSync(cfg, 'utf8')).toContain('# managed by beacon endpoint install');
  });

  it('a missing protocol: Codex refuses to start, reported as a failure', async () => {
    const s = await installed();
    writeFileSync(join(s.codexHome, 'config.toml'), `[otel]\nexporter = { otlp-http = { endpoint = "http://127.0.0.1:${s.port}/v1/logs" } }\nmetrics_exporter = "none"\n`);
    const st = await status(s);
    expect(st.codex.telemetry).toBe('misconfigured');
    expect(check(st, 'codex:protocol-missing')).toMatchObject({ status: 'fail', message: expect.stringContaining('protocol') });
  });

  it('metrics_exporter absent: Codex ships metrics to Statsig, a warning', async () => {
    const s = await installed();
    writeFileSync(join(s.codexHome, 'config.toml'), `[otel]\nexporter = { otlp-http = { endpoint = "http://127.0.0.1:${s.port}/v1/logs", protocol = "binary" } }\n`);
    const st = await status(s);
    expect(st.codex.telemetry).toBe('enabled'); // logs still arrive
    expect(st.codex.metrics).toMatchObject({ kind: 'absent', leavesMachine: true });
    expect(check(st, 'codex:metrics-default-statsig')).toMatchObject({ status: 'warn', message: expect.stringContaining('ab.chatgpt.com') });
    expect(st.verdict.status).toBe('warn');
  });

  it('system layers: requirements.toml overriding with another endpoint fails; /etc/codex/config.toml applies when the user has none', async () => {
    const s = await installed();
    const etc = join(s.systemRoot, 'etc/codex');
    mkdirSync(etc, { recursive: true });
    writeFileSync(join(etc, 'requirements.toml'), '[otel]\nexporter = { otlp-grpc = { endpoint = "http://collector.corp:4317" } }\n');
    let st = await status(s);
    expect(st.codex.effective).toMatchObject({ layer: 'requirements' });
    expect(check(st, 'codex_override:requirements')).toMatchObject({ status: 'fail', message: expect.stringContaining('is enforced over') });

    writeFileSync(join(etc, 'requirements.toml'), '');
    writeFileSync(join(s.codexHome, 'config.toml'), 'model = "x"\n');
    writeFileSync(join(etc, 'config.toml'), `[otel]\nexporter = { otlp-http = { endpoint = "http://127.0.0.1:${s.port}/v1/logs", protocol = "binary" } }\nmetrics_exporter = "none"\n`);
    st = await status(s);
    expect(st.codex.effective).toMatchObject({ layer: 'system_config' });
    expect(st.codex.telemetry).toBe('enabled');
    expect(check(st, 'codex_override:system_config')).toMatchObject({ status: 'ok', message: expect.stringContaining('has no [otel]') });
  });

  it('environment variables that break export, and a stale app-server daemon', async () => {
    const s = await installed();
    let st = await status(s, { OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip', HTTP_PROXY: 'http://proxy.corp:3128', OTEL_EXPORTER_OTLP_HEADERS: 'x-team=a' });
    expect(check(st, 'env:OTEL_EXPORTER_OTLP_COMPRESSION')).toMatchObject({ status: 'fail', action: 'unset OTEL_EXPORTER_OTLP_COMPRESSION' });
    expect(check(st, 'env:HTTP_PROXY')).toMatchObject({ status: 'warn' });
    expect(st.environment.find((e) => e.variable === 'OTEL_EXPORTER_OTLP_HEADERS')).toMatchObject({ severity: 'info' });
    st = await status(s, { HTTP_PROXY: 'http://proxy.corp:3128', NO_PROXY: 'localhost,127.0.0.1' });
    expect(check(st, 'env:HTTP_PROXY')).toBeUndefined();

    // An app-server that started before the config changed must be restarted.
    const cfg = join(s.codexHome, 'config.toml');
    const started = Date.now() - 60_000;
    utimesSync(cfg, new Date(), new Date());
    st = await computeStatus({ env: s.env, listProcesses: async () => [{ pid: 4242, command: '/x/codex app-server --listen unix://', startedAtMs: started }] });
    expect(check(st, 'codex_app_server')).toMatchObject({ status: 'warn', action: 'codex app-server daemon restart' });
    utimesSync(cfg, new Date(started - 60_000), new Date(started - 60_000));
    st = await computeStatus({ env: s.env, listProcesses: async () => [{ pid: 4242, command: '/x/codex app-server', startedAtMs: started }] });
    expect(check(st, 'codex_app_server')).toBeUndefined();
    expect(st.app_servers).toEqual([expect.objectContaining({ pid: 4242, stale: false })]);
  });

  it('finds a real app-server process by its command line', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)', 'codex', 'app-server', '--managed-daemon'], { stdio: 'ignore' });
    try {
      let found: Awaited<ReturnType<typeof listCodexAppServers>> = [];
      for (let i = 0; i < 50 && !found.some((p) => p.pid === child.pid); i++) {
        found = await listCodexAppServers();
        if (!found.some((p) => p.pid === child.pid)) await new Promise((r) => setTimeout(r, 50));
      }
      const me = found.find((p) => p.pid === child.pid);
      expect(me).toBeDefined();
      expect(Math.abs(me!.startedAtMs! - Date.now())).toBeLessThan(120_000);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('runtime-log source: the collector on the port is the system one, writing another log: warn, name both, say which is live', async () => {
    const s = await makeSandbox({ config: 'model = "x"\n' });
    sandboxes.push(s);
    const sys = await startEndpointRun(['--system', '--port', String(s.port)], s.env);
    try {
      const sysLog = join(s.systemRoot, 'var/log/beacon-agent/runtime.jsonl');
      expect(sys.startup.log_path).toBe(sysLog);
      // The user's Beacon expects its own log; Codex points at the port the system collector holds.
      const r = await s.beacon(['endpoint', 'install', '--no-start', '--otlp-http-port', String(s.port)]);
      expect(r.code).toBe(0);
      const st = await status(s);
      expect(st.log).toMatchObject({ expected_log: s.userLog, live_log: sysLog, live_mode: 'system' });
      const w = check(st, 'runtime_log_source')!;
      expect(w.status).toBe('warn');
      expect(w.message).toContain(`writes ${sysLog}`);
      expect(w.message).toContain(`Look in ${sysLog}`);
      expect(w.action).toContain('beacon endpoint status --system');
      // test-event lands in the live (system) log, and status then reads its last event from there.
      const t = parseJsonOut(await s.beacon(['endpoint', 'test-event', '--json']));
      expect(t).toMatchObject({ ok: true, log_path: sysLog });
      expect(existsSync(s.userLog)).toBe(false);
      expect((await status(s)).last_event?.session_id).toBe(t.id);
      // Seen from the system side (whose config.json names the system collector's port, never
      // the default 4318 that a real Beacon may hold), everything is where it should be.
      const sysConfig = beaconPaths('system', s.env).configFile;
      mkdirSync(dirname(sysConfig), { recursive: true });
      writeFileSync(sysConfig, JSON.stringify({ otlp_http_port: s.port }));
      const sysStatus = await computeStatus({ mode: 'system', env: { ...s.env }, listProcesses: noProcs });
      expect(check(sysStatus, 'runtime_log_source')).toBeUndefined();
    } finally {
      await sys.stop();
    }
  });

  it('reads the last event from the tail only, skipping a torn final line', async () => {
    const s = await installed(undefined, false);
    mkdirSync(join(s.beaconDir, 'logs'), { recursive: true });
    const filler = JSON.stringify({ timestamp: '2020-01-01T00:00:00.000Z', event: { action: 'x' }, pad: 'p'.repeat(1000) }) + '\n';
    writeFileSync(s.userLog, filler.repeat(200));
    appendFileSync(s.userLog, JSON.stringify({ timestamp: new Date(Date.now() - 90_000).toISOString(), event: { action: 'command.executed' }, session: { id: 'abc' } }) + '\n{"timestamp":"torn');
    const st = await status(s);
    expect(st.last_event).toMatchObject({ action: 'command.executed', session_id: 'abc' });
    expect(st.last_event!.age_seconds).toBeGreaterThanOrEqual(90);
  });

  it('test-event fails clearly when no collector runs', async () => {
    const s = await installed(undefined, false);
    const r = await s.beacon(['endpoint', 'test-event']);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`no collector answers on 127.0.0.1:${s.port}`);
  });
});
