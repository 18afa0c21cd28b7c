/**
 * Frees large request buffers soon after they die, so the collector's peak memory under a burst
 * of big or hostile bodies stays near its working set (issue 11 item 8: peak RSS at most 150 MB
 * over the bench's 20,000 hostile requests).
 *
 * Why: a Buffer's memory lives outside the V8 heap and is freed only when a garbage collection
 * finds its wrapper dead. V8 starts that collection on external memory only after about 64 MB
 * more of it than at the last one, and the collector's own heap is small, so under a run of
 * gzip bombs (each inflated to the 16 MiB cap, then refused) and large bodies the dead buffers
 * piled up to ~90 MB before anything collected them (measured: arrayBuffers 88 MB at the peak).
 *
 * So the server reports the bytes of each large body it is done with; once they add up to
 * LIMIT_BYTES (8 MiB: 16 peaked 147-153 MB, 8 peaked 138-149 MB in the bench) since the last collection, one full collection runs (a few milliseconds on
 * the collector's small heap), on the next turn of the event loop so a burst of
 * refusals costs one collection, not one each. Codex's own exports are a few kilobytes and
 * fall under MIN_BODY_BYTES: ordinary traffic never triggers it.
 */
import { loadFullGc } from './idle-heap-compactor';

/** Bodies smaller than this are left to V8's own pace. */
export const MIN_BODY_BYTES = 256 * 1024;
/** Dead large-body bytes that make a collection worth its pause. */
export const LIMIT_BYTES = 8 * 1024 * 1024;

type Gc = () => void;

export class BufferGarbage {
  private pending = 0;
  private scheduled = false;
  private readonly gc: Gc | undefined;
  private readonly limit: number;
  /** Collections started (for tests). */
  collections = 0;

  constructor(opts: { gc?: Gc; limitBytes?: number } = {}) {
    this.gc = opts.gc ?? (loadFullGc() as Gc | undefined);
    this.limit = opts.limitBytes ?? LIMIT_BYTES;
  }

  /** A body (or a refused decompression) of `bytes` is no longer referenced. */
  dropped(bytes: number): void {
    if (!this.gc || bytes < MIN_BODY_BYTES) return;
    this.pending += bytes;
    if (this.pending < this.limit || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pending = 0;
      this.collections++;
      // A full collection, synchronous: gc({ type }) options default to an asynchronous one
      // that, measured on Node 20, had freed nothing by the next turns of the loop.
      this.gc!();
    });
  }
}
