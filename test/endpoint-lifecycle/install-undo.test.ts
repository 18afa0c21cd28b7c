/**
 * InstallUndo, the rollback of a failed install, on real files: bytes and modes come back,
 * what install created goes, an edit someone made after our write is never clobbered (it is
 * reported), and a non-empty directory install created is kept and reported.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InstallUndo } from '../../electron/endpoint/lifecycle-rollback';

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});
const temp = () => {
  const d = mkdtempSync(join(tmpdir(), 'beacon-undo-'));
  dirs.push(d);
  return d;
};

describe('InstallUndo', () => {
  it('puts back bytes and mode, removes created files, dirs and leftovers, runs the restarts after the files', async () => {
    const d = temp();
    const kept = join(d, 'config.toml');
    writeFileSync(kept, 'model = "o3"\r\n', { mode: 0o640 });
    chmodSync(kept, 0o640);
    const made = join(d, 'new-dir');
    const created = join(made, 'config.json');
    const out = join(d, 'collector.out.log');
    const undo = new InstallUndo();
    await undo.remember(kept);
    await undo.remember(created);
    await undo.removeIfCreated([out]);
    writeFileSync(kept, 'changed', { mode: 0o600 });
    undo.wrote(kept, 'changed');
    mkdirSync(made);
    undo.createdDirs([made]);
    writeFileSync(created, '{}');
    writeFileSync(out, 'beacon: it failed\n');
    const order: string[] = [];
    undo.onRollback('stop', async () => void order.push(`stop:${existsSync(created)}`));
    undo.afterFiles('restart', async () => void order.push(`restart:${existsSync(created)}`));
    expect(await undo.rollback()).toEqual([]);
    expect(readFileSync(kept, 'utf8')).toBe('model = "o3"\r\n');
    expect(statSync(kept).mode & 0o777).toBe(0o640);
    expect(existsSync(created)).toBe(false);
    expect(existsSync(made)).toBe(false);
    expect(existsSync(out)).toBe(false);
    expect(order).toEqual(['stop:true', 'restart:false']);
  });

  it('never overwrites an edit made after install wrote the file, and keeps a non-empty directory: both reported', async () => {
    const d = temp();
    const f = join(d, 'config.toml');
    writeFileSync(f, 'a = 1\n');
    const undo = new InstallUndo();
    await undo.remember(f);
    writeFileSync(f, 'a = 2\n');
    undo.wrote(f, 'a = 2\n');
    writeFileSync(f, 'a = 3 # the user, meanwhile\n');
    const dir = join(d, 'made');
    mkdirSync(dir);
    writeFileSync(join(dir, 'theirs'), 'x');
    undo.createdDirs([dir]);
    const problems = await undo.rollback();
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/config\.toml changed while Beacon was editing it/);
    expect(problems[1]).toBe(`${dir} was created by install and is not empty`);
    expect(readFileSync(f, 'utf8')).toBe('a = 3 # the user, meanwhile\n');
  });

  it('an empty runtime log the failed collector created goes; one that received an event stays', async () => {
    const d = temp();
    const a = join(d, 'a.jsonl');
    const b = join(d, 'b.jsonl');
    const undo = new InstallUndo();
    await undo.removeIfCreated([a, b], true);
    writeFileSync(a, '');
    writeFileSync(b, '{"event":{}}\n');
    expect(await undo.rollback()).toEqual([]);
    expect(existsSync(a)).toBe(false);
    expect(readFileSync(b, 'utf8')).toBe('{"event":{}}\n');
  });
});
