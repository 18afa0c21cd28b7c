/**
 * The runtime log's open file: a plain fd, opened synchronously, with the few asynchronous
 * operations the writer needs (fsync, stat, truncate, close, and writes for a slow disk).
 *
 * Why not fs.promises' FileHandle: it can only be opened asynchronously, through libuv's thread
 * pool, and a rotation opens a new file while every request waits behind it. On a busy 2-core
 * machine each trip through the pool cost milliseconds at p99; opening, naming and chmod-ing a
 * new local file synchronously costs tens of microseconds. The writer serializes every use of
 * the fd (nothing is in flight on it when it is closed), which is the one guarantee FileHandle
 * added.
 */
import { close, closeSync, constants, fdatasync, fstat, fsync, ftruncate, openSync, write, type Stats } from 'node:fs';
import { promisify } from 'node:util';

const closeAsync = promisify(close);
const fdatasyncAsync = promisify(fdatasync);
const fsyncAsync = promisify(fsync);
const fstatAsync = promisify(fstat);
const ftruncateAsync = promisify(ftruncate);

export class LogFile {
  constructor(readonly fd: number) {}

  /** Open `path` for appending; O_EXCL first so we know whether we created it (and own its mode). */
  static openForAppend(path: string, mode: number): { file: LogFile; created: boolean } {
    const { O_APPEND, O_CREAT, O_EXCL, O_WRONLY } = constants;
    for (let attempt = 0; ; attempt++) {
      try {
        return { file: new LogFile(openSync(path, O_APPEND | O_CREAT | O_EXCL | O_WRONLY, mode)), created: true };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      try {
        return { file: new LogFile(openSync(path, O_APPEND | O_WRONLY)), created: false };
      } catch (err) {
        // Removed between the two opens: try creating again, once.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || attempt > 0) throw err;
      }
    }
  }

  sync(): Promise<void> {
    return fsyncAsync(this.fd);
  }

  datasync(): Promise<void> {
    return fdatasyncAsync(this.fd);
  }

  stat(): Promise<Stats> {
    return fstatAsync(this.fd);
  }

  truncate(length: number): Promise<void> {
    return ftruncateAsync(this.fd, length);
  }

  /** One write(2) through the thread pool; resolves with the bytes written. */
  write(buf: Buffer, offset: number, length: number): Promise<number> {
    return new Promise((resolve, reject) => write(this.fd, buf, offset, length, null, (err, n) => (err ? reject(err) : resolve(n))));
  }

  close(): Promise<void> {
    return closeAsync(this.fd);
  }

  closeSync(): void {
    closeSync(this.fd);
  }
}
