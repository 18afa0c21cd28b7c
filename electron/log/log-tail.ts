/**
 * Follows the current runtime log as it grows, survives rotation and truncation, and hands
 * complete lines to a callback. Knows nothing about events.
 *
 * Position is (dev, ino, offset) of an open file handle. Signals, cheapest first:
 * - fs.watch on the log's DIRECTORY (a watch on the file itself dies with rotation, and the
 *   directory watch also reports the collector's health file next to the log);
 * - a fallback poll, 10 s by default, because fs.watch can miss events (network filesystems,
 *   a directory created after we started). Idle cost: one stat every 10 s, no faster timer.
 * On each signal: rotated (inode changed / file gone) -> read the old handle to its end, then
 * open the new file from 0; shrunk below the start of the line we are in -> truncated in place,
 * restart at 0; grown -> read the appended bytes.
 *
 * A torn line is never handed on. An unterminated last line waits for its newline, and is read
 * again from its start on every pass (drainFile): when the collector restarts after a SIGKILL
 * it cuts such a fragment off (torn-tail.ts) and appends new lines in its place, and gluing the
 * old fragment to them would make one garbled line out of the fragment and the first new event.
 * The unterminated end of a file that is no longer the log (rotated away) is dropped: it will
 * never be completed, and it was never acknowledged.
 */
import { watch, type FSWatcher } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { LineSplitter } from './reader-lines';

export const DEFAULT_POLL_INTERVAL_MS = 10_000;
const READ_CHUNK = 1 << 20;
/**
 * An unterminated tail longer than this is not a line being written by Beacon (its lines are at
 * most 64 KiB by default): it is kept in memory and extended instead of being read again.
 */
const REREAD_LIMIT = 4 << 20;

/** An open file and how far into it we have consumed, as handed over by the initial index. */
export interface OpenLogFile {
  handle: FileHandle;
  dev: number;
  ino: number;
  offset: number;
  splitter: LineSplitter;
}

/**
 * Read from `file.offset` to the current end of the file, feeding complete lines to `onLines`
 * chunk by chunk (so a 50 MB file is never held in memory at once). Advances file.offset.
 */
export async function drainFile(file: OpenLogFile, onLines: (lines: string[]) => void, buffer: Buffer = Buffer.allocUnsafe(READ_CHUNK)): Promise<void> {
  const pending = file.splitter.pendingBytes;
  if (pending > 0 && pending <= REREAD_LIMIT) {
    // Read the unterminated line again from its start: it may have been cut and replaced.
    file.offset -= pending;
    file.splitter.reset();
  }
  for (;;) {
    const { bytesRead } = await file.handle.read(buffer, 0, buffer.length, file.offset);
    if (bytesRead === 0) return;
    file.offset += bytesRead;
    const lines = file.splitter.push(buffer.subarray(0, bytesRead));
    if (lines.length) onLines(lines);
  }
}

/** Where the last complete line of `file` ends: the offset of the line still being written. */
export function lineStart(file: OpenLogFile): number {
  return file.offset - file.splitter.pendingBytes;
}

/** Open a file and record its identity; null when it does not exist. */
export async function openLogFile(path: string): Promise<OpenLogFile | null> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  // Identity from the handle, not the path: the path may already point at a newer file.
  const st = await handle.stat();
  return { handle, dev: st.dev, ino: st.ino, offset: 0, splitter: new LineSplitter() };
}

export interface LogTailOptions {
  path: string;
  onLines: (lines: string[]) => void;
  /** Another file in the log directory changed (e.g. collector-health.json). */
  onSiblingChange?: (filename: string) => void;
  /** A rotated-away file ended in an unterminated line of `bytes` bytes, which was dropped. */
  onTornTail?: (bytes: number) => void;
  onError?: (err: Error) => void;
  pollIntervalMs?: number;
}

export class LogTail {
  private file: OpenLogFile | null = null;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private closed = false;
  private readonly buffer = Buffer.allocUnsafe(READ_CHUNK);
  private readonly dir: string;
  private readonly name: string;

  constructor(private readonly opts: LogTailOptions) {
    this.dir = dirname(opts.path);
    this.name = basename(opts.path);
  }

  /** Begin following, continuing from `from` when the initial index already read part of the file. */
  start(from: OpenLogFile | null): void {
    this.file = from;
    this.startWatcher();
    const every = this.opts.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
    this.timer = setInterval(() => {
      if (!this.watcher) this.startWatcher();
      void this.check();
    }, every);
    this.timer.unref();
  }

  /** Where we are in the current file (null when no file is open). */
  position(): { dev: number; ino: number; offset: number; pendingBytes: number } | null {
    const f = this.file;
    return f ? { dev: f.dev, ino: f.ino, offset: f.offset, pendingBytes: f.splitter.pendingBytes } : null;
  }

  /**
   * Read whatever is new. Calls are serialized; a call made while a read is running schedules
   * one more pass, and the returned promise settles after that pass.
   */
  check(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          try {
            await this.checkOnce();
          } catch (err) {
            this.opts.onError?.(err as Error);
          }
        } while (this.again && !this.closed);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.watcher?.close();
    this.watcher = null;
    if (this.running) await this.running;
    const f = this.file;
    this.file = null;
    if (f) await f.handle.close().catch(() => undefined);
  }

  private startWatcher(): void {
    if (this.closed || this.watcher) return;
    try {
      const w = watch(this.dir, { persistent: false }, (_type, filename) => {
        const f = filename ? String(filename) : null;
        if (f === null || f === this.name) void this.check();
        else this.opts.onSiblingChange?.(f);
      });
      // A watcher error (directory removed, too many watches) falls back to polling; the poll
      // tick re-creates the watcher when it can.
      w.on('error', () => {
        w.close();
        if (this.watcher === w) this.watcher = null;
      });
      this.watcher = w;
    } catch {
      this.watcher = null; // directory does not exist yet: the poll will retry
    }
  }

  private async checkOnce(): Promise<void> {
    let st: { dev: number; ino: number; size: number } | null;
    try {
      st = await stat(this.opts.path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      st = null;
    }
    const f = this.file;
    if (f) {
      if (!st || st.ino !== f.ino || st.dev !== f.dev) {
        // Rotated (renamed away, or deleted): the old handle still reaches the old file, so
        // finish it before moving on. Its unterminated last line will never be completed.
        await drainFile(f, this.opts.onLines, this.buffer);
        const torn = f.splitter.pendingBytes;
        f.splitter.reset();
        if (torn > 0) this.opts.onTornTail?.(torn);
        this.file = null;
        await f.handle.close().catch(() => undefined);
      } else if (st.size < lineStart(f)) {
        // Truncated in place (copytruncate, `: > file`): everything we had is gone from it.
        f.offset = 0;
        f.splitter.reset();
        await drainFile(f, this.opts.onLines, this.buffer);
        return;
      } else {
        // Grown, or only the unterminated line we hold was cut (a restart's torn-tail repair).
        if (st.size !== f.offset) await drainFile(f, this.opts.onLines, this.buffer);
        return;
      }
    }
    if (!st || this.closed) return;
    const next = await openLogFile(this.opts.path);
    if (!next) return;
    if (this.closed) {
      await next.handle.close();
      return;
    }
    this.file = next;
    await drainFile(next, this.opts.onLines, this.buffer);
  }
}
