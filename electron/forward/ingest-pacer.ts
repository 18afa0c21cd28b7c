/**
 * Forwarding gives way to ingest: while the collector's own thread is saturated (a flood of
 * exports), the forward worker holds its next batch instead of competing for the CPU, and
 * catches up when the burst ends. The local write comes first (design.md); the SIEM copy may
 * lag a burst by a few seconds.
 *
 * Why a hold and not only a lower priority (thread-priority.ts): on a 2-core machine the
 * collector and its load already fill both cores, and a nice-10 worker still took 10-20 % of
 * the collector's ingest (docs/benchmarks.md, "Forwarding on a 2-core machine"): the threads
 * share caches and, on SMT machines, the cores themselves.
 *
 * Bounded three ways, so a hold never turns into a loss or an unbounded lag:
 *  - at most MAX_HOLD_MS per saturation episode: past that, forwarding runs (at its lower
 *    priority) until the collector is no longer saturated;
 *  - never while the backlog is past `maxBacklogBytes` (half of what the writer keeps:
 *    rotate_bytes x (archives + 1)), so the backlog cannot fall off the oldest archive;
 *  - "saturated" expires QUIET_MS after the last busy report: the collector reports only while
 *    it writes, so a finished burst releases the hold by itself.
 *
 * The collector's thread measures its event-loop utilization (performance.eventLoopUtilization)
 * over windows of at least REPORT_WINDOW_MS and sends it with its wake-ups (forwarder.ts). No
 * timer runs unless a hold is in progress: an idle collector wakes nothing (the idle rule).
 */

import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** Event-loop utilization at or above which the collector's thread counts as saturated. */
export const BUSY_UTILIZATION = 0.8;
/** The shortest window the collector's thread measures its utilization over. */
export const REPORT_WINDOW_MS = 100;
/** A busy report counts this long; then the hold ends unless another one came. */
export const QUIET_MS = 300;
/** The longest hold of one saturation episode. */
export const MAX_HOLD_MS = 5000;
/** How often a hold looks again. */
const POLL_MS = 50;

export interface Pacer {
  /**
   * Resolves when the next batch may go: at once unless the collector is saturated. `stop`
   * ends the wait early (the runner is closing); `backlogBytes` is what is not yet delivered.
   */
  hold(backlogBytes: number, stop: () => boolean): Promise<void>;
}

export interface IngestPacerOptions {
  maxBacklogBytes: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class IngestPacer implements Pacer {
  private busyUntil = 0;
  /** When the current saturation episode's hold began; undefined: no episode. */
  private heldSince: number | undefined;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: IngestPacerOptions) {
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** The collector's thread was busy for this share of its last window (0..1). */
  report(utilization: number): void {
    if (utilization >= BUSY_UTILIZATION) this.busyUntil = this.now() + QUIET_MS;
  }

  get saturated(): boolean {
    return this.now() < this.busyUntil;
  }

  async hold(backlogBytes: number, stop: () => boolean): Promise<void> {
    while (this.saturated && !stop()) {
      const t = this.now();
      this.heldSince ??= t;
      // Past the bounds: go, and stay released until this episode ends.
      if (t - this.heldSince >= MAX_HOLD_MS || backlogBytes >= this.opts.maxBacklogBytes) return;
      await this.sleep(Math.min(POLL_MS, Math.max(1, this.busyUntil - t)));
    }
    if (!this.saturated) this.heldSince = undefined;
  }
}

/**
 * The collector's side: its event-loop utilization since the last report, once at least
 * REPORT_WINDOW_MS have passed; undefined in between (the last value still stands).
 */
export class UtilizationMeter {
  private mark: EventLoopUtilization;
  private markAt: number;

  constructor(private readonly perf: Pick<typeof performance, 'now' | 'eventLoopUtilization'> = performance) {
    this.mark = perf.eventLoopUtilization();
    this.markAt = perf.now();
  }

  sample(): number | undefined {
    const t = this.perf.now();
    if (t - this.markAt < REPORT_WINDOW_MS) return undefined;
    const delta = this.perf.eventLoopUtilization(this.mark);
    this.mark = this.perf.eventLoopUtilization();
    this.markAt = t;
    return delta.utilization;
  }
}
