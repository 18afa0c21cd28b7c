/**
 * Runs on the collector's thread, after each write: when runtime.jsonl is a new file (the
 * writer rotated), open it right away, one descriptor per destination, for the forward
 * cursors to adopt (LogCursor.adopt).
 *
 * Why here and not in the forward worker: the worker runs at a lower priority and may be a
 * burst behind; if the archives rolled over meanwhile, files it never saw would be deleted
 * unseen, and their events lost without a count. A descriptor opened at rotation keeps each
 * file readable (or at least countable) whatever happens to its name. Cost: one stat per
 * write batch, an open per rotation.
 */
import { closeSync, fstatSync, openSync, statSync } from 'node:fs';
import type { AdoptedFile } from './log-cursor';

export class RotationCapture {
  private current: string | undefined;

  constructor(
    private readonly logPath: string,
    private readonly copies: number,
  ) {
    this.current = this.identity();
  }

  private identity(): string | undefined {
    try {
      const st = statSync(this.logPath, { bigint: true });
      return `${st.dev}:${st.ino}`;
    } catch {
      return undefined;
    }
  }

  /** New descriptors when the active file changed since the last call, else null. Never throws. */
  check(): AdoptedFile[] | null {
    if (this.copies <= 0) return null;
    const now = this.identity();
    if (now === undefined || now === this.current) return null;
    const out: AdoptedFile[] = [];
    try {
      for (let i = 0; i < this.copies; i++) {
        const fd = openSync(this.logPath, 'r');
        const st = fstatSync(fd, { bigint: true });
        out.push({ fd, dev: String(st.dev), ino: String(st.ino) });
      }
    } catch {
      for (const f of out) closeSync(f.fd);
      return null;
    }
    // The file opened may already be newer than the one stat() saw: remember what we hold.
    this.current = `${out[0].dev}:${out[0].ino}`;
    return out;
  }
}
