/**
 * The runtime-log reader: indexes the rotated archives and the current log once at start
 * (streaming, oldest first), then follows the current log live and tells subscribers about
 * each batch of new events. The dashboard, the tray and the bench all read the log through it.
 *
 * Archives are `<log>.1` .. `<log>.N`, `.N` oldest (the writer's rotation scheme, matching the
 * reference product). Lines that are not Beacon events are counted and skipped, never fatal.
 * An unterminated last line is not a line yet (log-tail.ts): it is never parsed, only counted
 * as skipped once it can no longer be completed (the end of an archive).
 */
import { access } from 'node:fs/promises';
import type { EventRecord } from '../shared/api';
import type { EventEnricher } from '../shared/harness';
import { EventIndex } from './log-index';
import { drainFile, LogTail, openLogFile, type OpenLogFile } from './log-tail';
import { LineSplitter, parseEventLine, type ParsedEvent } from './reader-lines';

/** We look for archives up to this number; the writer keeps 5 by default. */
export const MAX_ARCHIVES = 20;

export interface LogReaderOptions {
  logPath: string;
  /** Highest archive number to look for (default MAX_ARCHIVES). */
  maxArchives?: number;
  /** Follow the current log after indexing (default true). */
  follow?: boolean;
  /** Fallback poll period for the live tail (default 10 s; fs.watch is the primary signal). */
  pollIntervalMs?: number;
  /**
   * Run on each event before it is indexed (the dashboard prices token.usage events written
   * before Beacon priced them). An enricher that throws is skipped for that batch.
   */
  enrichers?: readonly EventEnricher[];
}

export type EventsListener = (records: EventRecord[]) => void;
export type SiblingListener = (filename: string) => void;

export class LogReader {
  readonly index = new EventIndex();
  private skipped = 0;
  private error: string | null = null;
  private tail: LogTail | null = null;
  private readonly listeners = new Set<EventsListener>();
  private readonly siblingListeners = new Set<SiblingListener>();

  private constructor(
    readonly logPath: string,
    private readonly enrichers: readonly EventEnricher[] = [],
  ) {}

  /** Index the archives and the current log, then (by default) start following it. */
  static async open(opts: LogReaderOptions): Promise<LogReader> {
    const reader = new LogReader(opts.logPath, opts.enrichers);
    // Open the current log BEFORE reading the archives: if the writer rotates meanwhile, our
    // handle follows the renamed file (read in full below, then the tail moves to the new
    // one), and indexArchives skips that same inode so nothing is read twice or missed.
    let current: OpenLogFile | null = null;
    try {
      current = await openLogFile(opts.logPath);
    } catch (err) {
      reader.error = describe(err, opts.logPath);
    }
    await reader.indexArchives(opts.maxArchives ?? MAX_ARCHIVES, current);
    try {
      if (current) await drainFile(current, (lines) => reader.ingest(lines, false));
    } catch (err) {
      reader.error = describe(err, opts.logPath);
      if (current) await current.handle.close().catch(() => undefined);
      current = null;
    }
    if (opts.follow === false) {
      if (current) await current.handle.close();
      return reader;
    }
    reader.tail = new LogTail({
      path: opts.logPath,
      pollIntervalMs: opts.pollIntervalMs,
      onLines: (lines) => reader.ingest(lines, true),
      onSiblingChange: (name) => reader.emitSibling(name),
      onTornTail: () => {
        reader.skipped++;
      },
      onError: (err) => {
        reader.error = describe(err, opts.logPath);
      },
    });
    reader.tail.start(current);
    // Catch anything appended between our read and the watcher starting.
    await reader.tail.check();
    return reader;
  }

  /** Lines that were not Beacon events (bad JSON, other tools' output, torn writes). */
  get skippedLines(): number {
    return this.skipped;
  }

  /** The last error reading the log (permissions, I/O), or null. */
  get lastError(): string | null {
    return this.error;
  }

  /** Called with each batch of newly appended events, in write order. Returns an unsubscribe. */
  subscribe(listener: EventsListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called when another file in the log directory changes (e.g. the collector health file). */
  onSiblingChange(listener: SiblingListener): () => void {
    this.siblingListeners.add(listener);
    return () => this.siblingListeners.delete(listener);
  }

  /** Read anything new right now (the watcher normally does this on its own). */
  async refresh(): Promise<void> {
    await this.tail?.check();
  }

  /** Position in the current file, for diagnostics. */
  position(): ReturnType<LogTail['position']> {
    return this.tail?.position() ?? null;
  }

  async close(): Promise<void> {
    const t = this.tail;
    this.tail = null;
    this.listeners.clear();
    this.siblingListeners.clear();
    if (t) await t.close();
  }

  private async indexArchives(max: number, current: OpenLogFile | null): Promise<void> {
    const existing: string[] = [];
    for (let n = 1; n <= max; n++) {
      const p = `${this.logPath}.${n}`;
      try {
        await access(p);
        existing.push(p);
      } catch {
        // gaps are fine: read whatever archives exist
      }
    }
    // Oldest (highest number) first, so seq follows write order.
    for (const p of existing.reverse()) {
      let file: OpenLogFile | null = null;
      try {
        file = await openLogFile(p);
        if (!file) continue; // rotated away between access() and open()
        if (current && file.dev === current.dev && file.ino === current.ino) continue; // the current log, just rotated
        await drainFile(file, (lines) => this.ingest(lines, false));
        // An archive ending without a newline was torn by a crash: that line is not an event.
        if (file.splitter.pendingBytes > 0) this.skipped++;
      } catch (err) {
        this.error = describe(err, p);
      } finally {
        await file?.handle.close().catch(() => undefined);
      }
    }
  }

  private ingest(lines: string[], live: boolean): void {
    const added: EventRecord[] = [];
    const batch: ParsedEvent[] = [];
    for (const line of lines) {
      const parsed = parseEventLine(line);
      if (!parsed) {
        if (line.trim().length > 0) this.skipped++;
        continue;
      }
      batch.push(parsed);
    }
    if (this.enrichers.length && batch.length) {
      const events = batch.map((p) => p.event);
      for (const e of this.enrichers) {
        try {
          e.enrich(events);
        } catch {
          // An enricher's bug must not cost the dashboard its events.
        }
      }
    }
    for (const parsed of batch) {
      const rec = this.index.add(parsed);
      if (live) added.push(rec);
    }
    if (live) this.error = null;
    if (added.length === 0) return;
    for (const l of this.listeners) {
      try {
        l(added);
      } catch {
        // A broken subscriber must not stop the tail or starve the others.
      }
    }
  }

  private emitSibling(name: string): void {
    for (const l of this.siblingListeners) {
      try {
        l(name);
      } catch {
        // as above
      }
    }
  }
}

function describe(err: unknown, path: string): string {
  const e = err as NodeJS.ErrnoException;
  if (e && e.code === 'EACCES') return `Permission denied reading ${path}`;
  return `Cannot read ${path}: ${e && e.message ? e.message : String(err)}`;
}
