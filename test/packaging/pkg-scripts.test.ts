/**
 * The pkg preinstall/postinstall and beacon-uninstall, run for real (/bin/sh) against a fake
 * target volume ($3) with fake launchctl/chown/stat/dscl/id/sudo/sleep/pkgutil that record their
 * calls (helpers/fake-volume.ts). Beacon.app's binary is a recording stub, so these tests pin the
 * scripts' contract with the CLI (which commands, which environment) without needing it.
 * What only a Mac can show (real launchd, real ownership, Installer itself) runs in
 * .github/workflows/release-macos.yml.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync, writeFileSync, mkdirSync, chmodSync, rmSync } from 'node:fs';
import { FakeVolume, LABEL, REPO, type Call } from './helpers/fake-volume';

const DAEMON_PLIST = `Library/LaunchDaemons/${LABEL}.plist`;
const USER_OTEL_CONFIG = 'model = "o4"\n\n[otel]\nexporter = "none"\n';

function launchctl(calls: Call[]): string[] {
  return calls.filter((c) => c.tool === 'launchctl').map((c) => c.args.join(' '));
}

function appCalls(v: FakeVolume): { args: string[]; env: string }[] {
  return v.calls('app').map((c) => ({ args: c.args.slice(1, -1), env: c.args[c.args.length - 1] }));
}

function chowns(v: FakeVolume): string[] {
  return v.calls('chown').map((c) => c.args.map((a) => a.replace(v.root, '$VOL')).join(' '));
}

describe('pkg scripts on a fake volume', () => {
  let v: FakeVolume;

  beforeEach(() => {
    v = new FakeVolume();
  });
  afterEach(() => v.cleanup());

  function install(env: Record<string, string> = {}): void {
    const pre = v.preinstall(env);
    expect(pre.status, pre.stderr + pre.stdout).toBe(0);
    v.installPayload();
    const post = v.postinstall(env);
    expect(post.status, post.stderr + post.stdout).toBe(0);
  }

  it('a fresh install puts the shim, the daemon and a private log directory in place', () => {
    v.addUser('alice', USER_OTEL_CONFIG);
    install({ FAKE_CONSOLE_USER: 'alice' });

    for (const name of ['beacon', 'beacon-uninstall']) {
      expect(v.mode(`opt/beacon/bin/${name}`)).toBe(0o755);
      expect(v.read(`opt/beacon/bin/${name}`)).toBe(readFileSync(join(REPO, 'resources', 'bin', name), 'utf8'));
    }
    expect(v.read('etc/paths.d/beacon')).toBe('/opt/beacon/bin\n');

    expect(v.mode(DAEMON_PLIST)).toBe(0o644);
    expect(v.read(DAEMON_PLIST)).toBe(readFileSync(join(REPO, 'resources', 'launchd', `${LABEL}.plist`), 'utf8'));

    // 0750 / 0640, root:admin; the stub CLI created runtime.jsonl 0644 and it was tightened.
    expect(v.mode('var/log/beacon-agent')).toBe(0o750);
    expect(v.mode('var/log/beacon-agent/runtime.jsonl')).toBe(0o640);
    expect(v.mode('var/log/beacon-agent/install.log')).toBe(0o640);
    const owners = chowns(v);
    expect(owners).toContain('root:admin $VOL/var/log/beacon-agent');
    expect(owners).toContain('root:admin $VOL/var/log/beacon-agent/runtime.jsonl');
    expect(owners).toContain(`root:wheel $VOL/${DAEMON_PLIST}`);
    expect(owners).toContain('-R root:wheel $VOL/opt/beacon');

    // launchctl, in order: preinstall stops the old one, postinstall enables and (re)starts.
    expect(launchctl(v.calls())).toEqual([
      `bootout system/${LABEL}`,
      `enable system/${LABEL}`,
      `bootout system/${LABEL}`,
      `bootstrap system ${v.root}/${DAEMON_PLIST}`,
    ]);
    expect(v.loadedServices()).toEqual([LABEL]);

    // The CLI ran through the shim in Node mode, with system paths on the target volume.
    const [system, user] = appCalls(v);
    expect(system.args).toEqual(['endpoint', 'install', '--system', '--harness', 'codex', '--no-start', '--json']);
    expect(system.env).toContain('ELECTRON_RUN_AS_NODE=1');
    expect(system.env).toContain(`BEACON_SYSTEM_ROOT=${v.root}`);
    expect(v.calls('app')[0].args[0]).toBe(join(v.app, 'Contents/Resources/app.asar/out/electron/cli/index.js'));

    // alice's own [otel] would override /etc/codex, so her config was done as alice, in her home.
    expect(v.calls('sudo')[0].args.slice(0, 2)).toEqual(['-u', 'alice']);
    expect(user.args).toEqual(['endpoint', 'install', '--user', '--harness', 'codex', '--config-only', '--json']);
    expect(user.env).toContain(`HOME=${v.root}/Users/alice`);
    expect(v.read('opt/beacon/var/configured-users')).toBe('alice\n');

    const log = v.read('var/log/beacon-agent/install.log');
    expect(log).toMatch(/preinstall: system\/com.beacon.endpoint.collector was not running/);
    expect(log).toMatch(/postinstall: started system\/com.beacon.endpoint.collector/);
  });

  it('never leaves anything in the log directory readable by other users', () => {
    install();
    const tree = v.tree();
    for (const [path, entry] of tree) {
      if (!path.startsWith('var/log/beacon-agent')) continue;
      const mode = parseInt(entry.split(' ')[1], 8);
      expect(mode & 0o007, `${path} ${entry.split(' ')[1]}`).toBe(0);
      expect(mode & 0o020, `${path} group-writable`).toBe(0);
    }
  });

  it('repairs a world-writable runtime log left by the Go agent-beacon', () => {
    mkdirSync(join(v.root, 'var/log/beacon-agent'), { recursive: true });
    chmodSync(join(v.root, 'var/log/beacon-agent'), 0o755);
    for (const f of ['runtime.jsonl', 'runtime.jsonl.1', '.lock']) {
      writeFileSync(join(v.root, 'var/log/beacon-agent', f), '{}\n');
      chmodSync(join(v.root, 'var/log/beacon-agent', f), 0o666);
    }
    install();
    expect(v.mode('var/log/beacon-agent')).toBe(0o750);
    expect(v.mode('var/log/beacon-agent/runtime.jsonl')).toBe(0o640);
    expect(v.mode('var/log/beacon-agent/runtime.jsonl.1')).toBe(0o640);
    expect(v.mode('var/log/beacon-agent/.lock')).toBe(0o640);
    expect(v.read('var/log/beacon-agent/runtime.jsonl')).toBe('{}\n');
  });

  it('an upgrade (second install) restarts the running daemon and converges on the same files', () => {
    v.addUser('alice', USER_OTEL_CONFIG);
    install({ FAKE_CONSOLE_USER: 'alice' });
    const first = v.tree();
    v.clearCalls();

    install({ FAKE_CONSOLE_USER: 'alice' });
    // The running collector is stopped (preinstall) and the new one bootstrapped (postinstall).
    expect(launchctl(v.calls())).toEqual([
      `bootout system/${LABEL}`,
      `enable system/${LABEL}`,
      `bootout system/${LABEL}`,
      `bootstrap system ${v.root}/${DAEMON_PLIST}`,
    ]);
    expect(v.read('var/log/beacon-agent/install.log')).toMatch(/preinstall: stopped system\/com.beacon.endpoint.collector/);
    expect(v.loadedServices()).toEqual([LABEL]);

    const second = v.tree();
    const changed = [...second.keys()].filter((k) => second.get(k) !== first.get(k));
    // Only the logs grow (and the stub's fake config edit repeats in alice's config).
    expect(changed.filter((k) => !/install\.log$|Users\/alice\/\.codex/.test(k))).toEqual([]);
    expect([...first.keys()].filter((k) => !second.has(k))).toEqual([]);
    expect(v.read('opt/beacon/var/configured-users')).toBe('alice\n');
  });

  it('postinstall alone, run again while the daemon runs, restarts it', () => {
    install();
    v.clearCalls();
    const again = v.postinstall();
    expect(again.status, again.stdout).toBe(0);
    expect(launchctl(v.calls())).toEqual([`enable system/${LABEL}`, `bootout system/${LABEL}`, `bootstrap system ${v.root}/${DAEMON_PLIST}`]);
    expect(again.stdout).toMatch(/stopped the running system\/com.beacon.endpoint.collector/);
    expect(v.loadedServices()).toEqual([LABEL]);
  });

  it('the bundle-level second invocation (electron-builder#8166) does nothing', () => {
    v.installPayload();
    const before = v.tree();
    const pre = v.run(join(REPO, 'build/pkg-scripts/preinstall'), ['/tmp/Beacon.pkg', '/Applications/Beacon.app', v.root]);
    const post = v.postinstall({}, '/Applications/Beacon.app');
    expect([pre.status, post.status]).toEqual([0, 0]);
    expect(v.calls()).toEqual([]);
    expect(v.tree()).toEqual(before);
  });

  it('retries a transient launchctl bootstrap failure', () => {
    v.setBootstrapFailures(2);
    install();
    expect(launchctl(v.calls()).filter((c) => c.startsWith('bootstrap'))).toHaveLength(3);
    expect(v.calls('sleep')).toHaveLength(2);
    expect(v.loadedServices()).toEqual([LABEL]);
    expect(v.read('var/log/beacon-agent/install.log')).toMatch(/bootstrap attempt 1 failed: Bootstrap failed: 5: Input\/output error/);
  });

  it('fails the install, with the reason in the log, when the daemon never starts', () => {
    v.setBootstrapFailures(99);
    v.installPayload();
    const post = v.postinstall();
    expect(post.status).toBe(1);
    expect(launchctl(v.calls()).filter((c) => c.startsWith('bootstrap'))).toHaveLength(5);
    expect(v.read('var/log/beacon-agent/install.log')).toMatch(/ERROR: could not start system\/com.beacon.endpoint.collector after 5 attempts/);
  });

  it('fails the install when beacon endpoint install --system fails, and starts nothing', () => {
    v.installPayload();
    const post = v.postinstall({ FAKE_BEACON_FAIL: '1' });
    expect(post.status).toBe(1);
    expect(post.stdout).toMatch(/ERROR: beacon endpoint install --system --harness codex failed: beacon: simulated failure/);
    expect(launchctl(v.calls()).filter((c) => c.startsWith('bootstrap'))).toEqual([]);
  });

  it('refuses to run a bundle not owned by root as a root daemon', () => {
    v.installPayload();
    const post = v.postinstall({ FAKE_APP_OWNER_UID: '501' });
    expect(post.status).toBe(1);
    expect(post.stdout).toMatch(/owned by uid 501, not root/);
    expect(v.exists('opt/beacon')).toBe(false);
    expect(v.calls('launchctl')).toEqual([]);
  });

  it('fails clearly when the payload is missing', () => {
    const post = v.postinstall();
    expect(post.status).toBe(1);
    expect(post.stdout).toMatch(/Beacon\.app is missing/);
  });

  it.each([
    ['no console user (login window)', 'loginwindow', USER_OTEL_CONFIG],
    ['root at the console', 'root', USER_OTEL_CONFIG],
    ['Setup Assistant', '_mbsetupuser', USER_OTEL_CONFIG],
    ['a console user whose config has no [otel] (the /etc/codex layer applies)', 'bob', 'model = "o4"\n[otel_notes]\nx = 1\n'],
    ['a console user without a Codex config', 'bob', undefined],
  ])('leaves per-user Codex config alone for %s', (_what, user, config) => {
    const home = v.addUser(user, config);
    install({ FAKE_CONSOLE_USER: user });
    expect(v.calls('sudo')).toEqual([]);
    expect(appCalls(v).map((c) => c.args.join(' '))).toEqual(['endpoint install --system --harness codex --no-start --json']);
    if (config !== undefined) expect(readFileSync(join(home, '.codex/config.toml'), 'utf8')).toBe(config);
    expect(v.exists('opt/beacon/var/configured-users')).toBe(false);
  });

  it.each([
    ['[otel.exporter] subtable', '[otel.exporter.otlp-http]\nendpoint = "http://x"\n'],
    ['dotted otel key', 'otel.environment = "prod"\n'],
  ])('configures the console user when their config has a %s', (_what, config) => {
    v.addUser('carol', config);
    install({ FAKE_CONSOLE_USER: 'carol', FAKE_DSCL_WRAP: '1' });
    expect(v.calls('sudo').map((c) => c.args[1])).toEqual(['carol']);
    expect(appCalls(v)[1].env).toContain(`HOME=${v.root}/Users/carol`);
  });

  it('a failed per-user config is a warning, not a failed install', () => {
    v.addUser('alice', USER_OTEL_CONFIG);
    v.installPayload();
    const post = v.postinstall({ FAKE_CONSOLE_USER: 'alice', FAKE_BEACON_FAIL_USER: '1' });
    expect(post.status, post.stdout).toBe(0);
    expect(post.stdout).toMatch(/WARNING: could not configure .*Users\/alice\/\.codex\/config\.toml for alice: beacon: config.toml is not valid TOML/);
    expect(v.read('Users/alice/.codex/config.toml')).toBe(USER_OTEL_CONFIG);
    expect(v.exists('opt/beacon/var/configured-users')).toBe(false);
    expect(v.loadedServices()).toEqual([LABEL]);
  });
});

describe('beacon-uninstall on a fake volume', () => {
  let v: FakeVolume;

  beforeEach(() => {
    v = new FakeVolume();
  });
  afterEach(() => v.cleanup());

  function installAll(): Map<string, string> {
    v.addUser('alice', USER_OTEL_CONFIG);
    const before = v.tree();
    expect(v.preinstall({ FAKE_CONSOLE_USER: 'alice' }).status).toBe(0);
    v.installPayload();
    const post = v.postinstall({ FAKE_CONSOLE_USER: 'alice' });
    expect(post.status, post.stdout).toBe(0);
    expect(v.read('Users/alice/.codex/config.toml')).not.toBe(USER_OTEL_CONFIG);
    v.clearCalls();
    return before;
  }

  function uninstall(args: string[] = [], env: Record<string, string> = {}) {
    return v.run(join(v.root, 'opt/beacon/bin/beacon-uninstall'), ['--root', v.root, ...args], env);
  }

  it('removes everything the package added and restores the Codex configs', () => {
    const before = installAll();
    const r = uninstall();
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Beacon is removed/);

    const after = v.tree();
    expect([...after.keys()].filter((k) => !before.has(k))).toEqual([]);
    expect([...before.keys()].filter((k) => !after.has(k))).toEqual([]);
    for (const [k, val] of before) expect(after.get(k), k).toBe(val);

    expect(launchctl(v.calls())[0]).toBe(`bootout system/${LABEL}`);
    expect(v.loadedServices()).toEqual([]);
    const cli = appCalls(v).map((c) => c.args.join(' '));
    expect(cli).toEqual(['endpoint uninstall --user --config-only --json', 'endpoint uninstall --system --json']);
    expect(v.calls('sudo')[0].args.slice(0, 2)).toEqual(['-u', 'alice']);
    expect(v.calls('pkgutil').map((c) => c.args.join(' '))).toEqual([
      `--volume ${v.root} --pkg-info com.beacon.endpoint`,
      `--volume ${v.root} --forget com.beacon.endpoint`,
    ]);
    expect(readFileSync(join(v.state, 'receipts'), 'utf8')).toBe('');
  });

  it('--keep-logs keeps the runtime log and says so', () => {
    installAll();
    writeFileSync(join(v.root, 'var/log/beacon-agent/runtime.jsonl'), '{"event":1}\n');
    const r = uninstall(['--keep-logs']);
    expect(r.status, r.stderr).toBe(0);
    expect(v.read('var/log/beacon-agent/runtime.jsonl')).toBe('{"event":1}\n');
    expect(appCalls(v).at(-1)?.args).toEqual(['endpoint', 'uninstall', '--system', '--json', '--keep-logs']);
    expect(v.exists('opt/beacon')).toBe(false);
    expect(v.exists(DAEMON_PLIST)).toBe(false);
  });

  it('--keep-app keeps Beacon.app', () => {
    installAll();
    expect(uninstall(['--keep-app']).status).toBe(0);
    expect(v.exists('Applications/Beacon.app/Contents/MacOS/Beacon')).toBe(true);
    expect(v.exists('opt/beacon')).toBe(false);
  });

  it('refuses to run without root', () => {
    installAll();
    const r = uninstall([], { FAKE_UID: '501' });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/must run as root/);
    expect(v.exists('opt/beacon/bin/beacon')).toBe(true);
  });

  it('rejects an unknown option without touching anything', () => {
    installAll();
    const r = uninstall(['--keep-everything']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/unknown option: --keep-everything/);
    expect(v.calls()).toEqual([]);
  });

  it('still removes the files when the app is already gone, and reports what it could not do', () => {
    installAll();
    rmSync(v.app, { recursive: true });
    const r = uninstall();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Codex configs were not restored/);
    expect(v.exists('opt/beacon')).toBe(false);
    expect(v.exists(DAEMON_PLIST)).toBe(false);
    expect(v.exists('var/log/beacon-agent')).toBe(false);
  });
});
