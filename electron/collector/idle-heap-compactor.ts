/**
 * Gives memory back once the collector has gone quiet after a burst.
 *
 * Under load V8 promotes in-flight request data to its old generation and grows it; once the
 * load stops, nothing in Node asks V8 to shrink it again, so a collector that once took a burst
 * would sit at its peak size for days (measured: 95-105 MB RSS idle after the bench's burst,
 * 79 MB after one full collection). design.md asks for an idle collector under 100 MB.
 *
 * So: one timer, refreshed by every request (no new timer per request), fires after QUIET_MS
 * without a request; if the heap grew since the last compaction, run one full garbage
 * collection. It fires at most once per quiet period, never while idle (design.md: no timer
 * faster than every 10 s), and a full collection of this heap takes a few milliseconds.
 *
 * The collection is reached through V8's `gc` function: `--expose-gc` set at runtime installs
 * it into contexts created afterwards, so a fresh vm context hands it over without putting
 * `gc` on the collector's global object, and without a command-line flag (the Electron app
 * hosts the collector in its main process, whose flags we do not control).
 */
import { setFlagsFromString, getHeapStatistics } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** How long without a request before compacting (at least the design's 10 s timer floor). */
export const QUIET_MS = 10_000;
/** Heap growth since the last compaction that makes one worth its pause. */
export const MIN_GROWTH_BYTES = 8 * 1024 * 1024;

export interface IdleHeapCompactorOptions {
  quietMs?: number;
  minGrowthBytes?: number;
  /** Test seams: the collection itself and the heap size it looks at. */
  gc?: () => void;
  heapBytes?: () => number;
}

let fullGc: { fn: (() => void) | undefined } | undefined;

/** V8's full collection, or undefined if this runtime will not hand it out. Made once per process. */
export function loadFullGc(): (() => void) | undefined {
  if (!fullGc) {
    try {
      setFlagsFromString('--expose-gc');
      const gc = runInNewContext('gc') as unknown;
      fullGc = { fn: typeof gc === 'function' ? (gc as () => void) : undefined };
    } catch {
      fullGc = { fn: undefined };
    }
  }
  return fullGc.fn;
}

/**
 * The V8 heap plus the memory it holds outside itself (external strings, Buffers). External
 * memory counts: a burst of multi-MiB prompts left 113 MB of external strings alive and the V8
 * heap itself barely grown (issue 11), so a heap-only measure never compacted.
 */
const totalHeapBytes = (): number => {
  const h = getHeapStatistics() as ReturnType<typeof getHeapStatistics> & { external_memory?: number };
  return h.total_heap_size + (h.external_memory ?? 0);
};

export class IdleHeapCompactor {
  private readonly quietMs: number;
  private readonly minGrowthBytes: number;
  private readonly gc: (() => void) | undefined;
  private readonly heapBytes: () => number;
  private timer: NodeJS.Timeout | undefined;
  private baseline: number;
  private stopped = false;
  /** Compactions run so far (for tests and /healthz-style diagnostics). */
  compactions = 0;

  constructor(opts: IdleHeapCompactorOptions = {}) {
    this.quietMs = Math.max(opts.quietMs ?? QUIET_MS, 1);
    this.minGrowthBytes = opts.minGrowthBytes ?? MIN_GROWTH_BYTES;
    this.gc = opts.gc ?? loadFullGc();
    this.heapBytes = opts.heapBytes ?? totalHeapBytes;
    this.baseline = this.heapBytes();
  }

  /** Call on every request. Cheap: re-arms one existing timer. */
  noteActivity(): void {
    if (!this.gc || this.stopped) return;
    if (this.timer) {
      this.timer.refresh();
      return;
    }
    this.timer = setTimeout(() => this.onQuiet(), this.quietMs);
    // Never what keeps a process alive.
    this.timer.unref();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private onQuiet(): void {
    this.timer = undefined;
    if (!this.gc || this.heapBytes() - this.baseline < this.minGrowthBytes) return;
    this.gc();
    this.compactions++;
    this.baseline = this.heapBytes();
  }
}
