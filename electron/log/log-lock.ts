/**
 * One writer per runtime log, across processes: `<log>.lock` holds {pid, hostname, started_at,
 * purpose}. Two collectors appending to the same file (the app's and a LaunchAgent's, say) would
 * interleave and double every event; the lock turns that into a clear startup error instead.
 *
 * - The lock is created complete and atomically: written to a private temp file, then hard-linked
 *   to `<log>.lock` (link fails if the name exists, like O_EXCL, but a reader never sees a
 *   half-written lock).
 * - If it exists and its pid is alive (kill(pid, 0)), acquiring fails with LogLockedError.
 * - If its pid is dead (a crash, SIGKILL), the stale lock is replaced by rename over it, and the
 *   lock is read back to make sure we are the one that won if two processes raced.
 * - No polling, no timers: the lock is checked once at open and removed at close.
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { link, open, readFile, rename, unlink } from 'node:fs/promises';
import { LogLockedError } from './errors';

export { LogLockedError };

export interface LockInfo {
  pid: number;
  hostname: string;
  started_at: string;
  purpose: string;
  /** Random per acquisition, so release never removes a lock someone else took over. */
  nonce: string;
}

export const lockPathFor = (logPath: string): string => `${logPath}.lock`;

/** true if a process with this pid exists (EPERM: it exists but belongs to another user). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function readLockInfo(lockPath: string): Promise<Partial<LockInfo> | undefined> {
  try {
    const parsed = JSON.parse(await readFile(lockPath, 'utf8')) as unknown;
    return parsed && typeof parsed === 'object' ? (parsed as Partial<LockInfo>) : {};
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // Unreadable or not JSON: nobody can prove ownership, treat it as stale.
    return {};
  }
}

export class LogLock {
  private released = false;
  private constructor(
    readonly logPath: string,
    readonly lockPath: string,
    readonly info: LockInfo,
  ) {}

  /**
   * Take the lock for `logPath` or throw LogLockedError naming the live holder.
   * `fileMode` is applied to the lock file (it reveals nothing secret, but stays private).
   */
  static async acquire(logPath: string, purpose: string, fileMode: number): Promise<LogLock> {
    const lockPath = lockPathFor(logPath);
    const info: LockInfo = {
      pid: process.pid,
      hostname: hostname(),
      started_at: new Date().toISOString(),
      purpose,
      nonce: randomBytes(8).toString('hex'),
    };
    const tmp = `${lockPath}.${process.pid}.${info.nonce}.tmp`;
    const fh = await open(tmp, 'wx', fileMode);
    try {
      await fh.chmod(fileMode);
      await fh.writeFile(JSON.stringify(info) + '\n');
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      // Two rounds: a lock that vanishes between our link attempt and our read is retried once.
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          await link(tmp, lockPath);
          return new LogLock(logPath, lockPath, info);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        }
        const holder = await readLockInfo(lockPath);
        if (holder === undefined) continue;
        if (isLive(holder)) throw lockedError(logPath, holder);
        // Stale: replace it atomically, then check we were not overtaken by a concurrent taker.
        await rename(tmp, lockPath);
        const now = await readLockInfo(lockPath);
        if (now?.nonce === info.nonce) return new LogLock(logPath, lockPath, info);
        if (now && isLive(now)) throw lockedError(logPath, now);
        throw new Error(`could not take over the stale lock ${lockPath}: it changed while we replaced it`);
      }
      throw new Error(`could not create the lock ${lockPath}: it keeps appearing and disappearing`);
    } finally {
      await unlink(tmp).catch(() => undefined);
    }
  }

  /** Remove the lock if it is still ours. Idempotent. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const now = await readLockInfo(this.lockPath);
    if (now?.nonce === this.info.nonce) await unlink(this.lockPath).catch(() => undefined);
  }
}

function isLive(holder: Partial<LockInfo>): boolean {
  if (typeof holder.pid !== 'number') return false;
  // On another host (a shared home directory) the pid cannot be checked: assume it is alive.
  if (holder.hostname && holder.hostname !== hostname()) return true;
  return pidAlive(holder.pid);
}

function lockedError(logPath: string, holder: Partial<LockInfo>): LogLockedError {
  return new LogLockedError(logPath, holder.pid ?? -1, holder.purpose, holder.hostname && holder.hostname !== hostname() ? holder.hostname : undefined);
}
