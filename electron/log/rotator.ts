/**
 * When the writer rotates, and what it does when it cannot.
 *
 * - Rotation happens at `rotateBytes`, between whole lines, inside the writer's queue. Only the
 *   renames and the open of the new file hold the queue, and they are synchronous (tens of
 *   microseconds; through the thread pool they took milliseconds at p99). The archive's fsync,
 *   its close and the directory fsync run right after, beside new writes (they used to add 5 to
 *   15 ms to every request waiting behind a rotation).
 * - A rotation that fails (the directory became read-only, EACCES, a name in the way) loses
 *   nothing: the writer keeps appending to the current file. But the size limit is a promise
 *   too (a disk that fills up, a SIEM that chokes on one huge file), so the failure is reported
 *   (`onFailure`: the health state turns red everywhere) and retried on the first append after a
 *   back-off that starts at ROTATE_RETRY_MIN_MS and doubles up to ROTATE_RETRY_MAX_MS. No timer:
 *   an idle collector retries nothing, and a busy one retries within seconds of the cause being
 *   fixed. The failure clears as soon as a rotation succeeds, or the file is back under its
 *   limit by other means (an administrator rotated or truncated it).
 */
import { rm } from 'node:fs/promises';
import type { QueuedLine } from './append-queue';
import type { ActiveLog } from './active-log';
import type { LogFile } from './log-file';
import { shiftArchives, syncLogDir } from './rotation';
import { lineBytes, lineBytesBound } from './serialize';

export const ROTATE_RETRY_MIN_MS = 1_000;
export const ROTATE_RETRY_MAX_MS = 10_000;

export interface RotatorOptions {
  path: string;
  rotateBytes: number;
  rotateArchives: number;
  warn: (message: string) => void;
  /** A rotation failed (again), or is still failing: the log is `logBytes` long and keeps growing. */
  onFailure: (reason: string, logBytes: number) => void;
  /** Rotation works again, or is no longer needed. */
  onRecovered: () => void;
}

export class Rotator {
  /** Why the last rotation failed; undefined while rotation works. */
  private failure: string | undefined;
  private retryAt = 0;
  private backoffMs = ROTATE_RETRY_MIN_MS;
  /** The last archive's fsync + close + directory fsync, running beside the queue. */
  private archiving: Promise<void> | undefined;

  constructor(private readonly opts: RotatorOptions) {}

  /** Wait for the last archive to be durable. */
  async idle(): Promise<void> {
    if (this.archiving) await this.archiving;
  }

  /**
   * The end (exclusive, at most `end`) of the next write of batch[from...] into `active`,
   * rotating first when the next line does not fit. A line bigger than rotateBytes gets a file
   * of its own rather than being split. While a failed rotation waits for its retry, everything
   * goes into the current file.
   */
  async chunkEnd(batch: readonly QueuedLine[], from: number, end: number, active: ActiveLog): Promise<number> {
    const { rotateBytes } = this.opts;
    if (active.size + boundOf(batch, from, end) <= rotateBytes) {
      // Back under the limit without us (an administrator rotated or truncated the log).
      if (this.failure !== undefined) this.recovered();
      return end;
    }
    if (this.failure !== undefined && Date.now() < this.retryAt) {
      this.opts.onFailure(this.failure, active.size); // the size the health state shows
      return end;
    }
    if (active.size > 0 && active.size + lineBytes(batch[from].json) > rotateBytes) {
      if (!(await this.rotate(active))) return end;
    }
    let stop = from;
    let bytes = 0;
    while (stop < end) {
      const b = lineBytes(batch[stop].json);
      if (stop > from && active.size + bytes + b > rotateBytes) break;
      bytes += b;
      stop++;
    }
    return stop;
  }

  /** Rename the log away and open a new one; false (and the failure reported) if the renames failed. */
  private async rotate(active: ActiveLog): Promise<boolean> {
    // Rotations are rotateBytes apart, so the previous archive is normally long finished.
    if (this.archiving) await this.archiving;
    let expired: string | undefined;
    try {
      expired = shiftArchives(this.opts.path, this.opts.rotateArchives);
    } catch (err) {
      this.failed(err, active.size);
      return false;
    }
    // The old name is gone now; a failure to create the new file is a write failure (thrown).
    const old = active.detachForRotation();
    if (old) this.archiving = this.finishArchive(old, expired, active.syncInFlight);
    if (this.failure !== undefined) this.recovered();
    active.ensureOpen();
    return true;
  }

  private failed(err: unknown, logBytes: number): void {
    const e = err as NodeJS.ErrnoException;
    // Short and without paths (the health file has room for about 1 KB, and says which log).
    const reason = `cannot rotate: ${e.code ? `${e.code}${e.syscall ? ` (${e.syscall})` : ''}` : e.message || String(err)}`.slice(0, 200);
    const retryIn = this.backoffMs;
    this.retryAt = Date.now() + retryIn;
    this.backoffMs = Math.min(this.backoffMs * 2, ROTATE_RETRY_MAX_MS);
    if (reason !== this.failure) {
      this.opts.warn(`could not rotate ${this.opts.path}: ${e.message || String(err)}; still appending to it (${logBytes} bytes, limit ${this.opts.rotateBytes}); retrying on the next append after ${retryIn / 1000} s`);
    }
    this.failure = reason;
    this.opts.onFailure(reason, logBytes);
  }

  private recovered(): void {
    this.opts.warn(`rotation of ${this.opts.path} works again`);
    this.failure = undefined;
    this.retryAt = 0;
    this.backoffMs = ROTATE_RETRY_MIN_MS;
    this.opts.onRecovered();
  }

  /**
   * Make a just-renamed archive durable, beside the queue: its lines were acknowledged before
   * the rename, so this is the same promise as the fsync timer's (durable within moments),
   * and new requests need not wait for a 10 MiB fsync and a directory journal commit. Also
   * deletes the archive that fell off the end (`expired`), which takes about a millisecond.
   */
  private async finishArchive(old: LogFile, expired: string | undefined, timerSync: Promise<void> | undefined): Promise<void> {
    if (timerSync) await timerSync; // a timer fsync of `old` may be running: let it end first
    // With no archives kept, `old` is the expired file itself: no point in syncing it.
    if (this.opts.rotateArchives > 0) {
      await old.sync().catch((err: Error) => this.opts.warn(`fsync of the rotated log ${this.opts.path}.1 failed: ${err.message}`));
    }
    await old.close().catch(() => undefined);
    if (expired) {
      await rm(expired, { force: true }).catch((err: Error) => this.opts.warn(`could not delete the expired log archive ${expired}: ${err.message}`));
    }
    await syncLogDir(this.opts.path);
  }
}

/** An upper bound of the bytes of batch[from, end): when even that fits, nothing is measured. */
function boundOf(batch: readonly QueuedLine[], from: number, end: number): number {
  let n = 0;
  for (let i = from; i < end; i++) n += lineBytesBound(batch[i].json);
  return n;
}
