/**
 * resources/bin/beacon, the shim behind /opt/beacon/bin/beacon: which Beacon.app it picks, and
 * that arguments, environment and exit status pass through. The app binary is a stub that
 * prints what it was given (the packaged CLI itself is exercised in app-bundle.test.ts).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO } from './helpers/fake-volume';

const ENTRY = 'Contents/Resources/app.asar/out/electron/cli/index.js';

describe('the beacon shim', () => {
  let tmp: string;

  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'beacon-shim-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  /** A Beacon.app whose binary prints its name, argv (one per line) and env, then exits $STUB_EXIT. */
  function makeApp(dir: string, name: string): string {
    const app = join(dir, 'Beacon.app');
    mkdirSync(join(app, 'Contents', 'MacOS'), { recursive: true });
    cpSync(join(REPO, 'resources', 'bin'), join(app, 'Contents', 'Resources', 'bin'), { recursive: true });
    const bin = join(app, 'Contents', 'MacOS', 'Beacon');
    writeFileSync(
      bin,
      `#!/bin/sh\necho "app=${name}"\necho "RUN_AS_NODE=$ELECTRON_RUN_AS_NODE NODE_OPTIONS=\${NODE_OPTIONS-unset}"\nfor a in "$@"; do echo "arg=$a"; done\nexit "\${STUB_EXIT:-0}"\n`,
    );
    chmodSync(bin, 0o755);
    return app;
  }

  function run(cmd: string, args: string[], env: Record<string, string> = {}) {
    return spawnSync(cmd, args, { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: join(tmp, 'home'), ...env } });
  }

  it('runs its own bundle in Node mode on the CLI entry, reached through a chain of symlinks', () => {
    const app = makeApp(join(tmp, 'Applications'), 'bundle');
    mkdirSync(join(tmp, 'opt', 'beacon', 'bin'), { recursive: true });
    mkdirSync(join(tmp, 'usr-local-bin'));
    // absolute link, then a relative link to that link
    symlinkSync(join(app, 'Contents', 'Resources', 'bin', 'beacon'), join(tmp, 'opt', 'beacon', 'bin', 'beacon'));
    symlinkSync('../opt/beacon/bin/beacon', join(tmp, 'usr-local-bin', 'beacon'));
    const r = run(join(tmp, 'usr-local-bin', 'beacon'), ['endpoint', 'status', '--json', 'two words', ''], { NODE_OPTIONS: '--require /tmp/evil.js' });
    expect(r.stderr).toBe('');
    expect(r.stdout.split('\n')).toEqual([
      'app=bundle',
      'RUN_AS_NODE=1 NODE_OPTIONS=unset',
      `arg=${join(app, ENTRY)}`,
      'arg=endpoint',
      'arg=status',
      'arg=--json',
      'arg=two words',
      'arg=',
      '',
    ]);
  });

  it('passes the exit status through', () => {
    const app = makeApp(join(tmp, 'a'), 'bundle');
    const r = run(join(app, 'Contents', 'Resources', 'bin', 'beacon'), ['ci', 'finish'], { STUB_EXIT: '3' });
    expect(r.status).toBe(3);
  });

  it('BEACON_APP wins over the bundle it lives in', () => {
    const own = makeApp(join(tmp, 'own'), 'own');
    const other = makeApp(join(tmp, 'other'), 'other');
    const r = run(join(own, 'Contents', 'Resources', 'bin', 'beacon'), ['--version'], { BEACON_APP: other });
    expect(r.stdout).toMatch(/^app=other\n/);
    expect(r.stdout).toContain(`arg=${join(other, ENTRY)}`);
  });

  it('a copy outside any bundle finds ~/Applications/Beacon.app', () => {
    // The /Applications fallback comes first; it must not exist on this (Linux) test machine.
    expect(existsSync('/Applications/Beacon.app'), '/Applications/Beacon.app exists on the test machine').toBe(false);
    makeApp(join(tmp, 'home', 'Applications'), 'home');
    mkdirSync(join(tmp, 'opt'));
    cpSync(join(REPO, 'resources', 'bin', 'beacon'), join(tmp, 'opt', 'beacon'));
    const r = run(join(tmp, 'opt', 'beacon'), ['endpoint', 'status']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^app=home\n/);
  });

  it('says what is missing, and exits 127, when there is no app', () => {
    mkdirSync(join(tmp, 'opt'));
    cpSync(join(REPO, 'resources', 'bin', 'beacon'), join(tmp, 'opt', 'beacon'));
    const r = run(join(tmp, 'opt', 'beacon'), ['--version']);
    expect(r.status).toBe(127);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^beacon: cannot find Beacon\.app .*set BEACON_APP=/);
  });

  it('rejects a BEACON_APP that is not a Beacon.app instead of guessing', () => {
    const app = makeApp(join(tmp, 'a'), 'bundle');
    const r = run(join(app, 'Contents', 'Resources', 'bin', 'beacon'), ['--version'], { BEACON_APP: join(tmp, 'nowhere', 'Beacon.app') });
    expect(r.status).toBe(127);
    expect(r.stderr).toMatch(/BEACON_APP=.*nowhere\/Beacon\.app is not a Beacon\.app/);
  });
});
