/**
 * The writer's batching policy: what one write(2) holds when several appends wait. Whole
 * appends only (a failed write then leaves nothing of the appends it rejects), about
 * MAX_WRITE_BYTES at most, and always at least one append, however big.
 */
import { describe, expect, it } from 'vitest';
import { AppendQueue, MAX_WRITE_BYTES, TURN_WAIT_MS, requestChunkEnd, settleWritten, type QueuedLine } from '../../electron/log/append-queue';

/** A batch of appends, each given as its line sizes. */
function batch(...appends: number[][]): QueuedLine[] {
  const out: QueuedLine[] = [];
  for (const lines of appends) {
    const waiter = { result: { written: lines.length, truncated: 0 }, remaining: lines.length, resolve: () => undefined, reject: () => undefined };
    for (const n of lines) out.push({ json: 'x'.repeat(n - 1), waiter });
  }
  return out;
}

describe('requestChunkEnd', () => {
  it('takes whole appends while they fit', () => {
    const b = batch([10_000, 10_000], [20_000], [30_000], [5_000]);
    expect(requestChunkEnd(b, 0)).toBe(3); // 40 KB; the 30 KB append would pass 64 KiB
    expect(requestChunkEnd(b, 3)).toBe(5);
  });

  it('never splits an append, and writes one bigger than the limit alone', () => {
    const b = batch([1_000], Array(100).fill(1_000), [1_000]);
    expect(requestChunkEnd(b, 0)).toBe(1);
    expect(requestChunkEnd(b, 1)).toBe(101);
    expect(requestChunkEnd(b, 101)).toBe(102);
  });

  it('continues an append a rotation split, from where it was cut', () => {
    const b = batch(Array(10).fill(10_000), [10_000]);
    expect(requestChunkEnd(b, 7)).toBe(11);
    expect(MAX_WRITE_BYTES).toBe(64 * 1024);
  });
});

/** Let every pending microtask run, but no timer or immediate (still the same event-loop turn). */
async function microtasks(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}

function busyFor(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    /* a request's synchronous work */
  }
}

describe('AppendQueue group commit', () => {
  /** A queue whose writes are recorded (line counts) and succeed at once. */
  function recordingQueue(): { queue: AppendQueue; writes: number[] } {
    const writes: number[] = [];
    const queue = new AppendQueue(async (b) => {
      writes.push(b.length);
      settleWritten(b);
    });
    return { queue, writes };
  }
  const result = () => ({ written: 1, truncated: 0 });

  it('does not hold an append for the rest of a long turn (a burst of requests after a stall)', async () => {
    const { queue, writes } = recordingQueue();
    void queue.enqueue(['first'], result());
    await microtasks();
    let answered = false;
    void queue.enqueue(['second'], result()).then(() => (answered = true));
    busyFor(TURN_WAIT_MS + 1); // the next request of the same turn is parsed meanwhile
    void queue.enqueue(['third'], result());
    await microtasks();
    // Written (and its append resolved) without waiting for the turn to end.
    expect(writes).toEqual([1, 2]);
    expect(answered).toBe(true);
  });

  it('writes once MAX_WRITE_BYTES are pending, whatever the time', async () => {
    const { queue, writes } = recordingQueue();
    void queue.enqueue(['first'], result());
    await microtasks();
    const big = 'x'.repeat(MAX_WRITE_BYTES / 4);
    for (let i = 0; i < 4; i++) void queue.enqueue([big], result());
    await microtasks();
    // All four written before the turn ends (in one write, or more if the machine was slow).
    expect(writes[0]).toBe(1);
    expect(writes.slice(1).reduce((a, b) => a + b, 0)).toBe(4);
  });
});
