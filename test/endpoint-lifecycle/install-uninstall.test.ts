/**
 * `beacon endpoint install / uninstall / repair` as a user runs them: the built CLI in a real
 * process, a temporary HOME / CODEX_HOME / BEACON_SYSTEM_ROOT, a real collector on a free port.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, readdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { probeCollector } from '../../electron/collector/probe';
import { requireBuiltCli, startEndpointRun } from '../support/beacon-cli';
import { countOtelTables, makeSandbox, parseJsonOut, readJson, snapshotTree, type Sandbox } from './helpers';

const BASE = '# my settings\nmodel = "gpt-5.5"   # keep me\n\n[tui]\ntheme = "dark"\n';

let sandboxes: Sandbox[] = [];
async function sandbox(opts: Parameters<typeof makeSandbox>[0] = {}): Promise<Sandbox> {
  const s = await makeSandbox(opts);
  sandboxes.push(s);
  return s;
}

beforeAll(() => requireBuiltCli());
afterEach(async () => {
  for (const s of sandboxes) await s.cleanup();
  sandboxes = [];
});

describe('endpoint install', () => {
  it('--dry-run prints the plan with the [otel] diff and writes nothing at all', async () => {
    const s = await sandbox({ config: BASE });
    const before = snapshotTree(s.root);
    const r = await s.beacon(['endpoint', 'install', '--dry-run', '--otlp-http-port', String(s.port)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('nothing was written');
    expect(r.stdout).toContain(`+ exporter = { otlp-http = { endpoint = "http://127.0.0.1:${s.port}/v1/logs", protocol = "binary", headers = {} } }`);
    expect(r.stdout).toContain('start_collector');
    expect(snapshotTree(s.root)).toEqual(before);
    expect((await probeCollector(s.port)).kind).toBe('none');

    const j = await s.beacon(['endpoint', 'install', '--dry-run', '--json', '--otlp-http-port', String(s.port)]);
    expect(parseJsonOut(j)).toMatchObject({ ok: true, dry_run: true, port: s.port });
    expect(snapshotTree(s.root)).toEqual(before);
  });

  it('installs, is idempotent, and uninstall puts config.toml back byte for byte and stops the collector', async () => {
    const s = await sandbox({ config: BASE });
    const cfg = join(s.codexHome, 'config.toml');
    const r = await s.beacon(['endpoint', 'install', '--json', '--otlp-http-port', String(s.port)]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const rep = parseJsonOut(r);
    expect(rep.collector.state).toBe('started');

    const text = readFileSync(cfg, 'utf8');
    expect(text.startsWith(BASE)).toBe(true); // the user's bytes untouched, block appended
    expect(countOtelTables(text)).toBe(1);
    expect(text).toContain(`http://127.0.0.1:${s.port}/v1/metrics`);
    expect(statSync(cfg).mode & 0o777).toBe(0o600);
    const probe = await probeCollector(s.port);
    expect(probe.kind).toBe('beacon');
    if (probe.kind !== 'beacon') return;
    expect(probe.health.log_path).toBe(s.userLog);
    expect(statSync(join(s.beaconDir, 'logs')).mode & 0o777).toBe(0o700);
    const manifest = readJson(s.manifest);
    expect(manifest.collector.pid).toBe(probe.health.pid);
    expect(manifest.codex_files).toHaveLength(1);
    expect(manifest.codex_files[0].record.before).toBe(BASE);
    expect(statSync(s.manifest).mode & 0o777).toBe(0o600);
    expect(readJson(join(s.beaconDir, 'config.json')).otlp_http_port).toBe(s.port);

    // Twice: same single block, same manifest bytes, same collector.
    const manifestBytes = readFileSync(s.manifest);
    const again = await s.beacon(['endpoint', 'install', '--otlp-http-port', String(s.port)]);
    expect(again.code, again.stderr + again.stdout).toBe(0);
    expect(readFileSync(cfg, 'utf8')).toBe(text);
    expect(readFileSync(s.manifest)).toEqual(manifestBytes);
    expect(readdirSync(s.codexHome)).toEqual(['config.toml']); // no backup files

    const u = await s.beacon(['endpoint', 'uninstall']);
    expect(u.code, u.stdout + u.stderr).toBe(0);
    expect(u.stdout).toContain(`stopped the collector (pid ${probe.health.pid})`);
    expect(readFileSync(cfg, 'utf8')).toBe(BASE);
    expect((await probeCollector(s.port)).kind).toBe('none');
    expect(existsSync(join(s.home, '.beacon'))).toBe(false); // dirs install created are gone
  });

  it('creates a missing CODEX_HOME 0700 and a fresh config.toml; uninstall removes both', async () => {
    const s = await sandbox({ createCodexHome: false });
    const r = await s.beacon(['endpoint', 'install', '--no-start', '--otlp-http-port', String(s.port)]);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    expect(statSync(s.codexHome).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(s.codexHome, 'config.toml'), 'utf8')).toContain('[otel]');
    expect((await probeCollector(s.port)).kind).toBe('none'); // --no-start
    const u = await s.beacon(['endpoint', 'uninstall', '--json']);
    expect(u.code).toBe(0);
    expect(parseJsonOut(u).ok).toBe(true);
    expect(existsSync(s.codexHome)).toBe(false);
  });

  it('rejects an unknown harness with exit 2 and a clear message', async () => {
    const s = await sandbox({ config: BASE });
    const r = await s.beacon(['endpoint', 'install', '--harness', 'claude', '--otlp-http-port', String(s.port)]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown harness "claude"; supported: codex');
    expect(existsSync(join(s.home, '.beacon'))).toBe(false);
  });

  it('refuses an invalid config.toml: untouched, nothing else written, exit 1', async () => {
    const bad = 'model = "x"\n[tui\ntheme = 1\n';
    const s = await sandbox({ config: bad });
    const before = snapshotTree(s.root);
    const r = await s.beacon(['endpoint', 'install', '--otlp-http-port', String(s.port)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/is not valid TOML \(line 2/);
    expect(snapshotTree(s.root)).toEqual(before);
    expect((await probeCollector(s.port)).kind).toBe('none');
  });

  it("refuses to replace the user's own exporting [otel] without --force; with --force uninstall restores it exactly", async () => {
    const mine = BASE + '\n[otel]\nexporter = { otlp-http = { endpoint = "https://otel.example.com/v1/logs", protocol = "json" } }\n';
    const s = await sandbox({ config: mine });
    const cfg = join(s.codexHome, 'config.toml');
    const r = await s.beacon(['endpoint', 'install', '--no-start', '--otlp-http-port', String(s.port)]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('https://otel.example.com/v1/logs');
    expect(r.stdout).toContain('--force');
    expect(readFileSync(cfg, 'utf8')).toBe(mine);

    const f = await s.beacon(['endpoint', 'install', '--no-start', '--force', '--otlp-http-port', String(s.port)]);
    expect(f.code, f.stdout).toBe(0);
    expect(readFileSync(cfg, 'utf8')).not.toContain('otel.example.com');
    const u = await s.beacon(['endpoint', 'uninstall']);
    expect(u.code).toBe(0);
    expect(readFileSync(cfg, 'utf8')).toBe(mine);
  });

  it('applies the block to profile files that have their own [otel], leaves the others alone', async () => {
    const s = await sandbox({ config: BASE });
    const withOtel = 'model = "o3"\n\n[otel]\nenvironment = "work"\n';
    const without = 'model = "o4-mini"\n';
    writeFileSync(join(s.codexHome, 'work.config.toml'), withOtel);
    writeFileSync(join(s.codexHome, 'plain.config.toml'), without);
    const r = await s.beacon(['endpoint', 'install', '--no-start', '--otlp-http-port', String(s.port)]);
    expect(r.code, r.stdout).toBe(0);
    expect(readFileSync(join(s.codexHome, 'work.config.toml'), 'utf8')).toContain(`127.0.0.1:${s.port}/v1/logs`);
    expect(readFileSync(join(s.codexHome, 'plain.config.toml'), 'utf8')).toBe(without);
    const status = parseJsonOut(await s.beacon(['endpoint', 'status', '--json']));
    expect(status.codex.profiles).toEqual([expect.objectContaining({ name: 'work', reaches_collector: true })]);
    await s.beacon(['endpoint', 'uninstall']);
    expect(readFileSync(join(s.codexHome, 'work.config.toml'), 'utf8')).toBe(withOtel);
  });

  it("uninstall takes out Beacon's block even after a hand edit (its marker says so) and gives the file back exactly", async () => {
    const s = await sandbox({ config: BASE });
    const cfg = join(s.codexHome, 'config.toml');
    expect((await s.beacon(['endpoint', 'install', '--no-start', '--otlp-http-port', String(s.port)])).code).toBe(0);
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('environment = "dev"', 'environment = "laptop"'));
    const u = await s.beacon(['endpoint', 'uninstall']);
    expect(u.code, u.stdout + u.stderr).toBe(0);
    expect(u.stdout).toContain(`restored ${cfg} to its exact content before install`);
    expect(u.stdout).toMatch(/note: Beacon's \[otel\] block in .* had been edited since Beacon wrote it \(it was .*environment "laptop"/);
    expect(readFileSync(cfg, 'utf8')).toBe(BASE);
  });

  it('uninstall leaves an [otel] table the user wrote in place of Beacon\'s (no marker), says why, and exits non-zero', async () => {
    const s = await sandbox({ config: BASE });
    const cfg = join(s.codexHome, 'config.toml');
    expect((await s.beacon(['endpoint', 'install', '--no-start', '--otlp-http-port', String(s.port)])).code).toBe(0);
    const theirs = BASE + '\n[otel]\nexporter = { otlp-http = { endpoint = "https://otel.example.com/v1/logs", protocol = "json" } }\n';
    writeFileSync(cfg, theirs);
    const u = await s.beacon(['endpoint', 'uninstall', '--json']);
    expect(u.code).toBe(1);
    const rep = parseJsonOut(u);
    expect(rep.left_behind).toEqual([expect.objectContaining({ item: cfg, reason: expect.stringContaining("is no longer Beacon's block (its marker comment is gone") })]);
    expect(readFileSync(cfg, 'utf8')).toBe(theirs);
    expect(existsSync(join(s.beaconDir, 'config.json'))).toBe(false); // the rest still went
  });

  it('--keep-logs keeps the runtime log', async () => {
    const s = await sandbox({ config: BASE });
    expect((await s.beacon(['endpoint', 'install', '--otlp-http-port', String(s.port)])).code).toBe(0);
    expect((await s.beacon(['endpoint', 'test-event'])).code).toBe(0);
    const u = await s.beacon(['endpoint', 'uninstall', '--keep-logs']);
    expect(u.code, u.stdout).toBe(0);
    expect(readFileSync(s.userLog, 'utf8')).toContain('otel.beacon.validation');
    expect((await probeCollector(s.port)).kind).toBe('none');
  });
});

describe('endpoint repair', () => {
  it('re-applies a removed block, restarts a stopped collector, keeps the single original and makes no backups', async () => {
    const s = await sandbox({ config: BASE });
    const cfg = join(s.codexHome, 'config.toml');
    expect((await s.beacon(['endpoint', 'install', '--otlp-http-port', String(s.port)])).code).toBe(0);
    const installed = readFileSync(cfg, 'utf8');
    const pid1 = readJson(s.manifest).collector.pid;
    process.kill(pid1, 'SIGTERM');
    for (let i = 0; i < 200 && (await probeCollector(s.port)).kind !== 'none'; i++) await new Promise((r) => setTimeout(r, 50));
    writeFileSync(cfg, BASE); // the user (or another tool) dropped our block
    unlinkSync(s.userLog);

    const r = await s.beacon(['endpoint', 'repair', '--json']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(cfg, 'utf8')).toBe(installed);
    const probe = await probeCollector(s.port);
    expect(probe.kind).toBe('beacon');
    expect(existsSync(s.userLog)).toBe(true);
    const m = readJson(s.manifest);
    expect(m.codex_files[0].record.before).toBe(BASE);
    expect(m.collector.started_by).toBe('repair');
    expect(readdirSync(s.codexHome)).toEqual(['config.toml']);

    const u = await s.beacon(['endpoint', 'uninstall']);
    expect(u.code, u.stdout).toBe(0);
    expect(readFileSync(cfg, 'utf8')).toBe(BASE);
    expect((await probeCollector(s.port)).kind).toBe('none');
  });

  it('says so when nothing is installed', async () => {
    const s = await sandbox({ config: BASE });
    const r = await s.beacon(['endpoint', 'repair']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('not installed');
  });
});

describe('services and system mode', () => {
  it('--service installs the user unit through the service runner and uninstall removes it', async () => {
    const s = await sandbox({ config: BASE });
    const calls = join(s.root, 'service-calls.jsonl');
    const env = { BEACON_SERVICE_RUNNER: `record:${calls}`, BEACON_SERVICE_KIND: 'systemd' };
    const r = await s.beacon(['endpoint', 'install', '--service', '--no-start', '--otlp-http-port', String(s.port)], env);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const unit = join(s.home, '.config/systemd/user/beacon-collector.service');
    expect(readFileSync(unit, 'utf8')).toMatch(/ExecStart=.*index\.js endpoint run/);
    expect(existsSync(calls)).toBe(false); // --no-start: written, not loaded

    // Now really load it (the recorder answers success; the test plays the service's collector).
    const svc = await startEndpointRun(['--port', String(s.port), '--log-path', s.userLog], s.env);
    try {
      const r2 = await s.beacon(['endpoint', 'install', '--service', '--otlp-http-port', String(s.port)], env);
      expect(r2.code, r2.stdout + r2.stderr).toBe(0);
      const recorded = readFileSync(calls, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
      expect(recorded.map((c) => [c.command, ...c.args].join(' '))).toEqual([
        'systemctl --user daemon-reload',
        'systemctl --user enable beacon-collector.service',
        'systemctl --user restart beacon-collector.service',
        'systemctl --user is-active beacon-collector.service',
      ]);
      const st = parseJsonOut(await s.beacon(['endpoint', 'status', '--json'], env));
      expect(st.service).toMatchObject({ kind: 'systemd', installed: true, running: true });

      const u = await s.beacon(['endpoint', 'uninstall'], env);
      expect(u.code, u.stdout).toBe(0);
      expect(existsSync(unit)).toBe(false);
      expect(readFileSync(calls, 'utf8')).toContain('"disable","--now","beacon-collector.service"');
      expect(readFileSync(join(s.codexHome, 'config.toml'), 'utf8')).toBe(BASE);
    } finally {
      await svc.stop();
    }
  });

  it('launchd: writes the LaunchAgent plist (recorded bootstrap)', async () => {
    const s = await sandbox({ config: BASE });
    const calls = join(s.root, 'calls.jsonl');
    const env = { BEACON_SERVICE_RUNNER: `record:${calls}`, BEACON_SERVICE_KIND: 'launchd' };
    const r = await s.beacon(['endpoint', 'install', '--service', '--no-start', '--otlp-http-port', String(s.port)], env);
    expect(r.code, r.stdout).toBe(0);
    const plist = join(s.home, 'Library/LaunchAgents/com.beacon.endpoint.collector.user.plist');
    expect(readFileSync(plist, 'utf8')).toContain('<string>endpoint</string>');
    const u = await s.beacon(['endpoint', 'uninstall'], env);
    expect(u.code).toBe(0);
    expect(existsSync(plist)).toBe(false);
    expect(readFileSync(calls, 'utf8')).toContain('"bootout"');
  });

  it('--system writes /etc/codex/config.toml (or requirements.toml with --enforce) and a 0750 log dir under BEACON_SYSTEM_ROOT', async () => {
    const s = await sandbox({ config: BASE });
    const r = await s.beacon(['endpoint', 'install', '--system', '--no-start', '--otlp-http-port', String(s.port)]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const sysCfg = join(s.systemRoot, 'etc/codex/config.toml');
    expect(readFileSync(sysCfg, 'utf8')).toContain(`127.0.0.1:${s.port}/v1/logs`);
    const logDir = join(s.systemRoot, 'var/log/beacon-agent');
    expect(statSync(logDir).mode & 0o777).toBe(0o750);
    expect(readJson(join(s.systemRoot, 'etc/beacon/endpoint/config.json')).mode).toBe('system');
    expect(readFileSync(join(s.codexHome, 'config.toml'), 'utf8')).toBe(BASE); // the user's file is not the system install's
    expect((await s.beacon(['endpoint', 'uninstall', '--system'])).code).toBe(0);
    expect(existsSync(sysCfg)).toBe(false);

    const e = await s.beacon(['endpoint', 'install', '--system', '--enforce', '--no-start', '--otlp-http-port', String(s.port)]);
    expect(e.code, e.stdout).toBe(0);
    expect(readFileSync(join(s.systemRoot, 'etc/codex/requirements.toml'), 'utf8')).toContain('[otel]');
    const bad = await s.beacon(['endpoint', 'install', '--enforce', '--no-start']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--enforce only applies with --system');
  });
});
