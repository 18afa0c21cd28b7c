/**
 * The runtime log's open file as the writer sees it: the fd, the identity it had when opened,
 * our view of its size, and its fsync. Everything here runs inside the writer's serialized queue
 * except the fsyncs, which run beside it.
 *
 * - Opening is synchronous (log-file.ts says why), creates a missing log directory again, gives
 *   a new file its mode and cuts a line torn by an earlier crash off an existing one.
 * - write() appends all of a buffer or nothing: short writes are continued, and a write that
 *   fails half way is cut back (ftruncate) so no partial line remains.
 * - fsync follows a write within `fsyncIntervalMs` (a timer that exists only while there is
 *   unsynced data) and at close().
 * - leavePath(): the path no longer names this file (see file-identity.ts). A file that was moved
 *   away keeps our lines, so it is fsynced before it is closed; that runs beside new writes.
 * - A file we had to create because the path was empty (deleted, or moved away by a rotator)
 *   is guarded for GUARD_MS: a copy of what we write into it is kept, and if it loses its last
 *   name (or is truncated) within that time, leavePath() (truncatedTo()) hands those
 *   acknowledged lines back to be written again.
 *   That is the window of a rotator that moves the log away and then renames a new file over
 *   the path (newsyslog: mv log log.0, then mktemp, chown, chmod, mv tmp log): lines we wrote
 *   in between would otherwise vanish with the file it replaced.
 */
import { chmodSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { applyFileMode } from '../shared/file-modes';
import { identityOf, pathState, type FileIdentity, type PathState } from './file-identity';
import { LogFile } from './log-file';
import { SlowDiskValve } from './slow-disk-valve';
import { repairTornTail } from './torn-tail';

/** How long, and up to how many bytes, lines written into a file we re-created are kept. */
export const GUARD_MS = 5_000;
export const GUARD_MAX_BYTES = 8 * 1024 * 1024;

export interface ActiveLogOptions {
  path: string;
  fileMode: number;
  dirMode: number;
  maxEventBytes: number;
  /** 0: the writer fsyncs itself after each write (sync()), no timer. */
  fsyncIntervalMs: number;
  warn: (message: string) => void;
}

export class ActiveLog {
  private file: LogFile | undefined;
  private id: FileIdentity | undefined;
  /** Our view of the file size: its size when opened plus what we appended since. */
  size = 0;
  private dirty = false;
  private syncTimer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  /** Files that left the path: their fsync and close, beside the queue. */
  private retiring: Promise<void> | undefined;
  private closed = false;
  private readonly valve = new SlowDiskValve();
  /** Lines written into a file we re-created, until GUARD_MS after its creation. */
  private guard: { until: number; chunks: Buffer[]; bytes: number } | undefined;
  /** The last file was given up by leavePath(): the next one opened may need a guard. */
  private leftPath = false;

  constructor(private readonly opts: ActiveLogOptions) {}

  get isOpen(): boolean {
    return this.file !== undefined;
  }

  get timerPending(): boolean {
    return this.syncTimer !== undefined;
  }

  /** A timer fsync running right now, if any: whoever closes a file it may use waits for it. */
  get syncInFlight(): Promise<void> | undefined {
    return this.syncing;
  }

  /** Open the log if it is not open. */
  ensureOpen(): void {
    if (this.file) return;
    const { path, fileMode, maxEventBytes } = this.opts;
    const { file, created } = this.openOrRecreateDir();
    try {
      const warning = applyFileMode(file.fd, path, fileMode, created);
      if (warning) this.opts.warn(warning);
      if (!created) {
        const repaired = repairTornTail(file.fd, path, maxEventBytes);
        if (repaired) this.opts.warn(repaired);
      }
      const { dev, ino, size } = identityOf(file.fd);
      this.id = { dev, ino };
      this.size = size;
    } catch (err) {
      try {
        file.closeSync();
      } catch {
        /* already failing */
      }
      throw err;
    }
    this.file = file;
    // Re-created because the path stopped naming the previous file: guard it (see above).
    this.guard = this.leftPath && created ? { until: Date.now() + GUARD_MS, chunks: [], bytes: 0 } : undefined;
    this.leftPath = false;
  }

  /** What the path names now compared with the open file (call only while open). */
  pathState(): PathState {
    if (!this.id) return { kind: 'missing' };
    return pathState(this.opts.path, this.id);
  }

  /** Current fd (for the link count check after the path moved), undefined when closed. */
  get fd(): number | undefined {
    return this.file?.fd;
  }

  /** Append all of buf; on failure remove any part that was written, then throw. */
  async write(buf: Buffer): Promise<void> {
    const file = this.file;
    if (!file) throw new Error('the runtime log is not open');
    let off = 0;
    try {
      while (off < buf.length) {
        const n = await this.valve.write(file, buf, off);
        if (n <= 0) throw Object.assign(new Error(`EIO: write to ${this.opts.path} made no progress`), { code: 'EIO' });
        off += n;
      }
    } catch (err) {
      if (off > 0) await this.cutPartial(file, off);
      throw err;
    }
    this.size += buf.length;
    this.dirty = true;
    this.scheduleSync();
    const g = this.guard;
    if (g) {
      if (Date.now() < g.until && g.bytes + buf.length <= GUARD_MAX_BYTES) {
        g.chunks.push(buf);
        g.bytes += buf.length;
      } else this.guard = undefined;
    }
  }

  /**
   * The path no longer names the open file: stop using it. `keep` (it was moved, our lines are
   * in it) fsyncs it first. The next ensureOpen() opens whatever is at the path then. Returns
   * the acknowledged lines that went down with a guarded file (to be written again), if any;
   * the last `unacknowledged` bytes written are left out (the caller writes those again anyway).
   */
  leavePath(keep: boolean, unacknowledged = 0): Buffer | undefined {
    const old = this.file;
    const unsynced = this.dirty;
    const g = this.guard;
    this.file = undefined;
    this.id = undefined;
    this.dirty = false;
    this.guard = undefined;
    this.leftPath = true;
    let lost: Buffer | undefined;
    if (!keep && g && Date.now() < g.until && g.bytes > unacknowledged) lost = Buffer.concat(g.chunks, g.bytes).subarray(0, g.bytes - unacknowledged);
    if (!old) return lost;
    const timerSync = this.syncing;
    const before = this.retiring;
    const done: Promise<void> = (async () => {
      if (before) await before;
      if (timerSync) await timerSync; // never close an fd a timer fsync still uses
      if (keep && unsynced) {
        await old.sync().catch((err: Error) => this.opts.warn(`fsync of ${this.opts.path} (moved away) failed: ${err.message}`));
      }
      await old.close().catch(() => undefined);
    })().finally(() => {
      if (this.retiring === done) this.retiring = undefined;
    });
    this.retiring = done;
    return lost;
  }

  /**
   * The open file was found shorter than we wrote it (truncated in place). Our size follows. If
   * it is a guarded file, the acknowledged lines the truncation cut are handed back to be written
   * again: that is `mv runtime.jsonl runtime.jsonl.1; : > runtime.jsonl` landing on the file we
   * had just created at the empty path. `unacknowledged`: the last bytes written, which the
   * caller writes again itself if they were cut (if the truncation came before them, they are
   * the file's end).
   */
  truncatedTo(size: number, unacknowledged = 0): Buffer | undefined {
    this.size = size;
    const g = this.guard;
    if (!g || Date.now() >= g.until) return undefined;
    const all = Buffer.concat(g.chunks, g.bytes);
    const acked = all.length - unacknowledged;
    // What is left of the acknowledged part: everything but the unacknowledged tail when that
    // tail came after the truncation (size >= tail), else the first `size` bytes.
    const left = unacknowledged > 0 && size >= unacknowledged ? size - unacknowledged : Math.min(size, acked);
    g.chunks = [all.subarray(0, left)];
    g.bytes = left;
    return left < acked ? all.subarray(left, acked) : undefined;
  }

  /**
   * Hand the open file over to a rotation, which renamed it and now owns its fsync and close.
   * Its unsynced lines are the rotation's job (finishArchive).
   */
  detachForRotation(): LogFile | undefined {
    const old = this.file;
    this.guard = undefined;
    this.file = undefined;
    this.id = undefined;
    this.dirty = false;
    return old;
  }

  /** After a failed write: close without fsync; the next append opens the path afresh. */
  async drop(): Promise<void> {
    const old = this.file;
    this.guard = undefined;
    this.file = undefined;
    this.id = undefined;
    if (old) await old.close().catch(() => undefined);
  }

  /** fsync now if anything was written since the last one. Runs beside writes, not in the queue. */
  async sync(): Promise<void> {
    if (this.syncing) await this.syncing;
    const file = this.file;
    if (!this.dirty || !file) return;
    this.dirty = false;
    this.syncing = (async () => {
      try {
        await file.datasync();
      } catch (err) {
        // The next write will report a real failure; here we only make sure we try again.
        this.dirty = true;
        this.opts.warn(`fsync of ${this.opts.path} failed: ${(err as Error).message}`);
      } finally {
        this.syncing = undefined;
      }
    })();
    await this.syncing;
  }

  /** fsync now, including files that left the path. */
  async flush(): Promise<void> {
    this.clearTimer();
    if (this.retiring) await this.retiring;
    await this.sync();
  }

  /** Final fsync and close. */
  async close(): Promise<void> {
    this.closed = true;
    this.clearTimer();
    if (this.syncing) await this.syncing;
    if (this.retiring) await this.retiring;
    const file = this.file;
    this.file = undefined;
    this.id = undefined;
    if (file) {
      if (this.dirty) await file.sync().catch((err: Error) => this.opts.warn(`final fsync of ${this.opts.path} failed: ${err.message}`));
      await file.close().catch(() => undefined);
    }
    this.dirty = false;
  }

  private scheduleSync(): void {
    if (this.syncTimer || this.opts.fsyncIntervalMs === 0 || this.closed) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      void this.sync();
    }, this.opts.fsyncIntervalMs);
    // A pending fsync must not keep a CLI process alive; close() does the final one.
    this.syncTimer.unref();
  }

  private clearTimer(): void {
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
  }

  /**
   * Open the log; if its directory is gone (`rm -r logs/`), create it again with the writer's
   * directory mode: the path is the contract, whatever happened to it.
   */
  private openOrRecreateDir(): { file: LogFile; created: boolean } {
    const { path, fileMode, dirMode } = this.opts;
    try {
      return LogFile.openForAppend(path, fileMode);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      const first = mkdirSync(dirname(path), { recursive: true, mode: dirMode });
      if (first === undefined) throw err;
      // mkdir -p applied the umask: give every directory it made exactly dirMode.
      for (let d = resolve(dirname(path)); ; d = dirname(d)) {
        chmodSync(d, dirMode);
        if (d === resolve(first) || dirname(d) === d) break;
      }
      this.opts.warn(`the directory of ${path} was gone: created it again`);
      return LogFile.openForAppend(path, fileMode);
    }
  }

  /**
   * A write failed after `partial` bytes. With O_APPEND and our lock, those bytes are the
   * file's last ones: cut them off. If even that fails, end the fragment with a newline so the
   * lines after it stay parseable.
   */
  private async cutPartial(file: LogFile, partial: number): Promise<void> {
    try {
      const { size } = await file.stat();
      await file.truncate(Math.max(0, size - partial));
      return;
    } catch (err) {
      this.opts.warn(`could not remove a partially written line from ${this.opts.path}: ${(err as Error).message}`);
    }
    await file.write(Buffer.from('\n'), 0, 1).catch(() => undefined);
  }
}
