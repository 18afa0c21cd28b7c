/**
 * The write health of a runtime log, shared with other processes through a small JSON file next
 * to the log (`healthFileFor(runtimeLog)` in shared/paths.ts). The collector may run in the app,
 * in a LaunchAgent or in the system daemon; `beacon status`, `beacon doctor` and the tray read
 * this file to say "the log cannot be written: disk full" without talking to the collector.
 *
 * Reading it: a file whose `pid` is not alive (or that has `closedAt`) means "collector not
 * running" whatever its `status` says; `readHealthState` computes that as `running`.
 *
 * Two things can be wrong, and either one is red for every reader (status, doctor, the dashboard,
 * the tray): `status: 'unavailable'` (events are refused with 503) and `rotation` (events are
 * written, but the log cannot be rotated and grows past its size limit).
 *
 * Writing it: on state changes only (startup, ok <-> unavailable, rotation failing <-> working,
 * close), plus `lastWriteAt` (and the size of a log that cannot be rotated) at
 * most every `minIntervalMs` (10 s) while events flow; never once per event. Each write is
 * atomic (temp file + rename) so a reader never sees half a file. When the disk is full the
 * rename route fails too, so we fall back to overwriting the existing file in place: it is padded
 * to a fixed size, so that overwrite needs no new blocks on ordinary filesystems.
 */
import { hostname } from 'node:os';
import { open, readFile, rename, unlink } from 'node:fs/promises';
import { pidAlive } from './log-lock';

export type WriteStatus = 'ok' | 'unavailable';

/** What the writer reports about itself (RuntimeLogWriter.health). */
export interface WriterHealth {
  status: WriteStatus;
  /** Why the log cannot be written (only when unavailable), e.g. "ENOSPC: no space left on device". */
  reason?: string;
  /** When the current status began (RFC 3339). */
  since?: string;
  /** Last time events were handed to the OS. */
  lastWriteAt?: string;
  /** Events written by this writer since it was opened. */
  eventsWritten: number;
  /** Present while the log cannot be rotated (it keeps growing past its limit). */
  rotation?: RotationHealth;
}

/** Why the log cannot be rotated; the writer retries on its own (rotator.ts). */
export interface RotationHealth {
  /** e.g. "cannot rotate: EACCES (rename)" */
  reason: string;
  /** When rotation first failed (RFC 3339). */
  since: string;
  /** Size of the log at the last attempt, and the limit it should stay under. */
  logBytes: number;
  limitBytes: number;
}

/** The file's content. */
export interface HealthFileContent {
  status: WriteStatus;
  reason?: string;
  since: string;
  pid: number;
  hostname: string;
  logPath: string;
  updatedAt: string;
  lastWriteAt?: string;
  eventsWritten: number;
  rotation?: RotationHealth;
  /** Set by a clean close: the collector stopped on purpose. */
  closedAt?: string;
}

/** What other processes get from readHealthState. */
export interface HealthState {
  status: WriteStatus;
  reason?: string;
  since?: string;
  pid?: number;
  updatedAt?: string;
  lastWriteAt?: string;
  logPath?: string;
  eventsWritten?: number;
  /** Present while the writer cannot rotate the log. */
  rotation?: RotationHealth;
  closedAt?: string;
  /** false when the writing process is gone (dead pid, or closed cleanly): "collector not running". */
  running: boolean;
}

/** Pad the JSON to this many bytes so an in-place overwrite never grows the file. */
const PADDED_SIZE = 1024;
export const DEFAULT_HEALTH_INTERVAL_MS = 10_000;

/**
 * Read a health file written by any Beacon process. undefined when there is none, or it is not
 * a health file (missing status). Never throws for missing / garbled files.
 */
export async function readHealthState(path: string): Promise<HealthState | undefined> {
  let parsed: Partial<HealthFileContent>;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<HealthFileContent>;
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object' || (parsed.status !== 'ok' && parsed.status !== 'unavailable')) return undefined;
  const sameHost = !parsed.hostname || parsed.hostname === hostname();
  const alive = typeof parsed.pid === 'number' && (sameHost ? pidAlive(parsed.pid) : true);
  return {
    status: parsed.status,
    reason: parsed.reason,
    since: parsed.since,
    pid: parsed.pid,
    updatedAt: parsed.updatedAt,
    lastWriteAt: parsed.lastWriteAt,
    logPath: parsed.logPath,
    eventsWritten: parsed.eventsWritten,
    rotation: rotationOf(parsed.rotation),
    closedAt: parsed.closedAt,
    running: alive && !parsed.closedAt,
  };
}

/** A health file's `rotation` block if it is well formed (other versions may write anything). */
export function rotationOf(v: unknown): RotationHealth | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const r = v as Partial<RotationHealth>;
  if (typeof r.reason !== 'string') return undefined;
  return {
    reason: r.reason,
    since: typeof r.since === 'string' ? r.since : '',
    logBytes: typeof r.logBytes === 'number' ? r.logBytes : 0,
    limitBytes: typeof r.limitBytes === 'number' ? r.limitBytes : 0,
  };
}

/** Write `content` to `path` atomically, falling back to an in-place overwrite (disk full). */
export async function writeHealthFile(path: string, content: HealthFileContent, fileMode: number): Promise<void> {
  const json = JSON.stringify(content);
  const text = json.length < PADDED_SIZE - 1 ? json + ' '.repeat(PADDED_SIZE - 1 - json.length) + '\n' : json + '\n';
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    const fh = await open(tmp, 'w', fileMode);
    try {
      await fh.chmod(fileMode);
      await fh.writeFile(text);
      await fh.datasync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    if (!(await overwriteInPlace(path, text))) throw err;
  }
}

async function overwriteInPlace(path: string, text: string): Promise<boolean> {
  let fh;
  try {
    fh = await open(path, 'r+');
  } catch {
    return false;
  }
  try {
    const { size } = await fh.stat();
    // Exactly the old size: padding keeps the JSON valid and the file from growing.
    const json = text.trimEnd();
    const jsonBytes = Buffer.byteLength(json);
    if (jsonBytes + 1 > size) return false;
    const buf = Buffer.from(json + ' '.repeat(size - jsonBytes - 1) + '\n');
    await fh.write(buf, 0, buf.length, 0);
    return true;
  } catch {
    return false;
  } finally {
    await fh.close();
  }
}

export interface HealthReporterOptions {
  logPath: string;
  /** Where to persist; undefined keeps the state in memory only. */
  file?: string;
  fileMode: number;
  /** Minimum time between two persists caused only by new writes (default 10 s). */
  minIntervalMs?: number;
  onChange?: (health: WriterHealth) => void;
  onWarning?: (message: string) => void;
}

/**
 * Holds a writer's health and persists it with the throttling described above. The only timer
 * is a trailing one that exists while an update is waiting for its 10 s slot, and it is unref'd.
 */
export class HealthReporter {
  private state: WriterHealth;
  private readonly minIntervalMs: number;
  private lastPersistAt = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private again = false;
  private closedAt: string | undefined;

  constructor(private readonly opts: HealthReporterOptions) {
    this.minIntervalMs = opts.minIntervalMs ?? DEFAULT_HEALTH_INTERVAL_MS;
    this.state = { status: 'ok', since: new Date().toISOString(), eventsWritten: 0 };
  }

  get snapshot(): WriterHealth {
    const s = { ...this.state };
    if (s.rotation) s.rotation = { ...s.rotation };
    return s;
  }

  /** Whether a trailing persist is scheduled (the only timer this class ever holds). */
  get timerPending(): boolean {
    return this.timer !== undefined;
  }

  /** Persist the initial state (called once the writer holds its lock). */
  start(): Promise<void> {
    return this.persist();
  }

  /** Events were handed to the OS. */
  noteWrite(events: number): void {
    const now = new Date();
    this.state.eventsWritten += events;
    this.state.lastWriteAt = now.toISOString();
    if (this.state.status !== 'ok') {
      const { lastWriteAt, eventsWritten, rotation } = this.state;
      this.state = { status: 'ok', since: lastWriteAt, lastWriteAt, eventsWritten, ...(rotation ? { rotation } : {}) };
      this.changed();
      void this.persist();
      return;
    }
    const wait = this.lastPersistAt + this.minIntervalMs - now.getTime();
    if (wait <= 0) void this.persist();
    else if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.persist();
      }, wait);
      this.timer.unref();
    }
  }

  /** A write failed: flip to unavailable (or update the reason) and persist before returning. */
  async noteFailure(reason: string): Promise<void> {
    if (this.state.status === 'unavailable' && this.state.reason === reason) return;
    const since = this.state.status === 'unavailable' ? this.state.since : new Date().toISOString();
    this.state = { ...this.state, status: 'unavailable', reason, since };
    this.changed();
    await this.persist();
  }

  /**
   * The log could not be rotated (again), or still cannot. A new failure (or a new reason) is
   * persisted at once; otherwise only the size is updated, and the next throttled persist
   * (at most every minIntervalMs, while events flow) carries it.
   */
  noteRotationFailure(reason: string, logBytes: number, limitBytes: number): void {
    const prev = this.state.rotation;
    this.state = { ...this.state, rotation: { reason, since: prev?.since ?? new Date().toISOString(), logBytes, limitBytes } };
    if (prev && prev.reason === reason) return;
    this.changed();
    void this.persist();
  }

  /** Rotation works again (or is no longer needed). */
  noteRotationOk(): void {
    if (!this.state.rotation) return;
    const { rotation: _gone, ...rest } = this.state;
    this.state = rest;
    this.changed();
    void this.persist();
  }

  /** Wait until every requested persist is on disk. */
  async idle(): Promise<void> {
    while (this.inFlight) await this.inFlight;
  }

  /** Final persist with closedAt; clears the trailing timer. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.closedAt = new Date().toISOString();
    await this.persist();
    await this.idle();
  }

  private changed(): void {
    try {
      this.opts.onChange?.(this.snapshot);
    } catch {
      /* a listener's bug must not break writing */
    }
  }

  /** Serialized and coalesced: at most one write in flight, the latest state always wins. */
  private persist(): Promise<void> {
    if (!this.opts.file) return Promise.resolve();
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.inFlight) {
      this.again = true;
      return this.inFlight;
    }
    const file = this.opts.file;
    this.inFlight = (async () => {
      do {
        this.again = false;
        this.lastPersistAt = Date.now();
        const content: HealthFileContent = {
          status: this.state.status,
          reason: this.state.reason,
          since: this.state.since ?? new Date().toISOString(),
          pid: process.pid,
          hostname: hostname(),
          logPath: this.opts.logPath,
          updatedAt: new Date().toISOString(),
          lastWriteAt: this.state.lastWriteAt,
          eventsWritten: this.state.eventsWritten,
          rotation: this.state.rotation,
          closedAt: this.closedAt,
        };
        try {
          await writeHealthFile(file, content, this.opts.fileMode);
        } catch (err) {
          this.opts.onWarning?.(`could not write the health file ${file}: ${(err as Error).message}`);
        }
      } while (this.again);
      this.inFlight = undefined;
    })();
    return this.inFlight;
  }
}
