/**
 * Repair of a log whose last line was torn by a crash. Linux lets a fatal signal (SIGKILL, OOM
 * kill) stop a large write() part way, and a power cut can lose the end of the page cache, so a
 * log may end in the middle of a line. That fragment belongs to a write that never returned, so
 * its append() never resolved and nobody was told it was stored: it is safe to cut off, and
 * leaving it would glue the next event onto it (two broken lines for SIEMs instead of none).
 *
 * Only a fragment that could be ours is cut: one shorter than the longest line we write. A
 * longer one means the file is not what we think it is; it is then only ended with a newline.
 */
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';

/**
 * Check the end of the log open as `fd` (write-only is enough: the tail is read through a
 * separate read-only open of `path`). Returns a warning describing what was done, if anything.
 * Synchronous: it runs once when the log is opened, before any append, and reads at most one
 * line's worth of bytes.
 */
export function repairTornTail(fd: number, path: string, maxLineBytes: number): string | undefined {
  const st = fstatSync(fd);
  if (!st.isFile() || st.size === 0) return undefined;
  const window = Math.min(st.size, maxLineBytes + 1);
  const buf = Buffer.alloc(window);
  const reader = openSync(path, 'r');
  try {
    const st2 = fstatSync(reader);
    // The path may name another file than our fd (moved since): then leave both alone.
    if (st2.ino !== st.ino || st2.dev !== st.dev) return undefined;
    let got = 0;
    while (got < window) {
      const n = readSync(reader, buf, got, window - got, st.size - window + got);
      if (n <= 0) break;
      got += n;
    }
  } finally {
    closeSync(reader);
  }
  if (buf[window - 1] === 0x0a) return undefined;
  const lastNewline = buf.lastIndexOf(0x0a);
  if (lastNewline >= 0 || window === st.size) {
    const keep = st.size - window + lastNewline + 1;
    ftruncateSync(fd, keep);
    return `removed ${st.size - keep} bytes at the end of ${path}: a line torn by an earlier crash (it was never acknowledged)`;
  }
  writeSync(fd, '\n');
  return `${path} ended with ${window}+ bytes without a newline (not written by Beacon?): ended it with a newline`;
}
