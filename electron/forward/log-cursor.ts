/**
 * A forwarder's read position in the runtime log, across its rotated archives.
 *
 * The cursor holds an open handle on every file of the backlog, in log order (oldest first;
 * the first is the one being read, the "head"), so a rename never loses its place, and a file
 * deleted while it is being read can still be finished through the handle. A NEWER file of the
 * backlog that is deleted before the cursor reaches it (the receiver was down longer than the
 * archives last) is counted through its handle and reported as lost, then let go, so the
 * forwarder never keeps more than the writer's own retention on disk (plus the head).
 *
 * What a listing shows is not trusted blindly: one taken while the writer shifts hundreds of
 * archives can miss a file or show it late. So a file that turns up late is put at its place
 * in log order (before the head if it is older; each file keeps its own offset), a held file
 * that a listing does not show is lost only once it has no name left, and a file is finished
 * only when it is no longer the active log and is read to its end: the active file is never
 * skipped as if it were an archive, whatever the listing said.
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
  identityAt,
  idKey,
  lastLineEnd,
  listLogIdentities,
  openListed,
  readInto,
  sameFile,
  sizeOf,
  statFd,
  timeRange,
  type FileIdentity,
  type ListedFile,
} from './log-files';
import { FinishedFiles } from './finished-files';

/** How many more listings open() takes when the first was not settled or lacked the checkpoint's file. */
const OPEN_ATTEMPTS = 20;
/** A listing at least this often even when nothing seems to have rotated (a safety net). */
const RELIST_MS = 2000;

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
  /** The first byte not yet acknowledged (0 for a file not started). */
  offset: number;
  /** Bytes counted for the backlog, and the newlines found in them past `offset`. */
  counted: number;
  lines: number;
}

const entry = (id: FileIdentity, fd: number, size: number): Entry => ({ id, fd, size, offset: 0, counted: 0, lines: 0 });

export interface CursorOptions {
  logPath: string;
  /** Where to start without a checkpoint: the oldest archive (every event) or the end of the log. */
  startAt?: 'beginning' | 'end';
  maxLineBytes?: number;
  /** The safety-net listing interval (RELIST_MS); 0 lists on every refresh. */
  relistMs?: number;
}

const CHUNK = 1 << 20;
/** A "line" longer than this is not one of ours: it is skipped in pieces. */
const DEFAULT_MAX_LINE = 16 << 20;

export class LogCursor {
  private entries: Entry[] = [];
  private adopted: AdoptedFile[] = [];
  /** Files read to the end or older than the checkpoint: not to be taken in again. */
  private readonly finished = new FinishedFiles();
  private readonly buf = Buffer.allocUnsafe(CHUNK);
  private readonly maxLine: number;
  private closed = false;
  /** Whether the last listing was settled (could not have missed a file), and when it was taken. */
  private listedWhole = false;
  private listedAt = 0;
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
    // Every file listed before the checkpoint's is taken as done, so the listing must be whole;
    // and one taken while the writer shifts archives can miss the checkpoint's file, while a file
    // really gone stays gone: so look again, a few times, before calling the position lost.
    let i = -1;
    for (let attempt = 0; ; attempt++) {
      const settled = await c.openListing();
      i = from ? await c.find(from) : -1;
      if (attempt >= OPEN_ATTEMPTS || (settled && (!from || i !== -1))) break;
      await new Promise((r) => setTimeout(r, 5 * (attempt + 1)));
    }
    let lost: LostRange | null = null;
    let truncated = false;
    if (from) {
      if (i === -1) {
        lost = { events: null, from: null, until: c.entries.length ? (await timeRange(c.entries[0].fd, c.entries[0].size)).from : null };
      } else {
        await c.dropHead(i);
        if (from.offset > c.entries[0].size) truncated = true;
        else c.entries[0].offset = from.offset;
      }
    } else if (opts.startAt === 'end' && c.entries.length) {
      await c.dropHead(c.entries.length - 1);
      c.entries[0].offset = await lastLineEnd(c.entries[0].fd, c.entries[0].size);
    }
    if (c.entries[0]) c.entries[0].counted = c.entries[0].offset;
    return { cursor: c, lost, truncated };
  }

  private async openListing(): Promise<boolean> {
    for (const e of this.entries.splice(0)) await closeFd(e.fd);
    const listing = await listLogIdentities(this.opts.logPath);
    for (const f of listing.files) {
      const o = await openListed(f);
      if (o) this.entries.push(entry(o.id, o.fd, o.size));
    }
    this.listedWhole = listing.settled;
    this.listedAt = Date.now();
    return listing.settled;
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

  /** Let go of the first `count` files as done (older than the checkpoint). */
  private async dropHead(count: number): Promise<void> {
    for (const e of this.entries.splice(0, count)) await this.finish(e);
  }

  private async finish(e: Entry): Promise<void> {
    await this.finished.add(e.id, e.fd);
    await closeFd(e.fd);
  }

  private held(id: FileIdentity): boolean {
    return this.entries.some((e) => sameFile(e.id, id));
  }

  /** The acknowledged position (null before the log exists). */
  async position(): Promise<CursorPosition | null> {
    const head = this.entries[0];
    if (!head) return null;
    const d = await headDigest(head.fd, Math.min(HEAD_BYTES, Math.max(head.size, head.offset)));
    return { ...head.id, offset: head.offset, head_len: d.len, head_sha256: d.sha256 };
  }

  /**
   * Take over a file the collector's thread opened the moment it became the active log (so it
   * is held even if it is rotated away and deleted before the next refresh). Joins the backlog
   * at the next refresh; a file already held or finished is let go.
   */
  adopt(f: AdoptedFile): void {
    if (this.closed) void closeFd(f.fd);
    else this.adopted.push(f);
  }

  /**
   * Take in what changed on disk: files created by rotation join the backlog at their place,
   * backlog files deleted before they were read are reported lost, and newly written bytes are
   * counted.
   */
  async refresh(): Promise<LostRange[]> {
    if (this.closed) return [];
    const lost: LostRange[] = [];
    for (let i = 1; i < this.entries.length; i++) {
      const e = this.entries[i];
      // Deleted (no name left), not merely out of a listing's sight (a shift, `.expired`).
      const st = await statFd(e.fd);
      if (st.links > 0) continue;
      lost.push(await describeLines(e.fd, e.offset, st.size, this.buf));
      await closeFd(e.fd);
      this.entries.splice(i--, 1);
    }
    if (await this.mayHaveNewFiles()) {
      const listing = await listLogIdentities(this.opts.logPath);
      this.listedWhole = listing.settled;
      this.listedAt = Date.now();
      const rank = new Map(listing.files.map((f, i) => [idKey(f.id), i]));
      for (const f of this.adopted.splice(0)) await this.takeAdopted(f, rank);
      for (const f of listing.files) await this.takeListed(f, rank);
    }
    for (const e of this.entries) await this.count(e);
    return lost;
  }

  /**
   * Whether a listing is needed: only a rotation makes new files, and a rotation makes a new
   * active file. So: a file was captured, the active file is not the newest one held, the last
   * listing may have missed something, or it has been a while. One stat otherwise, instead of
   * two passes over every archive.
   */
  private async mayHaveNewFiles(): Promise<boolean> {
    if (this.adopted.length > 0 || !this.listedWhole || Date.now() - this.listedAt >= (this.opts.relistMs ?? RELIST_MS)) return true;
    const newest = this.entries[this.entries.length - 1];
    const active = await identityAt(this.opts.logPath);
    return !newest || !active || !sameFile(active, newest.id);
  }

  private async takeAdopted(f: AdoptedFile, rank: ReadonlyMap<string, number>): Promise<void> {
    const id = { dev: f.dev, ino: f.ino };
    const st = await statFd(f.fd).catch(() => null);
    if (!st || this.held(id) || this.finished.has(id, st)) return closeFd(f.fd);
    this.insert(entry(id, f.fd, st.size), rank);
  }

  private async takeListed(f: ListedFile, rank: ReadonlyMap<string, number>): Promise<void> {
    if (this.held(f.id) || this.finished.has(f.id, f)) return;
    const o = await openListed(f);
    if (o) this.insert(entry(o.id, o.fd, o.size), rank);
  }

  /**
   * Put a file at its place in log order: before the first held file the listing shows as
   * newer. A file the listing does not show (captured at rotation, not listed yet) is the
   * newest. Before the head means it becomes the head; the old head keeps its offset.
   */
  private insert(e: Entry, rank: ReadonlyMap<string, number>): void {
    const r = rank.get(idKey(e.id));
    const at = r === undefined ? -1 : this.entries.findIndex((x) => (rank.get(idKey(x.id)) ?? -1) > r);
    if (at === -1) this.entries.push(e);
    else this.entries.splice(at, 0, e);
    if (at === 0) this.moved = true;
  }

  /** Count the complete lines written to `e` since the last look. */
  private async count(e: Entry): Promise<void> {
    e.size = await sizeOf(e.fd);
    if (e.size < e.counted) {
      // Truncated in place (not something Beacon does): count again, from the start if need be.
      if (e.size < e.offset) e.offset = 0;
      e.counted = e.offset;
      e.lines = 0;
    }
    if (e.size > e.counted) {
      e.lines += await countNewlines(e.fd, e.counted, e.size, this.buf);
      e.counted = e.size;
    }
  }

  /** Complete lines not yet acknowledged, and their bytes (as of the last refresh). */
  backlog(): { events: number; bytes: number } {
    let events = 0;
    let bytes = 0;
    for (const e of this.entries) {
      events += e.lines;
      bytes += Math.max(0, e.size - e.offset);
    }
    return { events, bytes };
  }

  /**
   * The head is done: read to its end, no longer the file the writer appends to (it was
   * rotated away, or deleted, and a newer file is held), and the last listing was whole.
   */
  private async headDone(head: Entry, end: number): Promise<boolean> {
    // Not on a listing that may lack a file: one between the head and the next file held would
    // be passed by, and after a restart taken for one older than the checkpoint.
    if (this.entries.length < 2 || !this.listedWhole || end < (await sizeOf(head.fd))) return false;
    const active = await identityAt(this.opts.logPath);
    return active === null || !sameFile(active, head.id);
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
      const offset = head.offset;
      // Only bytes refresh() has counted are handed out, so the backlog count stays exact.
      const limit = head.counted;
      if (offset >= limit) {
        if (await this.headDone(head, offset)) {
          await this.advance();
          continue;
        }
        return null;
      }
      const want = Math.min(limit - offset, Math.max(maxBytes, 1));
      let chunk = await this.readAt(head.fd, offset, want);
      let lastNl = chunk.lastIndexOf(0x0a);
      while (lastNl === -1 && offset + chunk.length < limit && chunk.length < this.maxLine) {
        // One line longer than maxBytes: read on until its end.
        chunk = Buffer.concat([chunk, await this.readAt(head.fd, offset + chunk.length, Math.min(CHUNK, limit - offset - chunk.length))]);
        lastNl = chunk.lastIndexOf(0x0a);
      }
      if (lastNl === -1) {
        if (chunk.length >= this.maxLine) {
          // Not a line we could have written: skip it (this piece) rather than stall forever.
          this.skippedBytes += chunk.length;
          head.offset += chunk.length;
          this.moved = true;
          continue;
        }
        if (!(await this.headDone(head, offset + chunk.length))) return null; // unterminated: wait for its newline
        this.skippedBytes += chunk.length; // a torn last line of a rotated file: it will never end
        await this.advance();
        continue;
      }
      const text = chunk.subarray(0, lastNl).toString('utf8');
      let lines = text.split('\n');
      let end = offset + lastNl + 1;
      if (lines.length > maxLines) {
        lines = lines.slice(0, maxLines);
        end = offset + Buffer.byteLength(lines.join('\n'), 'utf8') + 1;
      }
      return { lines, start: offset, end, file: head.id };
    }
  }

  /** The destination acknowledged `batch`: move past it. */
  async commit(batch: LineBatch): Promise<void> {
    const head = this.entries[0];
    if (!head || !sameFile(head.id, batch.file) || batch.start !== head.offset) return;
    head.offset = batch.end;
    head.lines = Math.max(0, head.lines - batch.lines.length);
    // At the end of a rotated file: step into the next now, so the checkpoint written for this
    // batch already names the file that still exists.
    if (await this.headDone(head, head.offset)) {
      await this.advance();
      this.moved = false;
    }
  }

  private async advance(): Promise<void> {
    const head = this.entries.shift();
    if (head) await this.finish(head);
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
