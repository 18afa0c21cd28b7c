/**
 * The runtime log and its rotated archives as a forwarder sees them: files known by identity
 * (device + inode), not by name, because rotation renames them under us (runtime.jsonl ->
 * runtime.jsonl.1 -> ... -> .N -> deleted; electron/log/rotation.ts owns the naming).
 *
 * Identities are read as bigints and kept as decimal strings: some filesystems use inode
 * numbers above 2^53, which a JS number would round (two files, one identity).
 */
import { createHash } from 'node:crypto';
import { close, fstat, open, read } from 'node:fs';
import { stat } from 'node:fs/promises';
import { promisify } from 'node:util';
import { archivePath, listLogFiles } from '../log/rotation';

/*
 * Files are held as plain descriptors, not FileHandles: the collector's thread opens the new
 * active file the moment it sees a rotation (rotation-capture.ts) and hands the descriptor to
 * the forward worker, and a FileHandle cannot be made from a descriptor.
 */
const openAsync = promisify(open);
const readAsync = promisify(read);
const fstatAsync = promisify(fstat) as unknown as (fd: number, opts: { bigint: true }) => Promise<import('node:fs').BigIntStats>;
const closeAsync = promisify(close);

export async function readInto(fd: number, buf: Buffer, offset: number, length: number, position: number): Promise<number> {
  return (await readAsync(fd, buf, offset, length, position)).bytesRead;
}

export async function closeFd(fd: number): Promise<void> {
  await closeAsync(fd).catch(() => undefined);
}

export interface FileIdentity {
  dev: string;
  ino: string;
}

export interface ListedFile {
  path: string;
  id: FileIdentity;
  size: number;
  /** Last modification, in ns: with the size, tells a finished file from a new one that got its inode. */
  mtimeNs: string;
}

/** What a finished file looked like: it never changes again (nothing writes to an archive). */
export interface FileMark {
  size: number;
  mtimeNs: string;
}

/** How many bytes of a file's start identify it beyond its inode (inode numbers get reused). */
export const HEAD_BYTES = 256;

export const sameFile = (a: FileIdentity, b: FileIdentity): boolean => a.dev === b.dev && a.ino === b.ino;
export const idKey = (id: FileIdentity): string => `${id.dev}:${id.ino}`;

async function statListed(path: string): Promise<ListedFile | null> {
  try {
    const st = await stat(path, { bigint: true });
    if (!st.isFile()) return null;
    return { path, id: { dev: String(st.dev), ino: String(st.ino) }, size: Number(st.size), mtimeNs: String(st.mtimeNs) };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function listOnce(logPath: string): Promise<ListedFile[]> {
  const out: ListedFile[] = [];
  for (const path of await listLogFiles(logPath)) {
    const f = await statListed(path);
    if (f) out.push(f);
  }
  return out;
}

/**
 * Archive indexes 1..k with no gap, and the active file present: what the writer leaves
 * between rotations. In the middle of a shift (`.k -> .k+1` down to `log -> .1`, hundreds of
 * renames with many archives) a name is always missing.
 */
function settled(logPath: string, files: readonly ListedFile[]): boolean {
  if (files.length === 0) return true;
  if (files[files.length - 1].path !== logPath) return false;
  return files.slice(0, -1).every((f, i, all) => f.path === archivePath(logPath, all.length - i));
}

const samePass = (a: readonly ListedFile[], b: readonly ListedFile[]): boolean => a.length === b.length && a.every((f, j) => sameFile(f.id, b[j].id));
const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Listing {
  files: ListedFile[];
  /** Two passes agreed and showed no gap: no rotation was under way (see settled()). */
  settled: boolean;
}

/**
 * The log's files, oldest first, each with its identity. A rotation between the directory
 * read and the stats gives a wrong picture (a renamed file seen twice or not at all), so the
 * listing is taken until two passes in a row agree and show no gap; a gap that stays (an
 * administrator deleted an archive) is accepted after a few short pauses. `settled` is false
 * when no two passes agreed (the writer kept rotating): the listing may lack a file.
 */
export async function listLogIdentities(logPath: string): Promise<Listing> {
  let prev = await listOnce(logPath);
  let gapWaits = 0;
  for (let i = 0; i < 12; i++) {
    const next = await listOnce(logPath);
    if (samePass(next, prev)) {
      if (settled(logPath, next)) return { files: next, settled: true };
      // The same gap after a few pauses is not a shift in progress: an archive is missing.
      if (gapWaits >= 3) return { files: next, settled: true };
      gapWaits++;
      await pause(2);
    }
    prev = next;
  }
  return { files: prev, settled: false };
}

export interface OpenedFile {
  fd: number;
  id: FileIdentity;
  size: number;
}

/** Open a listed file and check it is still the same file (a rotation may have moved the name on). */
export async function openListed(f: ListedFile): Promise<OpenedFile | null> {
  let fd: number;
  try {
    fd = await openAsync(f.path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const st = await fstatAsync(fd, { bigint: true });
  const id = { dev: String(st.dev), ino: String(st.ino) };
  if (!sameFile(id, f.id)) {
    await closeFd(fd);
    return null;
  }
  return { fd, id, size: Number(st.size) };
}

export async function sizeOf(fd: number): Promise<number> {
  return Number((await fstatAsync(fd, { bigint: true })).size);
}

/** An open file's size, modification time and how many names it still has (0: deleted). */
export async function statFd(fd: number): Promise<FileMark & { links: number }> {
  const st = await fstatAsync(fd, { bigint: true });
  return { size: Number(st.size), mtimeNs: String(st.mtimeNs), links: Number(st.nlink) };
}

/** The identity of the file now at `path`, or null if there is none. */
export async function identityAt(path: string): Promise<FileIdentity | null> {
  return (await statListed(path))?.id ?? null;
}

/** sha256 of the first `len` bytes (fewer if the file is shorter: then the digest is of what exists). */
export async function headDigest(fd: number, len: number): Promise<{ len: number; sha256: string }> {
  const buf = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const n = await readInto(fd, buf, got, len - got, got);
    if (n === 0) break;
    got += n;
  }
  return { len: got, sha256: createHash('sha256').update(buf.subarray(0, got)).digest('hex') };
}

const NEWLINE = 0x0a;

/** Count newline bytes in [from, to) of a file, reading 1 MiB at a time. */
export async function countNewlines(fd: number, from: number, to: number, buf: Buffer): Promise<number> {
  let n = 0;
  let pos = from;
  while (pos < to) {
    const bytesRead = await readInto(fd, buf, 0, Math.min(buf.length, to - pos), pos);
    if (bytesRead === 0) break;
    let i = buf.indexOf(NEWLINE, 0);
    while (i !== -1 && i < bytesRead) {
      n++;
      i = buf.indexOf(NEWLINE, i + 1);
    }
    pos += bytesRead;
  }
  return n;
}

/** Offset just past the last newline before `size` (where an unterminated last line starts). */
export async function lastLineEnd(fd: number, size: number): Promise<number> {
  const window = Math.min(size, 1 << 20);
  const buf = Buffer.alloc(window);
  let pos = size;
  while (pos > 0) {
    const start = Math.max(0, pos - window);
    const bytesRead = await readInto(fd, buf, 0, pos - start, start);
    const i = buf.subarray(0, bytesRead).lastIndexOf(NEWLINE);
    if (i !== -1) return start + i + 1;
    pos = start;
  }
  return 0;
}

/**
 * A file about to be let go unsent: how many complete lines it holds from `from`, and the
 * earliest and latest event `timestamp` among them (events are not written in time order:
 * Codex exports batches late, and a relay may resend), read in 1 MiB chunks.
 */
export async function describeLines(fd: number, from: number, to: number, buf: Buffer): Promise<{ events: number; from: string | null; until: string | null }> {
  let events = 0;
  let min: string | null = null;
  let max: string | null = null;
  let carry = '';
  let pos = from;
  while (pos < to) {
    const n = await readInto(fd, buf, 0, Math.min(buf.length, to - pos), pos);
    if (n === 0) break;
    pos += n;
    const text = carry + buf.subarray(0, n).toString('latin1');
    const lines = text.split('\n');
    carry = lines.pop() ?? '';
    for (const line of lines) {
      events++;
      // Beacon writes `timestamp` first; other lines are counted but give no time.
      const m = /^\{"timestamp":"(\d{4}-\d\d-\d\dT[\d:.]+Z)"/.exec(line);
      if (!m) continue;
      if (min === null || m[1] < min) min = m[1];
      if (max === null || m[1] > max) max = m[1];
    }
  }
  return { events, from: min, until: max };
}

/** The first and last complete lines' `timestamp` fields, for describing a lost file. */
export async function timeRange(fd: number, size: number): Promise<{ from: string | null; until: string | null }> {
  const window = Math.min(size, 128 * 1024);
  const head = Buffer.alloc(window);
  const h = await readInto(fd, head, 0, window, 0);
  const tail = Buffer.alloc(window);
  const t = await readInto(fd, tail, 0, window, size - window);
  const firstLines = head.subarray(0, h).toString('utf8').split('\n');
  const lastLines = tail.subarray(0, t).toString('utf8').split('\n');
  return { from: firstTimestamp(firstLines), until: firstTimestamp(lastLines.reverse()) };
}

function firstTimestamp(lines: string[]): string | null {
  for (const line of lines) {
    const m = /"timestamp"\s*:\s*"([^"]+)"/.exec(line);
    if (m && Number.isFinite(Date.parse(m[1]))) return m[1];
  }
  return null;
}
