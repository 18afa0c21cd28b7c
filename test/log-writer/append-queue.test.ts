/**
 * The writer's batching policy: what one write(2) holds when several appends wait. Whole
 * appends only (a failed write then leaves nothing of the appends it rejects), about
 * MAX_WRITE_BYTES at most, and always at least one append, however big.
 */
import { describe, expect, it } from 'vitest';
import { MAX_WRITE_BYTES, requestChunkEnd, type QueuedLine } from '../../electron/log/append-queue';

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
