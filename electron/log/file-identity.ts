/**
 * Is the file we hold open still the file at the configured path? The path is the contract
 * (SIEMs tail it, every Beacon reader opens it), so the writer asks before and after every
 * write (see writer.ts): someone may have deleted the log (`rm`), moved it away (logrotate
 * `create`, newsyslog), replaced it (an editor, `sed -i`, a restore) or truncated it in place
 * (logrotate `copytruncate`, `: > runtime.jsonl`).
 *
 * Asking costs one stat(2) of the path, synchronously: a few microseconds against the page
 * cache, far below a write, and no timer (the idle rule: no timer faster than every 10 s). The
 * open file's own identity is recorded once when it is opened, so the common answer ("still
 * ours") needs nothing else.
 */
import { fstatSync, statSync } from 'node:fs';

export interface FileIdentity {
  dev: number;
  ino: number;
}

export type PathState =
  /** The path names our open file; `size` is its size now (smaller than ours: truncated). */
  | { kind: 'ours'; size: number }
  /** Nothing at the path (deleted, or moved away and nothing created yet). */
  | { kind: 'missing' }
  /** Another file is at the path (moved away and a new one created, or replaced). */
  | { kind: 'other' }
  /** The path cannot be looked at (e.g. EACCES on a directory on the way): nothing is known. */
  | { kind: 'unknown'; reason: string };

const MISSING: PathState = { kind: 'missing' };
const OTHER: PathState = { kind: 'other' };

/** Identity and size of an open file. */
export function identityOf(fd: number): FileIdentity & { size: number } {
  const st = fstatSync(fd);
  return { dev: st.dev, ino: st.ino, size: st.size };
}

/** What the path names now, compared with `ours`. Never throws. */
export function pathState(path: string, ours: FileIdentity): PathState {
  let st;
  try {
    st = statSync(path, { throwIfNoEntry: false });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // A directory on the way replaced by a file: the log cannot be at the path.
    if (code === 'ENOTDIR' || code === 'ENOENT') return MISSING;
    return { kind: 'unknown', reason: (err as Error).message };
  }
  if (!st) return MISSING;
  if (st.ino === ours.ino && st.dev === ours.dev) return { kind: 'ours', size: st.size };
  return OTHER;
}

/**
 * Whether an open file still has a name somewhere. A file moved away (runtime.jsonl.1) keeps
 * what was written to it; a deleted or replaced one (no link left) took it with it.
 */
export function stillLinked(fd: number): boolean {
  try {
    return fstatSync(fd).nlink > 0;
  } catch {
    return false;
  }
}
