/**
 * Naming and shifting of runtime-log archives, the same scheme as the reference product so SIEM
 * inputs keep working: the active file is always `runtime.jsonl`; on rotation it becomes
 * `runtime.jsonl.1`, `.1` becomes `.2` ... and the oldest (`.N`) is deleted.
 *
 * The writer decides WHEN to rotate (inside its serialized queue, between whole lines) and
 * fsyncs the archive and the directory right after; this module only moves files.
 */
import { open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

export const DEFAULT_ROTATE_BYTES = 10 * 1024 * 1024;
export const DEFAULT_ROTATE_ARCHIVES = 5;

export const archivePath = (logPath: string, index: number): string => `${logPath}.${index}`;

/**
 * Shift `log -> log.1 -> ... -> log.<archives>`, deleting what falls off the end.
 * With `archives` 0 the active log is simply deleted. Missing archives are skipped.
 * The directory is fsynced afterwards (best effort) so the renames survive a power cut, unless
 * `syncDirectory` is false: the writer then calls `syncLogDir` itself, off its write queue
 * (a directory fsync is a journal commit: milliseconds that every waiting request would pay).
 */
export async function shiftArchives(logPath: string, archives: number, opts: { syncDirectory?: boolean } = {}): Promise<void> {
  const syncDirectory = opts.syncDirectory ?? true;
  if (archives <= 0) {
    await rm(logPath, { force: true });
    if (syncDirectory) await syncDir(dirname(logPath));
    return;
  }
  // Only touch archives that exist: with a large N, trying every index would cost N syscalls.
  const existing = (await archiveIndexes(logPath)).sort((a, b) => b - a);
  for (const i of existing) {
    if (i >= archives) await rm(archivePath(logPath, i), { force: true });
    else await renameIfExists(archivePath(logPath, i), archivePath(logPath, i + 1));
  }
  await rename(logPath, archivePath(logPath, 1));
  if (syncDirectory) await syncDir(dirname(logPath));
}

/** fsync the log's directory (best effort), so renames done by shiftArchives survive a power cut. */
export function syncLogDir(logPath: string): Promise<void> {
  return syncDir(dirname(logPath));
}

/**
 * The log and its archives that exist, oldest first (e.g. [.3, .2, .1, active]): the order in
 * which a reader must go through them to see events in write order.
 */
export async function listLogFiles(logPath: string): Promise<string[]> {
  const names = await readdirOrEmpty(dirname(logPath));
  const indexes = (await archiveIndexes(logPath, names)).sort((a, b) => b - a);
  const active = names.includes(basename(logPath)) ? [logPath] : [];
  return [...indexes.map((i) => archivePath(logPath, i)), ...active];
}

/** Indexes N of the existing `<log>.N` archives, in no particular order. */
async function archiveIndexes(logPath: string, names?: string[]): Promise<number[]> {
  const base = basename(logPath) + '.';
  const out: number[] = [];
  for (const name of names ?? (await readdirOrEmpty(dirname(logPath)))) {
    if (!name.startsWith(base)) continue;
    const suffix = name.slice(base.length);
    if (/^[1-9][0-9]{0,8}$/.test(suffix)) out.push(Number(suffix));
  }
  return out;
}

async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

async function renameIfExists(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
}

async function syncDir(dir: string): Promise<void> {
  // Not every platform / filesystem lets a directory be fsynced: durability is best effort here.
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    /* ignore */
  }
}
