/**
 * Naming and shifting of runtime-log archives, the same scheme as the reference product so SIEM
 * inputs keep working: the active file is always `runtime.jsonl`; on rotation it becomes
 * `runtime.jsonl.1`, `.1` becomes `.2` ... and the oldest (`.N`) is deleted.
 *
 * The writer decides WHEN to rotate (inside its serialized queue, between whole lines) and
 * fsyncs the archive and the directory right after; this module only moves files.
 *
 * The shift is synchronous on purpose: it runs while the writer's queue waits, and a handful of
 * renames on a local disk take tens of microseconds, while the same renames through libuv's
 * thread pool took milliseconds on a busy machine, which every request queued behind a rotation
 * paid (the bench's paced p99 showed it). The directory fsync, the slow part, stays async.
 */
import { readdirSync, renameSync, rmSync } from 'node:fs';
import { open, readdir } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

export const DEFAULT_ROTATE_BYTES = 10 * 1024 * 1024;
export const DEFAULT_ROTATE_ARCHIVES = 5;

export const archivePath = (logPath: string, index: number): string => `${logPath}.${index}`;

/**
 * Where the archive that falls off the end waits for its deletion. Unlinking a 10 MiB file takes
 * about a millisecond (the filesystem frees its blocks in the call), so the writer deletes it
 * after the rotation, beside new writes; a rename is all the queue waits for.
 */
export const expiredPath = (logPath: string): string => `${logPath}.expired`;

/**
 * Shift `log -> log.1 -> ... -> log.<archives>`. What falls off the end is renamed to
 * expiredPath() and that path is returned for the caller to delete (undefined when nothing fell
 * off). With `archives` 0 the active log itself expires. Missing archives are skipped.
 * The caller fsyncs the directory afterwards (`syncLogDir`), off its write queue: a directory
 * fsync is a journal commit, milliseconds that every waiting request would pay.
 */
export function shiftArchives(logPath: string, archives: number): string | undefined {
  const expired = expiredPath(logPath);
  if (archives <= 0) {
    renameSync(logPath, expired);
    return expired;
  }
  let fellOff: string | undefined;
  // Only touch archives that exist: with a large N, trying every index would cost N syscalls.
  const existing = archiveIndexes(logPath, readdirOrEmptySync(dirname(logPath))).sort((a, b) => b - a);
  for (const i of existing) {
    if (i > archives) rmSync(archivePath(logPath, i), { force: true }); // only after the archive count was lowered
    else if (i === archives) {
      renameSync(archivePath(logPath, i), expired);
      fellOff = expired;
    } else renameIfExists(archivePath(logPath, i), archivePath(logPath, i + 1));
  }
  renameSync(logPath, archivePath(logPath, 1));
  return fellOff;
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
  const indexes = archiveIndexes(logPath, names).sort((a, b) => b - a);
  const active = names.includes(basename(logPath)) ? [logPath] : [];
  return [...indexes.map((i) => archivePath(logPath, i)), ...active];
}

/** Indexes N of the `<log>.N` archives among the directory entries `names`, in no particular order. */
function archiveIndexes(logPath: string, names: readonly string[]): number[] {
  const base = basename(logPath) + '.';
  const out: number[] = [];
  for (const name of names) {
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

function readdirOrEmptySync(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}

function renameIfExists(from: string, to: string): void {
  try {
    renameSync(from, to);
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
