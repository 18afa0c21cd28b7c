/**
 * The runtime.jsonl writer: the one place that appends to the log SIEMs tail.
 *
 * Guarantees (design.md sections 2 and 4, and what the reference product lacked):
 * - One JSON object per line, never an interleaved line: appends go through one serialized
 *   queue and are written as whole lines on one fd opened O_APPEND (append-queue.ts: group
 *   commit; active-log.ts: whole writes, cut back on failure; slow-disk-valve.ts: synchronous
 *   writes while the disk is fast).
 * - append() resolves once its lines were handed to the OS in THE FILE AT THE PATH: that is
 *   what a 200 to Codex promises. Before and after each write the path's identity is compared
 *   with the open file's (file-identity.ts), so a log deleted, moved away or replaced while we
 *   run gets a new file at the path with the next write, and lines that went into a file that
 *   lost its last name (deleted, replaced) or were cut by a truncation in place are written
 *   again before they are acknowledged. Lines written into a file that was renamed during the
 *   write stay there (that is the rotated file where logrotate or newsyslog put them).
 *   docs/log-rotation.md spells out what is found where.
 * - fsync follows within `fsyncIntervalMs` (a timer that exists only while there is unsynced
 *   data) and at close().
 * - One writer per log across processes (`<log>.lock`, see log-lock.ts).
 * - Rotation at `rotateBytes`, between lines, inside the queue (rotator.ts); a rotation that
 *   fails is reported in the health state and retried.
 * - Private files (0600 in 0700 dirs by default), whatever the umask.
 * - An event over `maxEventBytes` is truncated with a marker, never dropped (serialize.ts).
 * - A line torn by an earlier crash (SIGKILL mid-write) is cut off when the log is opened
 *   (torn-tail.ts): it was never acknowledged.
 * - A failed write rejects with LogUnavailableError (-> HTTP 503 + Retry-After), flips the
 *   health state (health-state.ts) and the next successful write flips it back.
 */
import { dirname, resolve } from 'node:path';
import { healthFileFor } from '../shared/paths';
import { DEFAULT_DIR_MODE, DEFAULT_FILE_MODE, ensureLogDir } from '../shared/file-modes';
import { ActiveLog } from './active-log';
import { AppendQueue, rejectUnwritten, requestChunkEnd, settleWritten, type AppendResult, type QueuedLine } from './append-queue';
import { LogLockedError, LogUnavailableError } from './errors';
import { stillLinked } from './file-identity';
import { DEFAULT_HEALTH_INTERVAL_MS, HealthReporter, type WriterHealth } from './health-state';
import { LogLock } from './log-lock';
import { DEFAULT_ROTATE_ARCHIVES, DEFAULT_ROTATE_BYTES } from './rotation';
import { Rotator } from './rotator';
import { serializeEvent } from './serialize';
import {
  DEFAULT_FSYNC_INTERVAL_MS,
  DEFAULT_MAX_EVENT_BYTES,
  DEFAULT_RETRY_AFTER_SECONDS,
  isTransient,
  validateOptions,
  type RuntimeLogWriterOptions,
} from './writer-options';

export { LogLockedError, LogUnavailableError };
export type { AppendResult, RuntimeLogWriterOptions, WriterHealth };
export { DEFAULT_FSYNC_INTERVAL_MS, DEFAULT_MAX_EVENT_BYTES, DEFAULT_RETRY_AFTER_SECONDS };

/**
 * How often one chunk may be written again because the file it went into lost its name or was
 * truncated during the write. More than that means someone removes the log in a loop: refuse
 * (503) rather than spin.
 */
const MAX_REWRITES = 3;

/**
 * The chunk's lines, each followed by a newline, as one UTF-8 buffer. Written line by line into
 * a buffer of the exact size: joining them first (and appending the last newline) copied every
 * byte three more times per write, the lines being ropes of the serializer's pieces.
 */
function linesBuffer(chunk: readonly QueuedLine[]): Buffer {
  let bytes = 0;
  for (const e of chunk) bytes += Buffer.byteLength(e.json, 'utf8') + 1;
  const buf = Buffer.allocUnsafe(bytes);
  let off = 0;
  for (const e of chunk) {
    off += buf.write(e.json, off, 'utf8');
    buf[off++] = 0x0a;
  }
  return buf;
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

  private readonly active: ActiveLog;
  private readonly rotator: Rotator;
  private readonly queue = new AppendQueue((batch) => this.writeBatch(batch));
  /** Set while the path cannot be looked at, so that is said once, not per write. */
  private pathUnknown = false;
  /** Acknowledged lines that went down with a re-created file (active-log.ts: guard), to put back. */
  private lost: Buffer | undefined;

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
    const warn = (m: string): void => this.warn(m);
    this.active = new ActiveLog({ path: this.path, fileMode: this.fileMode, dirMode: this.dirMode, maxEventBytes: this.maxEventBytes, fsyncIntervalMs: this.fsyncIntervalMs, warn });
    this.rotator = new Rotator({
      path: this.path,
      rotateBytes: this.rotateBytes,
      rotateArchives: this.rotateArchives,
      warn,
      onFailure: (reason, logBytes) => this.reporter.noteRotationFailure(reason, logBytes, this.rotateBytes),
      onRecovered: () => this.reporter.noteRotationOk(),
    });
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
        writer.active.ensureOpen();
      } catch (err) {
        if (!isTransient(err)) throw err;
        await reporter.noteFailure((err as Error).message);
      }
      await reporter.start();
      return writer;
    } catch (err) {
      await writer?.active.drop();
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
    return (this.active.timerPending ? 1 : 0) + (this.reporter.timerPending ? 1 : 0);
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
    return this.queue.enqueue(lines, result);
  }

  /** Wait for queued appends, then fsync now and bring the health file up to date. */
  async flush(): Promise<void> {
    await this.queue.idle();
    await this.rotator.idle();
    await this.active.flush();
    await this.reporter.idle();
  }

  /** Finish queued appends, fsync, close the file, persist the final health, release the lock. */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= (async () => {
      await this.queue.idle();
      if (this.lost) await this.writeBatch([]);
      await this.rotator.idle();
      await this.active.close();
      await this.reporter.close();
      await this.lock.release();
    })();
    return this.closing;
  }

  /** Write one batch; settles every append in it. Never rejects. */
  private async writeBatch(batch: QueuedLine[]): Promise<void> {
    let done = 0;
    let rewrites = 0;
    const tooMany = (): Error =>
      Object.assign(new Error(`ESTALE: ${this.path} was removed or truncated while being written, ${MAX_REWRITES} times in a row`), { code: 'ESTALE' });
    // One stat before the batch's first write is enough: each write is followed by one, and a file
    // just opened was opened by its path.
    let checked = false;
    try {
      while (done < batch.length || this.lost) {
        if (!this.active.isOpen) {
          this.active.ensureOpen();
          checked = true;
        }
        if (!checked) this.followPath();
        checked = true;
        if (this.lost) {
          if (!(await this.restoreLost()) && ++rewrites > MAX_REWRITES) throw tooMany();
          continue;
        }
        const end = await this.rotator.chunkEnd(batch, done, requestChunkEnd(batch, done), this.active);
        const chunk = done === 0 && end === batch.length ? batch : batch.slice(done, end);
        const buf = linesBuffer(chunk);
        await this.active.write(buf);
        if (!this.landedAtPath(buf.length)) {
          if (++rewrites > MAX_REWRITES) throw tooMany();
          continue; // the same lines again, into the file now at the path
        }
        rewrites = 0;
        if (this.fsyncIntervalMs === 0) await this.active.flush();
        done = end;
        settleWritten(chunk);
        this.reporter.noteWrite(chunk.length);
      }
    } catch (err) {
      const reason = (err as Error).message || String(err);
      // Start from a fresh open next time: the fd may be the problem (EBADF, a replaced file).
      await this.active.drop();
      await this.reporter.noteFailure(reason);
      rejectUnwritten(batch.slice(done), new LogUnavailableError(this.path, reason, this.retryAfterSeconds, err));
    }
  }

  /** Write the lost acknowledged lines into the file now at the path; false if they were lost again. */
  private async restoreLost(): Promise<boolean> {
    const buf = this.lost!;
    await this.active.write(buf); // if this throws, they stay lost-and-pending for the next batch
    this.lost = undefined;
    if (this.landedAtPath(buf.length)) return true;
    this.lost = this.lost ? Buffer.concat([buf, this.lost]) : buf;
    return false;
  }

  /**
   * Before a write: make sure the path names the open file. Moved away, deleted or replaced
   * since the last write: continue in the file at the path (created if none), like any daemon
   * after SIGHUP, without needing the signal. Truncated in place (copytruncate): our size
   * follows, so rotation does not come early.
   */
  private followPath(): void {
    const st = this.active.pathState();
    if (st.kind === 'ours') {
      this.pathUnknown = false;
      if (st.size < this.active.size) this.noteLost(this.active.truncatedTo(st.size));
      else this.active.size = st.size; // someone else appended
      return;
    }
    if (st.kind === 'unknown') {
      // Cannot look (a directory on the way lost its search permission): keep the open file.
      if (!this.pathUnknown) this.warn(`cannot check that ${this.path} is still the open log (${st.reason}); still appending to the open file`);
      this.pathUnknown = true;
      return;
    }
    this.leavePath(st.kind);
    this.active.ensureOpen();
  }

  /**
   * After a write of `written` bytes: are they in the file at the path? false means they are
   * gone (the file lost its last name, or a truncation in place came after the write) and must
   * be written again. A file renamed away during the write keeps them: true, and the next
   * write goes to the file at the path.
   */
  private landedAtPath(written: number): boolean {
    const st = this.active.pathState();
    if (st.kind === 'ours') {
      if (st.size >= this.active.size) return true;
      // Truncated during the write. If it holds at least what we wrote, the truncation came
      // first and our lines are its end (O_APPEND); less, and it came after: they are gone.
      this.noteLost(this.active.truncatedTo(st.size, written));
      return st.size >= written;
    }
    if (st.kind === 'unknown') return true;
    return this.leavePath(st.kind, written);
  }

  /**
   * Stop using the open file; true if it still has a name (moved away: it keeps our lines).
   * `unacknowledged`: bytes just written that the caller writes again if they were lost.
   */
  private leavePath(atPath: 'missing' | 'other', unacknowledged = 0): boolean {
    const fd = this.active.fd;
    const kept = fd !== undefined && stillLinked(fd);
    const what = atPath === 'missing' ? (kept ? 'moved away' : 'deleted') : kept ? 'moved away and replaced' : 'replaced';
    this.warn(`${this.path} was ${what}: continuing in the file at that path`);
    this.noteLost(this.active.leavePath(kept, unacknowledged));
    return kept;
  }

  /** Acknowledged lines that went down with a guarded file: written again before anything new. */
  private noteLost(lost: Buffer | undefined): void {
    if (lost) this.lost = this.lost ? Buffer.concat([this.lost, lost]) : lost;
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
