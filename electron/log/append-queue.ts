/**
 * The writer's batching: every append goes through one serialized queue, so lines are never
 * interleaved and there is one write in flight at a time.
 *
 * Group commit: the first append of an event-loop turn is written at once; appends made later in
 * that turn, or while a write is in flight, are grouped into the next batch. Writing everything
 * at the end of the turn made a lone request wait for every other request parsed in that turn:
 * under the bench's paced load the collector's own p99 (request in to answer out) was 2.3-3.1 ms
 * that way and under 1 ms writing at once; one write per request, on the other hand, costs
 * throughput at saturation. This keeps both.
 *
 * A batch is then written in chunks of whole appends of about MAX_WRITE_BYTES (requestChunkEnd):
 * a saturated turn can gather hundreds of KB, and one synchronous write of all of it holds the
 * event loop for as long. An append is never split by this (only by a rotation), so a failed
 * write leaves nothing of the appends it rejects.
 *
 * A long turn is not waited out either: once MAX_WRITE_BYTES are pending, or the oldest pending
 * append has waited TURN_WAIT_MS, they are written without waiting for the end of the turn. After
 * a stall (GC, a neighbour's process on the core) the next turn parses dozens of requests, at
 * about 0.3 ms each; waiting for the end of that turn made the first of them wait for all the
 * others, which set the paced p99 (docs/benchmarks.md). Such a turn was written in chunks of
 * MAX_WRITE_BYTES anyway, and a millisecond of Codex requests is about that much, so this adds
 * few write(2)s at saturation.
 */
import { performance } from 'node:perf_hooks';

export interface AppendResult {
  /** Lines written for this call (= events given). */
  written: number;
  /** How many of them had to be truncated to fit maxEventBytes. */
  truncated: number;
}

/** One append() call, settled once all its lines were written or at the first failure. */
interface Waiter {
  result: AppendResult;
  remaining: number;
  resolve: (r: AppendResult) => void;
  reject: (e: unknown) => void;
}

export interface QueuedLine {
  /** The event's JSON line, without its newline. */
  json: string;
  waiter: Waiter;
}

/** Soft size of one write(2) when several appends wait: whole appends, one at least. */
export const MAX_WRITE_BYTES = 64 * 1024;
/** Longest an append waits for the rest of its event-loop turn before it is written anyway. */
export const TURN_WAIT_MS = 1;

export class AppendQueue {
  private pending: QueuedLine[] = [];
  /** UTF-16 length of the pending lines (a soft measure, as in requestChunkEnd). */
  private pendingChars = 0;
  /** When the oldest pending line was queued (performance.now()). */
  private pendingSince = 0;
  private writing = false;
  private drainScheduled = false;
  private inFlight: Promise<void> | undefined;

  /** `writeBatch` settles every line's waiter (settleWritten / rejectUnwritten) and never rejects. */
  constructor(private readonly writeBatch: (batch: QueuedLine[]) => Promise<void>) {}

  /** Queue the lines of one append(); resolves with `result` once all of them were written. */
  enqueue(lines: readonly string[], result: AppendResult): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      const waiter: Waiter = { result, remaining: lines.length, resolve, reject };
      if (this.pending.length === 0) this.pendingSince = performance.now();
      for (const json of lines) {
        this.pending.push({ json, waiter });
        this.pendingChars += json.length + 1;
      }
      this.scheduleDrain();
    });
  }

  /** Resolves when nothing is queued or being written. */
  async idle(): Promise<void> {
    this.drain(); // entries waiting for a scheduled drain must not be left behind by close()
    while (this.inFlight) await this.inFlight;
  }

  /** Start a write of everything pending unless one is running (it restarts us when done). */
  private drain(): void {
    if (this.writing || this.pending.length === 0) return;
    this.writing = true;
    const batch = this.pending;
    this.pending = [];
    this.pendingChars = 0;
    this.inFlight = this.writeBatch(batch).finally(() => {
      this.writing = false;
      this.inFlight = undefined;
      this.drain();
    });
  }

  private scheduleDrain(): void {
    if (this.drainScheduled) {
      // Later in the turn: wait for its end, unless enough is pending or it waited long enough.
      if (!this.writing && (this.pendingChars >= MAX_WRITE_BYTES || performance.now() - this.pendingSince >= TURN_WAIT_MS)) this.drain();
      return;
    }
    this.drainScheduled = true;
    setImmediate(this.endOfTurn);
    this.drain();
  }

  /** Bound: writes what was appended after the turn's first write. */
  private readonly endOfTurn = (): void => {
    this.drainScheduled = false;
    this.drain();
  };
}

/**
 * End (exclusive) of the next write starting at batch[from]: whole appends while they stay under
 * MAX_WRITE_BYTES, at least the first. Sizes are UTF-16 lengths, close enough for a soft limit
 * and free (measuring UTF-8 would copy every line once more).
 */
export function requestChunkEnd(batch: readonly QueuedLine[], from: number, maxBytes: number = MAX_WRITE_BYTES): number {
  let end = from;
  let bytes = 0;
  while (end < batch.length) {
    const waiter = batch[end].waiter;
    let stop = end;
    let groupBytes = 0;
    while (stop < batch.length && batch[stop].waiter === waiter) {
      groupBytes += batch[stop].json.length + 1;
      stop++;
    }
    if (end > from && bytes + groupBytes > maxBytes) break;
    bytes += groupBytes;
    end = stop;
  }
  return end;
}

/** Count the lines of `chunk` as written; resolves every append whose lines are all written. */
export function settleWritten(chunk: readonly QueuedLine[]): void {
  for (const e of chunk) {
    if (--e.waiter.remaining === 0) e.waiter.resolve(e.waiter.result);
  }
}

/** Reject, once each, the appends that own `lines` (what was not written of a failed batch). */
export function rejectUnwritten(lines: readonly QueuedLine[], err: unknown): void {
  let last: Waiter | undefined;
  const rejected = new Set<Waiter>();
  for (const e of lines) {
    if (e.waiter === last || rejected.has(e.waiter)) continue;
    last = e.waiter;
    rejected.add(e.waiter);
    e.waiter.reject(err);
  }
}
