/**
 * How the writer hands bytes to the OS: synchronously while the disk answers from its cache, through
 * libuv's thread pool for a while after one write was slow.
 *
 * Why synchronous by default: a write of a few dozen KB into the page cache takes tens of
 * microseconds, while handing it to the thread pool and back took 0.3 ms in the median and several
 * ms at p99 on a busy 2-core machine (the worker thread waits to be scheduled), and every request
 * queued behind it paid that. Measured with the bench's paced load: the writer's p99 went from
 * about 10 ms to 3 to 4 ms.
 *
 * Why the valve: one write slower than SLOW_SYNC_WRITE_MS means the disk does not answer from its
 * cache (writeback pressure, a network home directory). The writer then goes through the thread
 * pool for ASYNC_WRITES_MS, so the event loop (healthz, other requests, the app) never waits for
 * a slow disk more than once a minute.
 */
import { writeSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { LogFile } from './log-file';

export const SLOW_SYNC_WRITE_MS = 20;
export const ASYNC_WRITES_MS = 60_000;

export class SlowDiskValve {
  /** Until when writes use the thread pool because a synchronous write was slow. */
  private asyncUntil = 0;

  /** One write(2) of buf from `off`; resolves with the bytes written (may be short). */
  async write(file: LogFile, buf: Buffer, off: number): Promise<number> {
    if (Date.now() < this.asyncUntil) return file.write(buf, off, buf.length - off);
    const t0 = performance.now();
    const n = writeSync(file.fd, buf, off, buf.length - off);
    if (performance.now() - t0 > SLOW_SYNC_WRITE_MS) this.asyncUntil = Date.now() + ASYNC_WRITES_MS;
    return n;
  }
}
