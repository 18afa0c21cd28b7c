import { describe, expect, it } from 'vitest';
import { performance } from 'node:perf_hooks';
import { IngestPacer, MAX_HOLD_MS, QUIET_MS, REPORT_WINDOW_MS, UtilizationMeter } from '../../electron/forward/ingest-pacer';

/** A pacer on a clock the test moves: sleeping advances it, so no test waits for real. */
function pacerOnClock(maxBacklogBytes = 1 << 20) {
  const clock = { t: 1_000_000, slept: 0 };
  const pacer = new IngestPacer({
    maxBacklogBytes,
    now: () => clock.t,
    sleep: async (ms) => {
      clock.t += ms;
      clock.slept += ms;
    },
  });
  return { clock, pacer };
}

describe('forwarding gives way to a saturated collector', () => {
  it('does not hold at all when the collector is not saturated', async () => {
    const { clock, pacer } = pacerOnClock();
    pacer.report(0.3);
    await pacer.hold(0, () => false);
    expect(clock.slept).toBe(0);
  });

  it('holds while busy reports keep coming, and lets go once they stop', async () => {
    const { clock, pacer } = pacerOnClock();
    pacer.report(0.95);
    // Busy reports every 100 ms for a second, from "the collector's thread".
    let reports = 10;
    const wait = pacer.hold(0, () => {
      if (reports > 0 && clock.t % 100 === 0) {
        reports -= 1;
        pacer.report(0.95);
      }
      return false;
    });
    await wait;
    expect(clock.slept).toBeGreaterThanOrEqual(QUIET_MS);
    expect(clock.slept).toBeLessThan(MAX_HOLD_MS);
    expect(pacer.saturated).toBe(false);
  });

  it('holds no longer than MAX_HOLD_MS in one episode, then stays released until it ends', async () => {
    const { clock, pacer } = pacerOnClock();
    const busyForever = () => {
      pacer.report(1);
      return false;
    };
    pacer.report(1);
    await pacer.hold(0, busyForever);
    expect(clock.slept).toBeGreaterThanOrEqual(MAX_HOLD_MS);
    expect(clock.slept).toBeLessThan(MAX_HOLD_MS + 200);
    const before = clock.slept;
    await pacer.hold(0, busyForever);
    expect(clock.slept).toBe(before);
    // The episode ends (no busy report for QUIET_MS); the next one may hold again.
    clock.t += QUIET_MS + 1;
    await pacer.hold(0, () => false);
    pacer.report(1);
    const start = clock.slept;
    await pacer.hold(0, () => false);
    expect(clock.slept - start).toBeGreaterThan(0);
  });

  it('never holds a backlog past its bound (it would fall off the oldest archive)', async () => {
    const { clock, pacer } = pacerOnClock(4096);
    pacer.report(1);
    await pacer.hold(4096, () => false);
    expect(clock.slept).toBe(0);
  });

  it('a closing runner is not kept waiting', async () => {
    const { clock, pacer } = pacerOnClock();
    pacer.report(1);
    await pacer.hold(0, () => true);
    expect(clock.slept).toBe(0);
  });
});

describe("the collector thread's utilization meter", () => {
  it('reports once per window, near 1 for a busy thread and near 0 for an idle one', async () => {
    const meter = new UtilizationMeter();
    expect(meter.sample()).toBeUndefined();
    // Busy: block this thread for two windows.
    const end = performance.now() + REPORT_WINDOW_MS * 2;
    while (performance.now() < end);
    const busy = meter.sample();
    expect(busy).toBeGreaterThan(0.8);
    await new Promise((r) => setTimeout(r, REPORT_WINDOW_MS * 2));
    const idle = meter.sample();
    expect(idle).toBeLessThan(0.5);
  });
});
