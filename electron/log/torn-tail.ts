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
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';

/**
 * Check the end of the log open in `fh` (write-only is enough: the tail is read through a
 * separate read-only open of `path`). Returns a warning describing what was done, if anything.
 */
export async function repairTornTail(fh: FileHandle, path: string, maxLineBytes: number): Promise<string | undefined> {
  const st = await fh.stat();
  if (!st.isFile() || st.size === 0) return undefined;
  const window = Math.min(st.size, maxLineBytes + 1);
  const buf = Buffer.alloc(window);
  const reader = await open(path, 'r');
  try {
    const st2 = await reader.stat();
    // The path may name another file than our fd (moved since): then leave both alone.
    if (st2.ino !== st.ino || st2.dev !== st.dev) return undefined;
    await reader.read(buf, 0, window, st.size - window);
  } finally {
    await reader.close();
  }
  if (buf[window - 1] === 0x0a) return undefined;
  const lastNewline = buf.lastIndexOf(0x0a);
  if (lastNewline >= 0 || window === st.size) {
    const keep = st.size - window + lastNewline + 1;
    await fh.truncate(keep);
    return `removed ${st.size - keep} bytes at the end of ${path}: a line torn by an earlier crash (it was never acknowledged)`;
  }
  await fh.write('\n');
  return `${path} ended with ${window}+ bytes without a newline (not written by Beacon?): ended it with a newline`;
}
