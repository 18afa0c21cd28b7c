import { describe, expect, it, beforeEach, afterEach } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchdPlist, systemdUnit } from '../../electron/endpoint/services/unit-files';
import { ServiceManager, serviceFile } from '../../electron/endpoint/services/service-manager';
import type { ServiceRunner } from '../../electron/endpoint/services/service-runner';

/** A recording stand-in for launchctl/systemctl: the only thing these tests fake. */
function recordingRunner(answers: Record<string, { code: number; stdout?: string }> = {}) {
  const calls: string[] = [];
  const runner: ServiceRunner = {
    async run(cmd, args) {
      const line = `${cmd} ${args.join(' ')}`;
      calls.push(line);
      const a = Object.entries(answers).find(([prefix]) => line.startsWith(prefix))?.[1];
      return { code: a?.code ?? 0, stdout: a?.stdout ?? '', stderr: a && a.code !== 0 ? 'failed' : '' };
    },
  };
  return { runner, calls };
}

const spec = (mode: 'user' | 'system') => ({
  mode,
  programArguments: [process.execPath, '/opt/beacon/cli & "quoted".js', 'endpoint', 'run', ...(mode === 'system' ? ['--system'] : [])],
  stdoutPath: '/var/log/beacon-agent/collector.out.log',
  stderrPath: '/var/log/beacon-agent/collector.err.log',
  env: { BEACON_MODE: mode },
});

describe('service definitions', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'beacon-svc-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it.each(['user', 'system'] as const)('%s launchd plist parses with python3 plistlib and runs the collector', (mode) => {
    const file = join(dir, 'x.plist');
    writeFileSync(file, launchdPlist(spec(mode)));
    const out = execFileSync('python3', ['-c', 'import plistlib,sys,json; print(json.dumps(plistlib.load(open(sys.argv[1],"rb"))))', file], { encoding: 'utf8' });
    const plist = JSON.parse(out);
    expect(plist.Label).toBe(mode === 'system' ? 'com.beacon.endpoint.collector' : 'com.beacon.endpoint.collector.user');
    expect(plist.ProgramArguments).toEqual(spec(mode).programArguments);
    expect(plist.RunAtLoad).toBe(true);
    expect(plist.KeepAlive).toBe(true);
    expect(plist.EnvironmentVariables).toEqual({ BEACON_MODE: mode });
  });

  it.each(['user', 'system'] as const)('%s systemd unit passes systemd-analyze verify', (mode) => {
    const file = join(dir, 'beacon-collector.service');
    writeFileSync(file, systemdUnit({ ...spec(mode), programArguments: [process.execPath, '-e', 'setTimeout(()=>{},1)'] }));
    const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
    if (r.error) throw new Error(`systemd-analyze is required for this test (apt package systemd): ${r.error.message}`);
    // verify prints problems with *our* unit prefixed by its path; other system noise is not ours.
    const ours = (r.stderr + r.stdout).split('\n').filter((l) => l.includes('beacon-collector.service'));
    expect(ours).toEqual([]);
    expect(readFileSync(file, 'utf8')).toContain(`WantedBy=${mode === 'system' ? 'multi-user.target' : 'default.target'}`);
  });
});

describe('ServiceManager through the narrow runner interface', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'beacon-svc-home-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('installs a user LaunchAgent: bootout (upgrade-safe) then bootstrap in the gui domain; uninstall removes the plist', async () => {
    const { runner, calls } = recordingRunner({ 'launchctl print': { code: 0, stdout: 'state = running' } });
    const env = { HOME: home };
    const mgr = new ServiceManager(runner, 'launchd', env, 501);
    const st = await mgr.install(spec('user'));
    const file = serviceFile('launchd', 'user', env);
    expect(existsSync(file)).toBe(true);
    expect(calls.slice(0, 2)).toEqual(['launchctl bootout gui/501/com.beacon.endpoint.collector.user', `launchctl bootstrap gui/501 ${file}`]);
    expect(st).toMatchObject({ installed: true, running: true });
    const un = await mgr.uninstall('user');
    expect(un.removed).toBe(true);
    expect(existsSync(file)).toBe(false);
  });

  it('reports a failed bootstrap instead of pretending the service runs', async () => {
    const { runner } = recordingRunner({ 'launchctl bootstrap': { code: 5 } });
    const mgr = new ServiceManager(runner, 'launchd', { HOME: home }, 501);
    await expect(mgr.install(spec('user'))).rejects.toThrow(/bootstrap .* failed/);
  });

  it('installs a systemd system unit under the system root with daemon-reload, enable, restart', async () => {
    const { runner, calls } = recordingRunner({ 'systemctl is-active': { code: 0, stdout: 'active\n' } });
    const env = { HOME: home, BEACON_SYSTEM_ROOT: home };
    const mgr = new ServiceManager(runner, 'systemd', env);
    const st = await mgr.install(spec('system'));
    expect(st.file).toBe(join(home, 'etc/systemd/system/beacon-collector.service'));
    expect(calls).toEqual(['systemctl daemon-reload', 'systemctl enable beacon-collector.service', 'systemctl restart beacon-collector.service', 'systemctl is-active beacon-collector.service']);
    expect(st.running).toBe(true);
  });

  it('user systemd calls carry --user and status says not running when inactive', async () => {
    const { runner, calls } = recordingRunner({ 'systemctl --user is-active': { code: 3, stdout: 'inactive\n' } });
    const mgr = new ServiceManager(runner, 'systemd', { HOME: home });
    const st = await mgr.status('user');
    expect(calls).toEqual(['systemctl --user is-active beacon-collector.service']);
    expect(st).toMatchObject({ installed: false, running: false, detail: 'inactive' });
  });
});
