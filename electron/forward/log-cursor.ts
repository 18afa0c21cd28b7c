/**
 * A forwarder's read position in the runtime log, across its rotated archives.
 *
 * The cursor holds an open handle on every file of the backlog (oldest first; the first is the
 * one being read, the "head"), so a rename never loses its place, and a file deleted while it
 * is being read can still be finished through the handle. A NEWER file of the backlog that is
 * deleted before the cursor reaches it (the receiver was down longer than the archives last)
 * is counted through its handle and reported as lost, then let go, so the forwarder never
 * keeps more than the writer's own retention on disk (plus the head).
 *
 * Lines are handed out only when complete: an unterminated last line of the active file waits
 * for its newline; one at the end of a rotated file (a torn write) is skipped.
 *
 * The position (`position()`) is the head's identity, the offset of the first byte not yet
 * acknowledged, and a digest of the head's first bytes (inode numbers are reused by the
 * filesystem once a file is deleted). `commit()` moves it past an acknowledged batch.
 */
import {
  closeFd,
  countNewlines,
  describeLines,
  headDigest,
  HEAD_BYTES,
  idKey,
  lastLineEnd,
  listLogIdentities,
  openListed,
  readInto,
  sameFile,
  sizeOf,
  timeRange,
  type FileIdentity,
} from './log-files';

/** How many finished files a cursor remembers (the writer keeps at most rotate_archives of them). */
const FINISHED_MAX = 10_000;

export interface CursorPosition extends FileIdentity {
  offset: number;
  head_len: number;
  head_sha256: string;
}

export interface LostRange {
  /** Complete lines lost; null when unknown (files gone while no cursor held them). */
  events: number | null;
  from: string | null;
  until: string | null;
}

/** A file opened for the cursor by someone else (the collector's thread, at rotation time). */
export interface AdoptedFile extends FileIdentity {
  fd: number;
}

export interface LineBatch {
  lines: string[];
  /** Offsets of the batch in the head file: [start, end). */
  start: number;
  end: number;
  file: FileIdentity;
}

interface Entry {
  id: FileIdentity;
  fd: number;
  size: number;
  /** Bytes counted for the backlog, and the newlines found in them past the read offset. */
  counted: number;
  lines: number;
}

export interface CursorOptions {
  logPath: string;
  /** Where to start without a checkpoint: the oldest archive (every event) or the end of the log. */
  startAt?: 'beginning' | 'end';
  maxLineBytes?: number;
}

const CHUNK = 1 << 20;
/** A "line" longer than this is not one of ours: it is skipped in pieces. */
const DEFAULT_MAX_LINE = 16 << 20;

export class LogCursor {
  private entries: Entry[] = [];
  private adopted: AdoptedFile[] = [];
  /**
   * Files this cursor has read to the end or skipped as older than its checkpoint (by identity):
   * so a refresh that finds a file it does not hold can tell "missed" from "done".
   */
  private readonly finished = new Set<string>();
  private offset = 0;
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private readonly maxLine: number;
  private closed = false;
  /** Set when the position moved without an acknowledgement (a finished or torn file skipped). */
  moved = false;
  /** Bytes of unterminated or oversized lines skipped (torn writes, foreign data). */
  skippedBytes = 0;

  private constructor(private readonly opts: CursorOptions) {
    this.maxLine = opts.maxLineBytes ?? DEFAULT_MAX_LINE;
  }

  /**
   * Open at `from` (a checkpoint) or, without one, at opts.startAt. When the checkpoint's file
   * is gone, the cursor starts at the oldest file and `lost` says so (count unknown).
   */
  static async open(opts: CursorOptions, from: CursorPosition | null): Promise<{ cursor: LogCursor; lost: LostRange | null; truncated: boolean }> {
    const c = new LogCursor(opts);
    const listing = await listLogIdentities(opts.logPath);
    for (const f of listing) {
      const o = await openListed(f);
      if (o) c.entries.push({ id: o.id, fd: o.fd, size: o.size, counted: 0, lines: 0 });
    }
    let lost: LostRange | null = null;
    let truncated = false;
    if (from) {
      const i = await c.find(from);
      if (i === -1) {
        lost = { events: null, from: null, until: c.entries.length ? (await timeRange(c.entries[0].fd, c.entries[0].size)).from : null };
      } else {
        await c.dropHead(i);
        if (from.offset > c.entries[0].size) truncated = true;
        else c.offset = from.offset;
      }
    } else if (opts.startAt === 'end' && c.entries.length) {
      await c.dropHead(c.entries.length - 1);
      c.offset = await lastLineEnd(c.entries[0].fd, c.entries[0].size);
    }
    for (const e of c.entries) e.counted = e === c.entries[0] ? c.offset : 0;
    return { cursor: c, lost, truncated };
  }

  private async find(p: CursorPosition): Promise<number> {
    for (let i = 0; i < this.entries.length; i++) {
      const e = this.entries[i];
      if (!sameFile(e.id, p)) continue;
      const d = await headDigest(e.fd, p.head_len);
      if (d.len === p.head_len && d.sha256 === p.head_sha256) return i;
    }
    return -1;
  }

  private async dropHead(count: number): Promise<void> {
    for (const e of this.entries.splice(0, count)) {
      this.markFinished(e.id);
      await closeFd(e.fd);
    }
    this.offset = 0;
  }

  private markFinished(id: FileIdentity): void {
    this.finished.add(idKey(id));
    // Bounded: far more than the writer keeps archives; the oldest names go first.
    if (this.finished.size > FINISHED_MAX) this.finished.delete(this.finished.values().next().value as string);
  }

  /** The acknowledged position (null before the log exists). */
  async position(): Promise<CursorPosition | null> {
    const head = this.entries[0];
    if (!head) return null;
    const d = await headDigest(head.fd, Math.min(HEAD_BYTES, Math.max(head.size, this.offset)));
    return { ...head.id, offset: this.offset, head_len: d.len, head_sha256: d.sha256 };
  }

  /**
   * Take over a file the collector's thread opened the moment it became the active log (so it
   * is held even if it is rotated away and deleted before the next refresh). Joins the backlog
   * at the next refresh, as the newest file; a file already held is let go.
   */
  adopt(f: AdoptedFile): void {
    if (this.closed) void closeFd(f.fd);
    else this.adopted.push(f);
  }

  /**
   * Take in what changed on disk: files created by rotation join the backlog, backlog files
   * deleted before they were read are reported lost, and newly written bytes are counted.
   */
  async refresh(): Promise<LostRange[]> {
    if (this.closed) return [];
    for (const f of this.adopted.splice(0)) {
      if (this.entries.some((e) => sameFile(e.id, f))) await closeFd(f.fd);
      else this.entries.push({ id: { dev: f.dev, ino: f.ino }, fd: f.fd, size: await sizeOf(f.fd), counted: 0, lines: 0 });
    }
    const listing = await listLogIdentities(this.opts.logPath);
    const listed = new Set(listing.map((f) => idKey(f.id)));
    const lost: LostRange[] = [];
    for (let i = 1; i < this.entries.length; i++) {
      const e = this.entries[i];
      if (listed.has(idKey(e.id))) continue;
      lost.push(await describeLines(e.fd, 0, await sizeOf(e.fd), this.buf));
      await closeFd(e.fd);
      this.entries.splice(i--, 1);
    }
    const known = new Set(this.entries.map((e) => idKey(e.id)));
    // New files can only be newer than every file we hold: take those listed after the newest known.
    const last = this.entries.length ? listing.findIndex((f) => sameFile(f.id, this.entries[this.entries.length - 1].id)) : -1;
    for (const f of listing.slice(last + 1)) {
      if (known.has(idKey(f.id))) continue;
      const o = await openListed(f);
      if (o) this.entries.push({ id: o.id, fd: o.fd, size: o.size, counted: 0, lines: 0 });
    }
    // A file listed before the newest one held, neither held nor finished, was missed by an
    // earlier listing (taken while the writer was shifting archives on the collector's thread):
    // take it in at its place, after the head, so it is read and counted instead of skipped.
    for (let li = 0; li < Math.max(0, last); li++) {
      const f = listing[li];
      const key = idKey(f.id);
      if (known.has(key) || this.finished.has(key)) continue;
      const o = await openListed(f);
      if (!o) continue;
      const later = this.entries.findIndex((e, j) => j > 0 && listing.findIndex((x) => sameFile(x.id, e.id)) > li);
      this.entries.splice(later === -1 ? this.entries.length : later, 0, { id: o.id, fd: o.fd, size: o.size, counted: 0, lines: 0 });
      known.add(key);
    }
    for (const e of this.entries) {
      e.size = await sizeOf(e.fd);
      if (e === this.entries[0] && e.size < this.offset) {
        // Truncated in place (not something Beacon does): start that file over.
        this.offset = 0;
        e.counted = 0;
        e.lines = 0;
      }
      if (e.size > e.counted) {
        e.lines += await countNewlines(e.fd, e.counted, e.size, this.buf);
        e.counted = e.size;
      }
    }
    return lost;
  }

  /** Complete lines not yet acknowledged, and their bytes (as of the last refresh). */
  backlog(): { events: number; bytes: number } {
    let events = 0;
    let bytes = 0;
    this.entries.forEach((e, i) => {
      events += e.lines;
      bytes += Math.max(0, e.size - (i === 0 ? this.offset : 0));
    });
    return { events, bytes };
  }

  /**
   * The next complete lines after the acknowledged position, at most `maxLines` and about
   * `maxBytes` (a single longer line is still returned whole). null: nothing complete yet.
   * Reading again without commit() returns the same lines (a retry resends the same batch).
   */
  async read(maxLines: number, maxBytes: number): Promise<LineBatch | null> {
    for (;;) {
      const head = this.entries[0];
      if (!head || this.closed) return null;
      const rotated = this.entries.length > 1;
      // Only bytes refresh() has counted are handed out, so the backlog count stays exact.
      const limit = head.counted;
      if (this.offset >= limit) {
        // A rotated file is finished once nothing was written to it after we counted it.
        if (rotated && this.offset >= (await sizeOf(head.fd))) {
          await this.advance();
          continue;
        }
        return null;
      }
      const want = Math.min(limit - this.offset, Math.max(maxBytes, 1));
      let chunk = await this.readAt(head.fd, this.offset, want);
      let lastNl = chunk.lastIndexOf(0x0a);
      while (lastNl === -1 && this.offset + chunk.length < limit && chunk.length < this.maxLine) {
        // One line longer than maxBytes: read on until its end.
        chunk = Buffer.concat([chunk, await this.readAt(head.fd, this.offset + chunk.length, Math.min(CHUNK, limit - this.offset - chunk.length))]);
        lastNl = chunk.lastIndexOf(0x0a);
      }
      if (lastNl === -1) {
        if (chunk.length >= this.maxLine) {
          // Not a line we could have written: skip it (this piece) rather than stall forever.
          this.skippedBytes += chunk.length;
          this.offset += chunk.length;
          this.moved = true;
          continue;
        }
        if (!rotated || this.offset + chunk.length < (await sizeOf(head.fd))) return null; // unterminated: wait for its newline
        this.skippedBytes += chunk.length; // a torn last line of a rotated file: it will never end
        await this.advance();
        continue;
      }
      const text = chunk.subarray(0, lastNl).toString('utf8');
      let lines = text.split('\n');
      let end = this.offset + lastNl + 1;
      if (lines.length > maxLines) {
        lines = lines.slice(0, maxLines);
        end = this.offset + Buffer.byteLength(lines.join('\n'), 'utf8') + 1;
      }
      return { lines, start: this.offset, end, file: head.id };
    }
  }

  /** The destination acknowledged `batch`: move past it. */
  async commit(batch: LineBatch): Promise<void> {
    const head = this.entries[0];
    if (!head || !sameFile(head.id, batch.file) || batch.start !== this.offset) return;
    this.offset = batch.end;
    head.lines = Math.max(0, head.lines - batch.lines.length);
    // At the end of a rotated file: step into the next now, so the checkpoint written for this
    // batch already names the file that still exists.
    if (this.entries.length > 1 && this.offset >= (await sizeOf(head.fd))) {
      await this.advance();
      this.moved = false;
    }
  }

  private async advance(): Promise<void> {
    const head = this.entries.shift();
    if (head) this.markFinished(head.id);
    await (head ? closeFd(head.fd) : undefined);
    this.offset = 0;
    this.moved = true;
  }

  private async readAt(fd: number, pos: number, len: number): Promise<Buffer> {
    const out = len <= this.buf.length ? this.buf.subarray(0, len) : Buffer.allocUnsafe(len);
    let got = 0;
    while (got < len) {
      const n = await readInto(fd, out, got, len - got, pos + got);
      if (n === 0) break;
      got += n;
    }
    // Copy: the shared buffer is reused by the next read while the caller still holds lines.
    return Buffer.from(out.subarray(0, got));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const e of this.entries.splice(0)) await closeFd(e.fd);
    for (const f of this.adopted.splice(0)) await closeFd(f.fd);
  }
}
