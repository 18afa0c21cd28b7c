/**
 * The file side of install / uninstall on real files in temp dirs: what a user sees on disk.
 * Refusals leave the file byte-identical with the same mtime; links stay links; modes are kept.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyInstall, applyUninstall, listProfileConfigs } from '../../electron/codex/config-apply';
import { DEFAULT_OTEL_SETTINGS, desiredOtelValue } from '../../electron/codex/config-otel-block';
import { parseToml } from '../../electron/codex/config-toml-parse';
import { tomlEqual } from '../../electron/codex/config-toml-equal';
import { readConfigFile, writeFileAtomic } from '../../electron/shared/atomic-write';

const FIXTURES = join(__dirname, '..', 'fixtures', 'codex-configs');
const S = DEFAULT_OTEL_SETTINGS;
let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'beacon-codex-config-'));
});
afterEach(() => {
  // Undo read-only modes first so the cleanup itself cannot fail.
  for (const p of [dir, join(dir, 'ro')]) if (existsSync(p)) chmodSync(p, 0o755);
  rmSync(dir, { recursive: true, force: true });
});

function seed(name: string, fixture: string, mode = 0o644): string {
  const p = join(dir, name);
  writeFileSync(p, readFileSync(join(FIXTURES, fixture)));
  chmodSync(p, mode);
  // An old mtime, so "not touched" is visible even on coarse-timestamp file systems.
  utimesSync(p, new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
  return p;
}

function snapshot(p: string) {
  const st = statSync(p);
  return { bytes: readFileSync(p), mtimeMs: st.mtimeMs, mode: st.mode & 0o7777 };
}

describe('applyInstall / applyUninstall on disk', () => {
  it('installs into an existing file keeping its mode, and uninstall restores the exact bytes', async () => {
    const p = seed('config.toml', '02-commented-user-config.toml', 0o640);
    const before = snapshot(p);
    const res = await applyInstall(p, S, { force: false });
    expect(res.outcome).toBe('written');
    const after = readFileSync(p, 'utf8');
    expect(tomlEqual(parseToml(after).otel, desiredOtelValue(S))).toBe(true);
    expect(statSync(p).mode & 0o7777).toBe(0o640);
    // No temp files left behind.
    expect(readdirSync(dir)).toEqual(['config.toml']);

    const again = await applyInstall(p, S, { force: false, previous: res.record });
    expect(again.outcome).toBe('unchanged');

    const un = await applyUninstall(p, res.record ?? null);
    expect(un.outcome).toBe('restored');
    expect(readFileSync(p).equals(before.bytes)).toBe(true);
    expect(statSync(p).mode & 0o7777).toBe(0o640);
  });

  it('invalid TOML: refused with the line number, file untouched (bytes and mtime)', async () => {
    const p = seed('config.toml', 'invalid-01-duplicate-key.toml');
    const before = snapshot(p);
    const res = await applyInstall(p, S, { force: true, fileLabel: '~/.codex/config.toml' });
    expect(res.outcome).toBe('refused');
    expect(res.reason).toMatch(/^~\/\.codex\/config\.toml is not valid TOML \(line 2: .+\); fix it first, Beacon did not change it$/);
    expect(snapshot(p)).toEqual(before);
  });

  it('a remote [otel]: refused without --force (file untouched); --force replaces it and uninstall puts it back exactly', async () => {
    const p = seed('config.toml', '09-remote-otel-inline.toml');
    const before = snapshot(p);
    const refused = await applyInstall(p, S, { force: false, fileLabel: 'config.toml' });
    expect(refused.outcome).toBe('refused');
    expect(refused.reason).toBe(
      'config.toml already exports Codex telemetry to https://collector.corp.example:4318/v1/logs ([otel] exporter); rerun with --force to replace it (it will be restored by uninstall)',
    );
    expect(snapshot(p)).toEqual(before);

    const forced = await applyInstall(p, S, { force: true });
    expect(forced.outcome).toBe('written');
    expect(forced.plan.kind === 'write' && forced.plan.replaced?.summary).toContain('https://collector.corp.example:4318/v1/logs');
    const un = await applyUninstall(p, forced.record ?? null);
    expect(un.outcome).toBe('restored');
    expect(readFileSync(p).equals(before.bytes)).toBe(true);
  });

  it('a read-only file (0444) is refused clearly and not changed', async () => {
    const p = seed('config.toml', '01-minimal-model.toml', 0o444);
    const before = snapshot(p);
    const res = await applyInstall(p, S, { force: false });
    expect(res.outcome).toBe('refused');
    expect(res.reason).toMatch(/is read-only \(mode 0444\)/);
    expect(snapshot(p)).toEqual(before);
  });

  it('a read-only directory is refused clearly and nothing is created or changed', async () => {
    const ro = join(dir, 'ro');
    mkdirSync(ro);
    const p = join(ro, 'config.toml');
    writeFileSync(p, 'model = "o3"\n');
    utimesSync(p, new Date('2020-01-01T00:00:00Z'), new Date('2020-01-01T00:00:00Z'));
    const before = snapshot(p);
    chmodSync(ro, 0o555);
    const res = await applyInstall(p, S, { force: false });
    expect(res.outcome).toBe('refused');
    expect(res.reason).toMatch(/directory .* is read-only/);
    expect(snapshot(p)).toEqual(before);
    chmodSync(ro, 0o755);
    expect(readdirSync(ro)).toEqual(['config.toml']);
  });

  it('a symlinked config: the target is edited, the link stays a link; uninstall restores the target', async () => {
    const real = seed('real-config.toml', '12-model-providers.toml', 0o600);
    const link = join(dir, 'config.toml');
    symlinkSync(real, link);
    const original = readFileSync(real);
    const res = await applyInstall(link, S, { force: false });
    expect(res.outcome).toBe('written');
    expect(res.path).toBe(real);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(real);
    expect(tomlEqual(parseToml(readFileSync(real, 'utf8')).otel, desiredOtelValue(S))).toBe(true);
    expect(statSync(real).mode & 0o7777).toBe(0o600);
    await applyUninstall(link, res.record ?? null);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real).equals(original)).toBe(true);
  });

  it('a dangling symlink is refused with a message naming the target', async () => {
    const link = join(dir, 'config.toml');
    symlinkSync(join(dir, 'missing.toml'), link);
    const res = await applyInstall(link, S, { force: false });
    expect(res.outcome).toBe('refused');
    expect(res.reason).toContain('which does not exist');
    expect(existsSync(join(dir, 'missing.toml'))).toBe(false);
  });

  it('a missing file is created 0600 and uninstall deletes it again', async () => {
    const p = join(dir, 'config.toml');
    const res = await applyInstall(p, S, { force: false });
    expect(res.outcome).toBe('created');
    expect(statSync(p).mode & 0o777).toBe(0o600);
    const un = await applyUninstall(p, res.record ?? null);
    expect(un.outcome).toBe('deleted');
    expect(existsSync(p)).toBe(false);
  });

  it('a file edited by the user between install and uninstall keeps the edit; an edited block is still removed, with a note', async () => {
    const p = seed('config.toml', '13-mcp-servers-env.toml');
    const res = await applyInstall(p, S, { force: false });
    const edited = readFileSync(p, 'utf8').replace('startup_timeout_sec = 20', 'startup_timeout_sec = 45');
    writeFileSync(p, edited);
    const un = await applyUninstall(p, res.record ?? null);
    expect(un.outcome).toBe('edited');
    const now = readFileSync(p, 'utf8');
    expect(now).toBe(readFileSync(join(FIXTURES, '13-mcp-servers-env.toml'), 'utf8').replace('startup_timeout_sec = 20', 'startup_timeout_sec = 45'));

    const res2 = await applyInstall(p, S, { force: false });
    writeFileSync(p, readFileSync(p, 'utf8').replace('environment = "dev"', 'environment = "team"'));
    const un2 = await applyUninstall(p, res2.record ?? null);
    expect(un2.outcome).toBe('restored');
    expect(un2.notes.join('\n')).toMatch(/had been edited since Beacon wrote it/);
    expect(readFileSync(p, 'utf8')).toBe(now);
  });

  it('profile files ($CODEX_HOME/NAME.config.toml) are listed and edited the same way', async () => {
    seed('config.toml', '01-minimal-model.toml');
    const work = seed('work.config.toml', '03-crlf.toml');
    seed('fast.config.toml', '12-model-providers.toml');
    writeFileSync(join(dir, 'notes.toml'), '');
    mkdirSync(join(dir, 'dir.config.toml'));
    const profiles = await listProfileConfigs(dir);
    expect(profiles).toEqual([
      { name: 'fast', path: join(dir, 'fast.config.toml') },
      { name: 'work', path: work },
    ]);
    expect(await listProfileConfigs(join(dir, 'nope'))).toEqual([]);
    const res = await applyInstall(work, S, { force: false });
    expect(res.outcome).toBe('written');
    expect(readFileSync(work, 'utf8')).not.toMatch(/[^\r]\n/);
  });
});

describe('readConfigFile / writeFileAtomic', () => {
  it('keeps a BOM and refuses non-UTF-8 bytes', async () => {
    const p = join(dir, 'bom.toml');
    writeFileSync(p, Buffer.from('\ufeffa = 1\n', 'utf8'));
    const r = await readConfigFile(p);
    expect(r.text?.charCodeAt(0)).toBe(0xfeff);
    await writeFileAtomic(p, r.text ?? '');
    expect(readFileSync(p).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));

    const bad = join(dir, 'latin1.toml');
    writeFileSync(bad, Buffer.from([0x61, 0x3d, 0x22, 0xe9, 0x22, 0x0a]));
    await expect(readConfigFile(bad)).rejects.toThrow(/is not UTF-8 text/);
  });

  it('refuses to overwrite a file that changed since it was read', async () => {
    const p = join(dir, 'c.toml');
    writeFileSync(p, 'a = 1\n');
    const r = await readConfigFile(p);
    writeFileSync(p, 'a = 2\n');
    await expect(writeFileAtomic(p, 'a = 3\n', { expectCurrent: r.bytes })).rejects.toThrow(/changed while Beacon was editing it/);
    expect(readFileSync(p, 'utf8')).toBe('a = 2\n');
  });

  it('a missing file reads as null', async () => {
    const r = await readConfigFile(join(dir, 'none.toml'));
    expect(r.text).toBeNull();
  });
});
