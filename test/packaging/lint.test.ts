/**
 * Static checks on what goes into the package: every shell script passes shellcheck as POSIX sh
 * and is executable; every plist parses with python3 plistlib (stricter than the npm `plist`
 * parser or plistutil) and says what launchd / codesign need; the release workflow keeps the
 * guarantees the release depends on.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { REPO } from './helpers/fake-volume';

// js-yaml comes with electron-builder; it has no bundled types.
const { load: loadYaml } = require('js-yaml') as { load(text: string): unknown };

const SCRIPTS = [
  ...readdirSync(join(REPO, 'build', 'pkg-scripts')).map((f) => join('build', 'pkg-scripts', f)),
  ...readdirSync(join(REPO, 'resources', 'bin')).map((f) => join('resources', 'bin', f)),
];

function plists(dir: string): string[] {
  return readdirSync(join(REPO, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.plist'))
    .map((f) => join(dir, f));
}
const PLISTS = [...plists('build'), ...plists('resources')];

function plist(rel: string): Record<string, unknown> {
  const r = spawnSync('python3', ['-c', 'import plistlib,sys,json; print(json.dumps(plistlib.load(open(sys.argv[1],"rb"))))', join(REPO, rel)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${rel}: ${r.stderr.trim().split('\n').pop()}`);
  return JSON.parse(r.stdout);
}

describe('shell scripts', () => {
  it('there are the scripts we ship', () => {
    expect(SCRIPTS.sort()).toEqual(['build/pkg-scripts/postinstall', 'build/pkg-scripts/preinstall', 'resources/bin/beacon', 'resources/bin/beacon-uninstall']);
  });

  it.each(SCRIPTS)('%s is shellcheck-clean POSIX sh, executable, with a #!/bin/sh line', (rel) => {
    const r = spawnSync('shellcheck', ['-s', 'sh', '-S', 'style', join(REPO, rel)], { encoding: 'utf8' });
    if (r.error) throw new Error(`shellcheck is not installed (apt-get install shellcheck): ${r.error.message}`);
    expect(r.stdout + r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(statSync(join(REPO, rel)).mode & 0o111).toBe(0o111);
    expect(readFileSync(join(REPO, rel), 'utf8').split('\n')[0]).toBe('#!/bin/sh');
  });
});

describe('plists', () => {
  it('there are the plists we ship', () => {
    expect(PLISTS.sort()).toEqual(['build/entitlements.mac.inherit.plist', 'build/entitlements.mac.plist', 'resources/launchd/com.beacon.endpoint.collector.plist']);
  });

  it.each(PLISTS)('%s parses with plistlib', (rel) => {
    expect(() => plist(rel)).not.toThrow();
  });

  it('plistlib is strict enough to catch a key without a value', () => {
    const r = spawnSync('python3', ['-c', 'import plistlib; plistlib.loads(b"<plist version=\\"1.0\\"><dict><key>Label</key></dict></plist>")'], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
  });

  it('the LaunchDaemon runs the system collector through the shim and keeps it alive', () => {
    const d = plist('resources/launchd/com.beacon.endpoint.collector.plist');
    expect(d.Label).toBe('com.beacon.endpoint.collector');
    expect(d.ProgramArguments).toEqual(['/opt/beacon/bin/beacon', 'endpoint', 'run', '--system']);
    expect(d.RunAtLoad).toBe(true);
    expect(d.KeepAlive).toBe(true);
    expect(d.AssociatedBundleIdentifiers).toEqual(['com.beacon.endpoint']);
    expect(d.Umask).toBe(0o027);
    expect(d.StandardErrorPath).toMatch(/^\/var\/log\/beacon-agent\//);
    expect(d.UserName).toBeUndefined(); // a daemon without UserName runs as root, which system mode needs
  });

  it('the hardened runtime gets JIT (the main binary also runs the CLI) and nothing broader', () => {
    for (const rel of ['build/entitlements.mac.plist', 'build/entitlements.mac.inherit.plist']) {
      expect(plist(rel)).toEqual({ 'com.apple.security.cs.allow-jit': true });
    }
  });
});

describe('.github/workflows/release-macos.yml', () => {
  const text = readFileSync(join(REPO, '.github', 'workflows', 'release-macos.yml'), 'utf8');
  const wf = loadYaml(text) as { on: Record<string, unknown>; jobs: Record<string, { 'runs-on': string; steps: { name?: string; run?: string; uses?: string }[] }> };
  const allRuns = Object.values(wf.jobs).flatMap((j) => j.steps.map((s) => s.run ?? '')).join('\n');

  it('runs on macOS for v* tags', () => {
    expect((wf.on.push as { tags: string[] }).tags).toContain('v*');
    for (const job of Object.values(wf.jobs)) expect(job['runs-on']).toBe('macos-latest');
  });

  it('fails a release tag without signing secrets, and says so on other refs', () => {
    expect(allRuns).toMatch(/refs\/tags\/v/);
    expect(allRuns).toMatch(/::error::/);
    expect(allRuns).toMatch(/UNSIGNED/);
  });

  it('verifies, smoke-installs and uninstalls the pkg, and runs the Electron smoke test', () => {
    for (const cmd of [
      'pkgutil --check-signature',
      'xcrun stapler validate',
      'spctl --assess --type install',
      'sudo installer -pkg',
      '/opt/beacon/bin/beacon endpoint status --json',
      'sudo /opt/beacon/bin/beacon-uninstall',
      'npx vitest run test/electron-smoke',
    ]) {
      expect(allRuns, cmd).toContain(cmd);
    }
  });
});
