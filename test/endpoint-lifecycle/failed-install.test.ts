/**
 * Issue 12 item 4: a failed install changes nothing and says why. The built CLI in a temp HOME,
 * real collectors on free ports, a real foreign HTTP server, a real log lock held by another live
 * process, and a really read-only directory. After each failure: config.toml byte-identical, no
 * manifest or config.json left, no collector on the port, no `[done]` line for a step that did
 * not stay done, the real cause on stderr and a non-zero exit.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { probeCollector } from '../../electron/collector/probe';
import { CLI, requireBuiltCli, startEndpointRun } from '../support/beacon-cli';
import { makeSandbox, readJson, snapshotTree, type Sandbox } from './helpers';

const BASE = '# mine\nmodel = "o3"\n';

let sandboxes: Sandbox[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
// Each test runs the CLI several times and waits for real collectors: room for a loaded machine.
vi.setConfig({ testTimeout: 120_000 });
beforeAll(() => requireBuiltCli());
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  for (const s of sandboxes) {
    chmodSync(s.root, 0o700);
    for (const d of [join(s.beaconDir, 'logs'), s.beaconDir]) if (existsSync(d)) chmodSync(d, 0o700);
    await s.cleanup();
  }
  sandboxes = [];
});

async function sandbox(): Promise<Sandbox> {
  const s = await makeSandbox({ config: BASE });
  sandboxes.push(s);
  return s;
}

/** Nothing of an install is on disk (the sandbox tree is as before), nobody listens on the port. */
async function expectNothingChanged(s: Sandbox, before: Record<string, string>): Promise<void> {
  expect(readFileSync(join(s.codexHome, 'config.toml'), 'utf8')).toBe(BASE);
  expect(existsSync(s.manifest)).toBe(false);
  expect(existsSync(join(s.beaconDir, 'config.json'))).toBe(false);
  expect(snapshotTree(s.root)).toEqual(before);
  expect((await probeCollector(s.port)).kind).toBe('none');
}

function stderrCause(stderr: string): string {
  const lines = stderr.split('\n').filter(Boolean);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(/^beacon: install failed: /);
  expect(stderr).not.toMatch(/\n\s+at /);
  return lines[0];
}

describe('a failed install changes nothing and says why', () => {
  it('port held by another program: the cause on stderr, no [done] line, nothing written', async () => {
    const s = await sandbox();
    const server: Server = createServer((_q, r) => r.end('hello'));
    await new Promise<void>((r) => server.listen(s.port, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const before = snapshotTree(s.root);
    const r = await s.beacon(['endpoint', 'install', '--otlp-http-port', String(s.port)]);
    expect(r.code).toBe(1);
    expect(stderrCause(r.stderr)).toContain(`port ${s.port} on 127.0.0.1 is held by another program`);
    expect(r.stdout).not.toContain('[done]');
    expect(r.stdout).not.toContain('configure_codex');
    expect(r.stdout).toContain('Nothing was changed.');
    expect(readFileSync(join(s.codexHome, 'config.toml'), 'utf8')).toBe(BASE);
    expect(snapshotTree(s.root)).toEqual(before);
  });

  it('the collector cannot start (its log is locked by another live process): its own cause, everything rolled back', async () => {
    const s = await sandbox();
    const logs = join(s.beaconDir, 'logs');
    mkdirSync(logs, { recursive: true, mode: 0o700 });
    // Another live process (not Beacon) holds the runtime log's lock.
    const holder: ChildProcess = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    cleanups.push(() => void holder.kill('SIGKILL'));
    writeFileSync(join(logs, 'runtime.jsonl.lock'), JSON.stringify({ pid: holder.pid, hostname: hostname(), started_at: new Date().toISOString(), purpose: 'another-writer', nonce: '00' }) + '\n', { mode: 0o600 });
    const before = snapshotTree(s.root);

    const r = await s.beacon(['endpoint', 'install', '--otlp-http-port', String(s.port)]);
    expect(r.code).toBe(1);
    const cause = stderrCause(r.stderr);
    expect(cause).toContain(`the collector could not start: runtime log ${s.userLog} is already written by pid ${holder.pid} (another-writer)`);
    expect(r.stdout).not.toContain('[done]');
    expect(r.stdout).toMatch(/\[rolled-back\] configure_codex /);
    expect(r.stdout).toContain('Nothing was changed: every step above was undone.');
    await expectNothingChanged(s, before);
  });

  it('the log directory is read-only: refused before anything is written, with the fix', async () => {
    const s = await sandbox();
    const logs = join(s.beaconDir, 'logs');
    mkdirSync(logs, { recursive: true, mode: 0o700 });
    chmodSync(logs, 0o500);
    const before = snapshotTree(s.root);
    const r = await s.beacon(['endpoint', 'install', '--otlp-http-port', String(s.port)]);
    expect(r.code).toBe(1);
    expect(stderrCause(r.stderr)).toContain(`the log directory ${logs} is read-only (mode 0500), so no collector could write ${s.userLog}; fix it`);
    expect(r.stdout).not.toContain('[done]');
    await expectNothingChanged(s, before);
  });

  it('the log directory is not writable for the user who installs (a real EACCES, not only a mode bit)', async () => {
    const s = await sandbox();
    const logs = join(s.beaconDir, 'logs');
    mkdirSync(logs, { recursive: true, mode: 0o755 });
    const root = process.getuid?.() === 0;
    // As root, run the CLI as an unprivileged user who owns everything but the log directory;
    // otherwise the log directory is made unwritable for us by its mode alone (0555 has write bits for nobody).
    const NOBODY = 65534;
    if (root) {
      for (const p of [s.root, s.home, s.codexHome, join(s.codexHome, 'config.toml'), join(s.home, '.beacon'), s.beaconDir, s.systemRoot]) chownSync(p, NOBODY, NOBODY);
      chmodSync(s.root, 0o755);
    } else chmodSync(logs, 0o555);
    const before = snapshotTree(s.root);
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'endpoint', 'install', '--otlp-http-port', String(s.port)], { env: s.env, uid: root ? NOBODY : undefined, gid: root ? NOBODY : undefined });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    });
    expect(r.code, r.stdout + r.stderr).toBe(1);
    expect(stderrCause(r.stderr)).toMatch(new RegExp(`the log directory ${logs} (is not writable for this user|is read-only)`));
    expect(r.stdout).not.toContain('[done]');
    await expectNothingChanged(s, before);
  });

  it('a re-install that fails leaves the earlier install exactly as it was, its collector still running', async () => {
    const s = await sandbox();
    const ok = await s.beacon(['endpoint', 'install', '--otlp-http-port', String(s.port)]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    const cfg = readFileSync(join(s.codexHome, 'config.toml'), 'utf8');
    const manifest = readFileSync(s.manifest);
    const pid = readJson(s.manifest).collector.pid;
    // Ask for a port another program holds.
    const server: Server = createServer((_q, r) => r.end('hello'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
    const taken = (server.address() as { port: number }).port;
    const r = await s.beacon(['endpoint', 'install', '--content', 'metadata', '--otlp-http-port', String(taken)]);
    expect(r.code).toBe(1);
    expect(stderrCause(r.stderr)).toContain(`port ${taken} on 127.0.0.1 is held by another program`);
    expect(readFileSync(join(s.codexHome, 'config.toml'), 'utf8')).toBe(cfg);
    expect(readFileSync(s.manifest)).toEqual(manifest);
    expect(readJson(join(s.beaconDir, 'config.json'))).toMatchObject({ otlp_http_port: s.port, content: 'redacted' });
    const probe = await probeCollector(s.port);
    expect(probe.kind === 'beacon' && probe.health.pid).toBe(pid);
  });
});

describe('a failed service install changes nothing either', () => {
  it("the service's collector does not come up with the new settings: unit, config.json and manifest are put back, the cause is named", async () => {
    const s = await sandbox();
    const calls = join(s.root, 'service-calls.jsonl');
    // The recorder answers launchctl/systemctl with success and runs nothing (there is no
    // systemd user session here); the test plays the service's collector.
    const env = { BEACON_SERVICE_RUNNER: `record:${calls}`, BEACON_SERVICE_KIND: 'systemd' };
    expect((await s.beacon(['endpoint', 'install', '--service', '--no-start', '--otlp-http-port', String(s.port)], env)).code).toBe(0);
    const svc = await startEndpointRun(['--port', String(s.port), '--log-path', s.userLog], s.env);
    cleanups.push(() => svc.stop().then(() => undefined));
    expect((await s.beacon(['endpoint', 'install', '--service', '--otlp-http-port', String(s.port)], env)).code).toBe(0);
    const unit = join(s.home, '.config/systemd/user/beacon-collector.service');
    const before = { unit: readFileSync(unit), config: readFileSync(join(s.beaconDir, 'config.json')), manifest: readFileSync(s.manifest), toml: readFileSync(join(s.codexHome, 'config.toml')) };

    // A policy change: the "restart" does nothing here, so the collector keeps content redacted.
    const r = await s.beacon(['endpoint', 'install', '--content', 'metadata'], env);
    expect(r.code).toBe(1);
    expect(stderrCause(r.stderr)).toMatch(/the systemd service was loaded but its collector did not come up on 127\.0\.0\.1:\d+ within 15 s \(a collector answers but runs with content redacted, config\.json says metadata\)/);
    expect(r.stdout).toMatch(/\[rolled-back\] install_service/);
    expect(r.stdout).toContain('Nothing was changed: every step above was undone.');
    expect(readFileSync(unit)).toEqual(before.unit);
    expect(readFileSync(join(s.beaconDir, 'config.json'))).toEqual(before.config);
    expect(readFileSync(s.manifest)).toEqual(before.manifest);
    expect(readFileSync(join(s.codexHome, 'config.toml'))).toEqual(before.toml);
    // Rolled back by loading the previous unit again (the service existed before).
    const recorded = readFileSync(calls, 'utf8').trim().split('\n').map((l) => JSON.parse(l).args.join(' '));
    expect(recorded.filter((c) => c.includes('restart')).length).toBe(3);
  }, 60_000);
});
