/**
 * The files a forward cursor is done with (read to the end, or older than its checkpoint), so
 * that a listing or a late rotation capture showing one again does not get it read twice.
 *
 * Known by identity AND by what the file looked like when it was finished (size, mtime): an
 * archive never changes again, while a new file that got a deleted one's inode number (ext4
 * hands freed inodes out at once) differs in both, and must still be read.
 */
import { idKey, statFd, type FileIdentity, type FileMark } from './log-files';

/** Far more than the writer keeps archives; past it the oldest are forgotten first. */
const MAX_FILES = 10_000;

export class FinishedFiles {
  private readonly marks = new Map<string, FileMark>();

  /** Remember the open file `fd` as done (before it is closed). */
  async add(id: FileIdentity, fd: number): Promise<void> {
    const st = await statFd(fd).catch(() => null);
    if (!st) return;
    this.marks.set(idKey(id), { size: st.size, mtimeNs: st.mtimeNs });
    if (this.marks.size > MAX_FILES) this.marks.delete(this.marks.keys().next().value as string);
  }

  /** Whether the file with this identity, now looking like `now`, is one already done. */
  has(id: FileIdentity, now: FileMark): boolean {
    const was = this.marks.get(idKey(id));
    return was !== undefined && was.size === now.size && was.mtimeNs === now.mtimeNs;
  }
}
