/**
 * The collector gives memory back after a burst, once, when it has gone quiet; it never runs a
 * collection while requests keep coming, and it never leaves a short timer behind.
 */
import { setImmediate as tick } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { IdleHeapCompactor, loadFullGc, QUIET_MS } from '../../electron/collector/idle-heap-compactor';

describe('loadFullGc', () => {
  it("hands out V8's real full collection: an unreachable object is gone after it", async () => {
    const gc = loadFullGc();
    expect(typeof gc).toBe('function');
    let garbage: object | undefined = { big: new Array(1000).fill('x') };
    const ref = new WeakRef(garbage);
    garbage = undefined;
    await tick(); // WeakRef targets survive until the current job ends
    gc!();
    expect(ref.deref()).toBeUndefined();
    // ...without putting `gc` on the collector's own global object.
    expect((globalThis as { gc?: unknown }).gc === gc).toBe(false);
  });
});

describe('IdleHeapCompactor', () => {
  let heap = 0;
  let collections = 0;
  const make = () =>
    new IdleHeapCompactor({
      minGrowthBytes: 8,
      gc: () => {
        collections++;
        heap = 10;
      },
      heapBytes: () => heap,
    });

  beforeEach(() => {
    vi.useFakeTimers();
    heap = 10;
    collections = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('waits for QUIET_MS (at least 10 s) without a request, then collects once', () => {
    expect(QUIET_MS).toBeGreaterThanOrEqual(10_000);
    const c = make();
    heap = 100; // the burst grew the heap
    for (let i = 0; i < 50; i++) {
      c.noteActivity(); // a request every second keeps it from ever firing
      vi.advanceTimersByTime(1000);
    }
    expect(collections).toBe(0);
    vi.advanceTimersByTime(QUIET_MS);
    expect(collections).toBe(1);
    expect(c.compactions).toBe(1);
    // Quiet from now on: no timer is left to fire again.
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10 * QUIET_MS);
    expect(collections).toBe(1);
  });

  it('does not collect when the heap did not grow (an idle collector that got one request)', () => {
    const c = make();
    c.noteActivity();
    vi.advanceTimersByTime(QUIET_MS + 1);
    expect(collections).toBe(0);
    // Growth after that compaction-free period still counts from the start.
    heap = 30;
    c.noteActivity();
    vi.advanceTimersByTime(QUIET_MS + 1);
    expect(collections).toBe(1);
  });

  it('uses one timer for any number of requests, and stop() removes it', () => {
    const c = make();
    for (let i = 0; i < 1000; i++) c.noteActivity();
    expect(vi.getTimerCount()).toBe(1);
    c.stop();
    expect(vi.getTimerCount()).toBe(0);
    heap = 100;
    c.noteActivity();
    vi.advanceTimersByTime(2 * QUIET_MS);
    expect(collections).toBe(0);
  });
});
