/**
 * discoverCodex (electron/codex/discovery.ts) and `beacon endpoint discover`: finds Codex on PATH
 * and in the usual places with its version, dedupes links to one binary, lists the home and its
 * profile files, and changes nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { discoverCodex } from '../../electron/codex/discovery';
import { CODEX_BIN } from '../support/codex-runner';
import { runBeacon } from '../support/beacon-cli';
import { parseJsonOut, snapshotTree } from './helpers';

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

function fakeCodex(dir: string, output: string): string {
  mkdirSync(dir, { recursive: true });
  const p = join(dir, 'codex');
  writeFileSync(p, `#!/bin/sh\necho "${output}"\n`);
  chmodSync(p, 0o755);
  return p;
}

describe('discoverCodex', () => {
  it('finds Codex on PATH and in ~/.local/bin, with versions, once per binary, and the home and profiles', async () => {
    const root = mkdtempSync(join(tmpdir(), 'beacon-discover-'));
    dirs.push(root);
    const home = join(root, 'home');
    const onPath = fakeCodex(join(root, 'bin'), 'codex-cli 0.169.0');
    fakeCodex(join(home, '.local/bin'), 'codex-cli 0.150.2');
    mkdirSync(join(root, 'bin2'));
    symlinkSync(onPath, join(root, 'bin2', 'codex')); // same binary reached twice
    const codexHome = join(home, '.codex');
    mkdirSync(codexHome, { recursive: true });
    writeFileSync(join(codexHome, 'config.toml'), 'model = "x"\n');
    writeFileSync(join(codexHome, 'work.config.toml'), '');
    const before = snapshotTree(root);

    const d = await discoverCodex({ HOME: home, PATH: `${join(root, 'bin')}:${join(root, 'bin2')}` });
    const versions = d.installs.map((i) => [i.source, i.version]).sort();
    expect(versions).toEqual([
      ['PATH', '0.169.0'],
      ['local-bin', '0.150.2'],
    ]);
    expect(d.installs.find((i) => i.source === 'PATH')!.onPath).toBe(true);
    expect(d).toMatchObject({ codexHome, codexHomeExists: true, configExists: true, profiles: [join(codexHome, 'work.config.toml')] });
    expect(snapshotTree(root)).toEqual(before); // no side effects
  });

  it('reports a binary that does not answer --version', async () => {
    const root = mkdtempSync(join(tmpdir(), 'beacon-discover-'));
    dirs.push(root);
    const bin = join(root, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'codex'), '#!/bin/sh\necho "boom" >&2\nexit 3\n');
    chmodSync(join(bin, 'codex'), 0o755);
    const d = await discoverCodex({ HOME: join(root, 'nohome'), PATH: bin, CODEX_HOME: join(root, 'ch') });
    expect(d.installs).toHaveLength(1);
    expect(d.installs[0].version).toBeUndefined();
    expect(d.installs[0].versionError).toContain('boom');
    expect(d).toMatchObject({ codexHome: join(root, 'ch'), codexHomeExists: false, configExists: false, profiles: [] });
  });

  it('`beacon endpoint discover --json` finds the real Codex 0.169.0', async () => {
    const root = mkdtempSync(join(tmpdir(), 'beacon-discover-'));
    dirs.push(root);
    // A `codex` on PATH the way npm -g links it (CODEX_BIN is the launcher, bin/codex.js).
    const bin = join(root, 'bin');
    mkdirSync(bin);
    symlinkSync(CODEX_BIN, join(bin, 'codex'));
    const r = await runBeacon(['endpoint', 'discover', '--json'], { env: { PATH: `${bin}:/usr/bin:/bin`, HOME: root } });
    expect(r.code, r.stderr).toBe(0);
    const d = parseJsonOut(r);
    expect(d.installs).toEqual(expect.arrayContaining([expect.objectContaining({ version: '0.169.0', onPath: true })]));
    const human = await runBeacon(['endpoint', 'discover'], { env: { PATH: `${bin}:/usr/bin:/bin`, HOME: root } });
    expect(human.stdout).toMatch(/Codex CLI: 1 install\(s\) found\n.*0\.169\.0/);
  });
});
