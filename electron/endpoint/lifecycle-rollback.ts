/**
 * Undo for a failed `beacon endpoint install`: every file it wrote goes back to the bytes it had
 * (or away, if install created it), the directories it created are removed again, a collector it
 * started is stopped and one it stopped to restart is started again. A failed install then
 * changes nothing: Codex is never left pointing at a port where no collector answers.
 *
 * Files are remembered before their first write (the earliest state wins), and restored in
 * reverse order. A file someone else changed after our write is not overwritten: that is listed
 * as a problem instead (the message names it).
 */
import { lstat, readFile, rm } from 'node:fs/promises';
import { FileAccessError, removeFileChecked, writeFileAtomic } from '../shared/atomic-write';
import { removeDirsIfEmpty } from './lifecycle-files';

interface Remembered {
  path: string;
  /** The bytes before install touched it; null: it did not exist. */
  before: Buffer | null;
  mode?: number;
  /** What install wrote, if known: the restore refuses when the file no longer holds it. */
  written?: Buffer;
}

export class InstallUndo {
  private readonly files: Remembered[] = [];
  private readonly dirs: string[] = [];
  private readonly actions: { what: string; run: () => Promise<void> }[] = [];
  private readonly after: { what: string; run: () => Promise<void> }[] = [];
  private readonly leftovers: { path: string; onlyIfEmpty: boolean }[] = [];

  /** Call before the first write of `path` in this install. */
  async remember(path: string, before?: Buffer | null): Promise<void> {
    if (this.files.some((f) => f.path === path)) return;
    if (before !== undefined) {
      this.files.push({ path, before });
      return;
    }
    const st = await lstat(path).catch(() => null);
    this.files.push({ path, before: st ? await readFile(path) : null, mode: st ? st.mode & 0o7777 : undefined });
  }

  /** What install wrote to `path` (so a restore does not clobber a later edit by someone else). */
  wrote(path: string, text: string): void {
    const f = this.files.find((x) => x.path === path);
    if (f) f.written = Buffer.from(text, 'utf8');
  }

  createdDirs(dirs: string[]): void {
    for (const d of dirs) if (!this.dirs.includes(d)) this.dirs.push(d);
  }

  /** Something that is not a file, undone first (stop the collector we started, ...). */
  onRollback(what: string, run: () => Promise<void>): void {
    this.actions.push({ what, run });
  }

  /**
   * A file that something install starts may create (the collector's output, health file, an
   * empty runtime log): removed by a rollback if it did not exist now. `onlyIfEmpty` for the
   * runtime log: an event that did land in it is never thrown away.
   */
  async removeIfCreated(paths: string[], onlyIfEmpty = false): Promise<void> {
    for (const path of paths) if (!(await lstat(path).then(() => true, () => false))) this.leftovers.push({ path, onlyIfEmpty });
  }

  /** Keep `path` after all (an error message points the user at it). */
  keep(path: string): void {
    const i = this.leftovers.findIndex((l) => l.path === path);
    if (i >= 0) this.leftovers.splice(i, 1);
  }

  /** Something to do once the files are back (restart what reads them: the old collector, a service). */
  afterFiles(what: string, run: () => Promise<void>): void {
    this.after.push({ what, run });
  }

  /** Undo everything; returns what could not be undone (empty: the machine is as before). */
  async rollback(): Promise<string[]> {
    const problems: string[] = [];
    for (const a of [...this.actions].reverse()) {
      try {
        await a.run();
      } catch (err) {
        problems.push(`${a.what}: ${(err as Error).message}`);
      }
    }
    for (const l of this.leftovers) {
      const st = await lstat(l.path).catch(() => null);
      if (!st || (l.onlyIfEmpty && st.size > 0)) continue;
      await rm(l.path, { force: true }).catch((err: Error) => problems.push(`${l.path}: ${err.message}`));
    }
    for (const f of [...this.files].reverse()) {
      try {
        const exists = await lstat(f.path).then(() => true, () => false);
        if (f.before === null) {
          if (exists) await removeFileChecked(f.path, f.written);
        } else {
          await writeFileAtomic(f.path, f.before, { expectCurrent: exists ? f.written : null, mode: f.mode });
        }
      } catch (err) {
        problems.push(err instanceof FileAccessError ? err.message : `${f.path}: ${(err as Error).message}`);
      }
    }
    const dirs = await removeDirsIfEmpty(this.dirs);
    for (const d of dirs.kept) problems.push(`${d} was created by install and is not empty`);
    for (const a of this.after) {
      try {
        await a.run();
      } catch (err) {
        problems.push(`${a.what}: ${(err as Error).message}`);
      }
    }
    return problems;
  }
}
