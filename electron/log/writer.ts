/**
 * The runtime.jsonl writer: the one place that appends to the log SIEMs tail.
 *
 * Guarantees (design.md sections 2 and 4, and what the reference product lacked):
 * - One JSON object per line, never a torn or interleaved line. Every append goes through one
 *   serialized queue: the first append of an event-loop turn is written at once, and appends
 *   made later in that turn, or while a write is in flight, are grouped into the next single
 *   write of whole lines (group commit, see scheduleDrain), on one fd opened
 *   O_APPEND, written synchronously while the disk is fast (writeSome). Short writes are
 *   continued; a write that fails half way is cut back (ftruncate) so no partial line remains.
 * - append() resolves once its lines were handed to the OS (the write returned): that is what
 *   a 200 to Codex promises. fsync follows within `fsyncIntervalMs` (a timer that exists only
 *   while there is unsynced data) and at close().
 * - One writer per log across processes (`<log>.lock`, see log-lock.ts).
 * - Rotation at `rotateBytes`, between lines, inside the queue. Only the renames and the open of
 *   the new file hold the queue, and they are synchronous (tens of microseconds; through the
 *   thread pool they took milliseconds at p99). The archive's fsync, its close and the directory
 *   fsync run right after, beside new writes (they used to add 5 to 15 ms to every request
 *   waiting behind a rotation). close() and flush() wait for them.
 * - Private files (0600 in 0700 dirs by default), whatever the umask.
 * - An event over `maxEventBytes` is truncated with a marker, never dropped (serialize.ts).
 * - A line torn by an earlier crash (SIGKILL mid-write) is cut off when the log is opened
 *   (torn-tail.ts): it was never acknowledged.
 * - A failed write rejects with LogUnavailableError (-> HTTP 503 + Retry-After), flips the
 *   health state (health-state.ts) and the next successful write flips it back.
 */
import { fstatSync, writeSync } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { healthFileFor } from '../shared/paths';
import { LogLockedError, LogUnavailableError } from './errors';
import { applyFileMode, DEFAULT_DIR_MODE, DEFAULT_FILE_MODE, ensureLogDir } from '../shared/file-modes';
import { DEFAULT_HEALTH_INTERVAL_MS, HealthReporter, type WriterHealth } from './health-state';
import { LogFile } from './log-file';
import { LogLock } from './log-lock';
import { DEFAULT_ROTATE_ARCHIVES, DEFAULT_ROTATE_BYTES, shiftArchives, syncLogDir } from './rotation';
import { lineBytes, lineBytesBound, MIN_EVENT_BYTES, serializeEvent } from './serialize';
import { repairTornTail } from './torn-tail';

export { LogLockedError, LogUnavailableError };
export type { WriterHealth };

export const DEFAULT_MAX_EVENT_BYTES = 64 * 1024;
export const DEFAULT_FSYNC_INTERVAL_MS = 1000;
export const DEFAULT_RETRY_AFTER_SECONDS = 5;
/** After a failed rotation (e.g. the directory became read-only) we keep appending and retry later. */
const ROTATE_RETRY_MS = 60_000;
/**
 * Appends are written synchronously (see writeWhole) while the disk answers from its cache. One
 * write slower than this means it does not (a disk under writeback pressure, a network home
 * directory): the writer then goes through libuv's thread pool for ASYNC_WRITES_MS, so the event
 * loop (healthz, other requests, the app) never waits for a slow disk more than once a minute.
 */
const SLOW_SYNC_WRITE_MS = 20;
const ASYNC_WRITES_MS = 60_000;

export interface RuntimeLogWriterOptions {
  /** The active log, e.g. ~/.beacon/endpoint/logs/runtime.jsonl. */
  path: string;
  /** Rotate before a write would make the file bigger than this (default 10 MiB). */
  rotateBytes?: number;
  /** Archives kept: runtime.jsonl.1 ... .N (default 5; 0 = no archive, the log restarts empty). */
  rotateArchives?: number;
  /** Largest line, newline included (default 64 KiB, at least 1 KiB). */
  maxEventBytes?: number;
  /** Mode of the log, its archives, the lock and the health file (default 0600). */
  fileMode?: number;
  /** Mode of directories this writer creates (default 0700). */
  dirMode?: number;
  /** Longest time between a write and its fsync (default 1000 ms; 0 = fsync before append() resolves). */
  fsyncIntervalMs?: number;
  /** Health file; default healthFileFor(path); false for none. */
  healthFile?: string | false;
  /** Minimum time between health-file updates caused only by new writes (default 10 s). */
  healthIntervalMs?: number;
  /** Written into the lock so a second writer's error names the first (default 'beacon-collector'). */
  purpose?: string;
  /** Suggested Retry-After for LogUnavailableError (default 5 s). */
  retryAfterSeconds?: number;
  onHealthChange?: (health: WriterHealth) => void;
  /** Non-fatal problems (loose directory mode, failed rotation, health file not writable). */
  onWarning?: (message: string) => void;
}

export interface AppendResult {
  /** Lines written for this call (= events given). */
  written: number;
  /** How many of them had to be truncated to fit maxEventBytes. */
  truncated: number;
}

interface Waiter {
  result: AppendResult;
  remaining: number;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

interface Entry {
  /** The event's JSON line, without its newline. */
  json: string;
  waiter: Waiter;
}

export class RuntimeLogWriter {
  readonly path: string;
  readonly rotateBytes: number;
  readonly rotateArchives: number;
  readonly maxEventBytes: number;
  readonly fileMode: number;
  readonly dirMode: number;
  readonly fsyncIntervalMs: number;
  readonly healthFile: string | undefined;
  private readonly retryAfterSeconds: number;
  private readonly onWarning?: (message: string) => void;
  private readonly warningList: string[] = [];

  private fh: LogFile | undefined;
  /** Our view of the file size: bytes we appended since open / rotation / last external truncation. */
  private size = 0;
  private reopenWanted = false;
  private rotateRetryAt = 0;
  /** Until when appends use the thread pool because a synchronous write was slow. */
  private asyncWritesUntil = 0;

  private pending: Entry[] = [];
  private writing = false;
  private drainScheduled = false;
  private inFlight: Promise<void> | undefined;

  private dirty = false;
  private syncTimer: NodeJS.Timeout | undefined;
  private syncing: Promise<void> | undefined;
  /** The last archive's fsync + close + directory fsync, running beside the queue. */
  private archiving: Promise<void> | undefined;
  /** True while the fd is being swapped (rotation, reopen, close): the fsync timer stays away. */
  private swapping = false;

  private closed = false;
  private closing: Promise<void> | undefined;

  private constructor(
    opts: RuntimeLogWriterOptions,
    private readonly lock: LogLock,
    private readonly reporter: HealthReporter,
  ) {
    this.path = resolve(opts.path);
    this.rotateBytes = opts.rotateBytes ?? DEFAULT_ROTATE_BYTES;
    this.rotateArchives = opts.rotateArchives ?? DEFAULT_ROTATE_ARCHIVES;
    this.maxEventBytes = opts.maxEventBytes ?? DEFAULT_MAX_EVENT_BYTES;
    this.fileMode = opts.fileMode ?? DEFAULT_FILE_MODE;
    this.dirMode = opts.dirMode ?? DEFAULT_DIR_MODE;
    this.fsyncIntervalMs = opts.fsyncIntervalMs ?? DEFAULT_FSYNC_INTERVAL_MS;
    this.healthFile = opts.healthFile === false ? undefined : opts.healthFile ?? healthFileFor(this.path);
    this.retryAfterSeconds = opts.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS;
    this.onWarning = opts.onWarning;
  }

  /**
   * Create the directory if needed, take the lock, open the log. Throws LogLockedError when
   * another live process writes this log, and plain errors for bad options or an unusable path.
   * A log that cannot be opened for a transient reason (disk full, I/O error) does not fail
   * open(): the writer starts 'unavailable' and retries on every append.
   */
  static async open(opts: RuntimeLogWriterOptions): Promise<RuntimeLogWriter> {
    validateOptions(opts);
    const path = resolve(opts.path);
    const fileMode = opts.fileMode ?? DEFAULT_FILE_MODE;
    const dirWarnings = await ensureLogDir(dirname(path), opts.dirMode ?? DEFAULT_DIR_MODE);
    const lock = await LogLock.acquire(path, opts.purpose ?? 'beacon-collector', fileMode);
    let writer: RuntimeLogWriter | undefined;
    try {
      const healthFile = opts.healthFile === false ? undefined : opts.healthFile ?? healthFileFor(path);
      const reporter = new HealthReporter({
        logPath: path,
        file: healthFile,
        fileMode,
        minIntervalMs: opts.healthIntervalMs ?? DEFAULT_HEALTH_INTERVAL_MS,
        onChange: opts.onHealthChange,
        onWarning: (m) => writer?.warn(m),
      });
      writer = new RuntimeLogWriter(opts, lock, reporter);
      for (const w of dirWarnings) writer.warn(w);
      try {
        writer.ensureOpen();
      } catch (err) {
        if (!isTransient(err)) throw err;
        await reporter.noteFailure((err as Error).message);
      }
      await reporter.start();
      return writer;
    } catch (err) {
      if (writer?.fh) await writer.fh.close().catch(() => undefined);
      await lock.release();
      throw err;
    }
  }

  /** Current write health (also persisted to the health file for other processes). */
  get health(): WriterHealth {
    return this.reporter.snapshot;
  }

  /**
   * Timers this writer holds right now (0 when idle: there is no periodic timer). Timers are
   * unref'd, so process.getActiveResourcesInfo() cannot show them; this is for tests and doctor.
   */
  get pendingTimers(): number {
    return (this.syncTimer ? 1 : 0) + (this.reporter.timerPending ? 1 : 0);
  }

  /** Non-fatal problems seen so far (also sent to onWarning). */
  get warnings(): readonly string[] {
    return [...this.warningList];
  }

  /**
   * Append events, one line each, in order. Resolves when the lines were handed to the OS.
   * Rejects with LogUnavailableError if the log cannot be written (nothing of this call then
   * remains in the file), and with TypeError, before writing anything, if an event is not a
   * JSON-serializable object.
   */
  append(events: readonly object[]): Promise<AppendResult> {
    if (this.closed) {
      return Promise.reject(new LogUnavailableError(this.path, 'the writer is closed', this.retryAfterSeconds));
    }
    if (!Array.isArray(events)) return Promise.reject(new TypeError('append() takes an array of events'));
    const result: AppendResult = { written: events.length, truncated: 0 };
    if (events.length === 0) return Promise.resolve(result);
    // Serialize outside the queue (CPU work that needs no file), so a bad event fails alone.
    const lines: string[] = [];
    try {
      for (const ev of events) {
        const s = serializeEvent(ev, this.maxEventBytes);
        if (s.truncated) result.truncated++;
        lines.push(s.json);
      }
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<AppendResult>((resolvePromise, reject) => {
      const waiter: Waiter = { result, remaining: lines.length, resolve: resolvePromise, reject };
      for (const json of lines) this.pending.push({ json, waiter });
      this.scheduleDrain();
    });
  }

  /** Wait for queued appends, then fsync now and bring the health file up to date. */
  async flush(): Promise<void> {
    await this.queueIdle();
    if (this.syncTimer) clearTimeout(this.syncTimer);
    this.syncTimer = undefined;
    if (this.archiving) await this.archiving;
    await this.syncNow();
    await this.reporter.idle();
  }

  /** Finish queued appends, fsync, close the file, persist the final health, release the lock. */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= (async () => {
      await this.queueIdle();
      if (this.syncTimer) clearTimeout(this.syncTimer);
      this.syncTimer = undefined;
      this.swapping = true;
      if (this.syncing) await this.syncing;
      if (this.archiving) await this.archiving;
      const fh = this.fh;
      this.fh = undefined;
      if (fh) {
        try {
          if (this.dirty) await fh.sync();
        } catch (err) {
          this.warn(`final fsync of ${this.path} failed: ${(err as Error).message}`);
        }
        await fh.close().catch(() => undefined);
      }
      this.dirty = false;
      await this.reporter.close();
      await this.lock.release();
    })();
    return this.closing;
  }

  // ---- the serialized queue ----

  /** Start a write of everything pending unless one is running (it restarts us when done). */
  private drain(): void {
    if (this.writing || this.pending.length === 0) return;
    this.writing = true;
    const batch = this.pending;
    this.pending = [];
    this.inFlight = this.writeBatch(batch).finally(() => {
      this.writing = false;
      this.inFlight = undefined;
      this.drain();
    });
  }

  /**
   * The first append of an event-loop turn is written at once; appends that follow in the same
   * turn (a burst, or a saturated collector) wait for the end of the turn and share one write(2),
   * as the group commit did when writes went through the thread pool. Writing everything at the
   * end of the turn made a lone request wait for every other request parsed in that turn: under
   * the bench's paced load the collector's own p99 (request in to answer out) was 2.3-3.1 ms
   * that way and under 1 ms writing at once; one write per request, on the other hand, costs
   * throughput at saturation. This keeps both.
   */
  private scheduleDrain(): void {
    if (this.drainScheduled) return;
    this.drainScheduled = true;
    setImmediate(this.endOfTurn);
    this.drain();
  }

  /** Bound: writes what was appended after the turn's first write. */
  private readonly endOfTurn = (): void => {
    this.drainScheduled = false;
    this.drain();
  };

  private async queueIdle(): Promise<void> {
    this.drain(); // entries waiting for a scheduled drain must not be left behind by close()
    while (this.inFlight) await this.inFlight;
  }

  /** Write one batch; settles every waiter in it. Never rejects. */
  private async writeBatch(batch: Entry[]): Promise<void> {
    let done = 0;
    try {
      if (this.reopenWanted) await this.reopen();
      this.ensureOpen();
      while (done < batch.length) {
        const end = this.size + this.bytesBound(batch, done) <= this.rotateBytes || Date.now() < this.rotateRetryAt ? batch.length : await this.chunkEnd(batch, done);
        const chunk = done === 0 && end === batch.length ? batch : batch.slice(done, end);
        await this.writeWhole(Buffer.from(chunk.map((e) => e.json).join('\n') + '\n', 'utf8'));
        if (this.fsyncIntervalMs === 0) await this.syncNow();
        done = end;
        for (const e of chunk) {
          if (--e.waiter.remaining === 0) e.waiter.resolve(e.waiter.result);
        }
        this.reporter.noteWrite(chunk.length);
      }
    } catch (err) {
      const reason = (err as Error).message || String(err);
      // Start from a fresh open next time: the fd may be the problem (EBADF, a replaced file).
      const fh = this.fh;
      this.fh = undefined;
      if (fh) await fh.close().catch(() => undefined);
      await this.reporter.noteFailure(reason);
      const failure = new LogUnavailableError(this.path, reason, this.retryAfterSeconds, err);
      const rejected = new Set<Waiter>();
      for (const e of batch.slice(done)) {
        if (!rejected.has(e.waiter)) {
          rejected.add(e.waiter);
          e.waiter.reject(failure);
        }
      }
    }
  }

  /** An upper bound of the bytes of batch[from...]: when even that fits, nothing is measured. */
  private bytesBound(batch: Entry[], from: number): number {
    let n = 0;
    for (let i = from; i < batch.length; i++) n += lineBytesBound(batch[i].json);
    return n;
  }

  /**
   * Near rotateBytes: rotate first if the next line does not fit, then return the end of the
   * largest run of whole lines from `from` that keeps the file within rotateBytes (at least one
   * line, so a line bigger than rotateBytes gets a file of its own).
   */
  private async chunkEnd(batch: Entry[], from: number): Promise<number> {
    if (this.size > 0 && this.size + lineBytes(batch[from].json) > this.rotateBytes && Date.now() >= this.rotateRetryAt) {
      await this.rotate();
    }
    let end = from;
    let bytes = 0;
    while (end < batch.length) {
      const b = lineBytes(batch[end].json);
      if (end > from && this.size + bytes + b > this.rotateBytes && Date.now() >= this.rotateRetryAt) break;
      bytes += b;
      end++;
    }
    return end;
  }

  /** Append all of buf (continuing short writes); on failure remove any part that was written. */
  private async writeWhole(buf: Buffer): Promise<void> {
    const fh = this.fh;
    if (!fh) throw new Error('the runtime log is not open');
    let off = 0;
    try {
      while (off < buf.length) {
        const bytesWritten = await this.writeSome(fh, buf, off);
        if (bytesWritten <= 0) throw Object.assign(new Error(`EIO: write to ${this.path} made no progress`), { code: 'EIO' });
        off += bytesWritten;
      }
    } catch (err) {
      if (off > 0) await this.cutPartial(fh, off);
      throw err;
    }
    this.size += buf.length;
    this.dirty = true;
    this.scheduleSync();
  }

  /**
   * One write(2) of buf from `off`, normally synchronous: a write of a few dozen KB into the page
   * cache takes tens of microseconds, while handing it to the thread pool and back took 0.3 ms
   * in the median and several ms at p99 on a busy 2-core machine (the worker thread waits to be
   * scheduled), and every request queued behind it paid that. Measured with the bench's paced
   * load: the writer's p99 went from about 10 ms to 3 to 4 ms. See SLOW_SYNC_WRITE_MS for the
   * way back to asynchronous writes when the disk is slow.
   */
  private async writeSome(fh: LogFile, buf: Buffer, off: number): Promise<number> {
    if (Date.now() < this.asyncWritesUntil) return fh.write(buf, off, buf.length - off);
    const t0 = performance.now();
    const n = writeSync(fh.fd, buf, off, buf.length - off);
    if (performance.now() - t0 > SLOW_SYNC_WRITE_MS) this.asyncWritesUntil = Date.now() + ASYNC_WRITES_MS;
    return n;
  }

  /**
   * A write failed after `partial` bytes. With O_APPEND and our lock, those bytes are the
   * file's last ones: cut them off. If even that fails, end the fragment with a newline so the
   * lines after it stay parseable.
   */
  private async cutPartial(fh: LogFile, partial: number): Promise<void> {
    try {
      const { size } = await fh.stat();
      await fh.truncate(Math.max(0, size - partial));
      return;
    } catch (err) {
      this.warn(`could not remove a partially written line from ${this.path}: ${(err as Error).message}`);
    }
    await fh.write(Buffer.from('\n'), 0, 1).catch(() => undefined);
  }

  /**
   * Open the log if it is not open. Synchronous (see log-file.ts): after a rotation every
   * queued request waits for this.
   */
  private ensureOpen(): void {
    if (this.fh) return;
    const { file, created } = LogFile.openForAppend(this.path, this.fileMode);
    try {
      const warning = applyFileMode(file.fd, this.path, this.fileMode, created);
      if (warning) this.warn(warning);
      if (!created) {
        const repaired = repairTornTail(file.fd, this.path, this.maxEventBytes);
        if (repaired) this.warn(repaired);
      }
      this.size = fstatSync(file.fd).size;
    } catch (err) {
      try {
        file.closeSync();
      } catch {
        /* already failing */
      }
      throw err;
    }
    this.fh = file;
  }

  /** The path no longer names our file (moved by logrotate, deleted): continue in a new one. */
  private async reopen(): Promise<void> {
    this.reopenWanted = false;
    this.swapping = true;
    try {
      if (this.syncing) await this.syncing;
      const old = this.fh;
      this.fh = undefined;
      if (old) {
        await old.sync().catch(() => undefined);
        await old.close().catch(() => undefined);
      }
      this.dirty = false;
    } finally {
      this.swapping = false;
    }
  }

  private async rotate(): Promise<void> {
    const old = this.fh;
    if (!old) return;
    this.swapping = true;
    try {
      // Rotations are rotateBytes apart, so the previous archive is normally long finished.
      if (this.archiving) await this.archiving;
      let expired: string | undefined;
      try {
        expired = shiftArchives(this.path, this.rotateArchives);
      } catch (err) {
        // Nothing is lost by not rotating: keep appending to the current file and retry later.
        this.rotateRetryAt = Date.now() + ROTATE_RETRY_MS;
        this.warn(`could not rotate ${this.path}: ${(err as Error).message}; still appending to it`);
        return;
      }
      // The old name is gone now; a failure to create the new file is a write failure.
      this.fh = undefined;
      this.dirty = false; // the archive's unsynced lines are finishArchive's job now
      this.archiving = this.finishArchive(old, expired);
      this.ensureOpen();
    } finally {
      this.swapping = false;
    }
  }

  /**
   * Make a just-renamed archive durable, beside the queue: its lines were acknowledged before
   * the rename, so this is the same promise as the fsync timer's (durable within moments),
   * and new requests need not wait for a 10 MiB fsync and a directory journal commit. Also
   * deletes the archive that fell off the end (`expired`), which takes about a millisecond.
   */
  private async finishArchive(old: LogFile, expired: string | undefined): Promise<void> {
    const pendingSync = this.syncing; // a timer fsync of `old` may be running: let it end first
    if (pendingSync) await pendingSync;
    // With no archives kept, `old` is the expired file itself: no point in syncing it.
    if (this.rotateArchives > 0) {
      try {
        await old.sync();
      } catch (err) {
        this.warn(`fsync of the rotated log ${this.path}.1 failed: ${(err as Error).message}`);
      }
    }
    await old.close().catch(() => undefined);
    if (expired) {
      await rm(expired, { force: true }).catch((err: Error) => this.warn(`could not delete the expired log archive ${expired}: ${err.message}`));
    }
    await syncLogDir(this.path);
  }

  // ---- fsync ----

  private scheduleSync(): void {
    if (this.syncTimer || this.fsyncIntervalMs === 0 || this.closed) return;
    this.syncTimer = setTimeout(() => {
      this.syncTimer = undefined;
      void this.syncNow();
    }, this.fsyncIntervalMs);
    // A pending fsync must not keep a CLI process alive; close() does the final one.
    this.syncTimer.unref();
  }

  /** fsync if anything was written since the last one. Runs beside writes, not in the queue. */
  private async syncNow(): Promise<void> {
    if (this.syncing) await this.syncing;
    const fh = this.fh;
    if (!this.dirty || !fh || this.swapping) return;
    this.dirty = false;
    this.syncing = (async () => {
      try {
        await fh.datasync();
        await this.checkFileIdentity(fh);
      } catch (err) {
        // The next write will report a real failure; here we only make sure we try again.
        this.dirty = true;
        this.warn(`fsync of ${this.path} failed: ${(err as Error).message}`);
      } finally {
        this.syncing = undefined;
      }
    })();
    await this.syncing;
  }

  /**
   * Once a second at most (piggybacked on fsync): notice that the file was truncated by someone
   * else (logrotate copytruncate: our size must follow) or moved away (logrotate create: write
   * to a new file at the path, like any daemon after SIGHUP, without needing the signal).
   */
  private async checkFileIdentity(fh: LogFile): Promise<void> {
    const mine = await fh.stat();
    // Rotated while we looked: `fh` is an archive now and says nothing about the active file.
    if (fh !== this.fh) return;
    if (mine.size < this.size) this.size = mine.size;
    if (!mine.isFile()) return;
    try {
      const atPath = await stat(this.path);
      if (fh !== this.fh) return;
      if (atPath.ino !== mine.ino || atPath.dev !== mine.dev) this.reopenWanted = true;
    } catch (err) {
      if (fh === this.fh && (err as NodeJS.ErrnoException).code === 'ENOENT') this.reopenWanted = true;
    }
  }

  private warn(message: string): void {
    this.warningList.push(message);
    if (this.warningList.length > 100) this.warningList.shift();
    try {
      this.onWarning?.(message);
    } catch {
      /* a listener's bug must not break writing */
    }
  }
}

/** Errors that a freed disk or a fixed device can cure without restarting. */
function isTransient(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'EIO' || code === 'EAGAIN';
}

function validateOptions(o: RuntimeLogWriterOptions): void {
  const bad = (what: string): never => {
    throw new TypeError(`RuntimeLogWriter: ${what}`);
  };
  if (!o || typeof o.path !== 'string' || o.path.length === 0) bad('path is required');
  const posInt = (v: number | undefined, name: string, min: number): void => {
    if (v !== undefined && (!Number.isInteger(v) || v < min)) bad(`${name} must be an integer >= ${min}, got ${v}`);
  };
  posInt(o.rotateBytes, 'rotateBytes', 1);
  posInt(o.rotateArchives, 'rotateArchives', 0);
  posInt(o.maxEventBytes, 'maxEventBytes', MIN_EVENT_BYTES);
  posInt(o.fsyncIntervalMs, 'fsyncIntervalMs', 0);
  posInt(o.healthIntervalMs, 'healthIntervalMs', 0);
  for (const [name, m] of [['fileMode', o.fileMode], ['dirMode', o.dirMode]] as const) {
    if (m !== undefined && (!Number.isInteger(m) || m < 0 || m > 0o777)) bad(`${name} must be a permission mode like 0o600, got ${m}`);
  }
}
