/**
 * Forwarding as collector consumers (shared/harness.ts EventConsumer): one consumer per
 * destination, so /healthz lists each with its own state, all sharing one engine.
 *
 * The consumers do not send what `written()` hands them: they TAIL runtime.jsonl, so events
 * of every producer (Codex, findings, health signals, an earlier run) go out, in file order,
 * from a checkpoint. `written()` is only the wake-up ("the log grew"), coalesced to one
 * message per event-loop turn.
 *
 * The engine runs in a worker thread when the compiled worker script is there (forward-
 * worker.js next to this file); otherwise, or if the worker fails, on the collector's thread
 * (a source checkout under a test runner, a single-file bundle).
 */
import { closeSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import type { BeaconEvent } from '../shared/event';
import type { ForwardDestinationHealth } from '../shared/forwarding';
import type { ConsumerContext, ConsumerHealth, EventConsumer } from '../shared/harness';
import { ForwardEngine, placeholderHealth, type ResolvedDestination } from './forward-engine';
import type { WorkerInit } from './forward-worker';
import { UtilizationMeter } from './ingest-pacer';
import { RotationCapture } from './rotation-capture';

export interface ForwarderOptions {
  destinations: readonly ResolvedDestination[];
  /** Where checkpoints live (<dir>/forward/...). */
  stateDir: string;
  /** auto (default): the worker when its script exists. */
  thread?: 'auto' | 'worker' | 'inline';
  /**
   * What the writer keeps on disk (rotate_bytes x (archives + 1)): a worker gives way to a
   * saturated collector only while its backlog is under half of it (ingest-pacer.ts).
   */
  retainedBytes: number;
}

const WORKER_SCRIPT = join(__dirname, 'forward-worker.js');
/**
 * At most one wake-up message per this many ms: under a flood the collector's thread writes
 * thousands of batches a second, and a postMessage for each cost it measurable CPU; the SIEM
 * copy does not need to know about every one of them within a millisecond.
 */
const WAKE_MIN_MS = 25;
const CLOSE_TIMEOUT_MS = 8000;

class ForwardHub {
  private engine: ForwardEngine | undefined;
  private worker: Worker | undefined;
  private snapshot = new Map<string, ForwardDestinationHealth>();
  private ctx: ConsumerContext | undefined;
  private started = 0;
  private wakeQueued = false;
  private wakeTimer: NodeJS.Timeout | undefined;
  private lastWakeAt = 0;
  private closing: Promise<void> | undefined;
  private closed = false;
  private capture: RotationCapture | undefined;
  private meter: UtilizationMeter | undefined;

  constructor(private readonly opts: ForwarderOptions) {
    for (const h of this.initialHealth()) this.snapshot.set(h.destination, h);
  }

  start(ctx: ConsumerContext): void {
    this.started += 1;
    if (this.ctx) return;
    this.ctx = ctx;
    this.capture = new RotationCapture(ctx.logPath, this.opts.destinations.filter((d) => !d.error).length);
    const wantWorker = this.opts.thread === 'worker' || ((this.opts.thread ?? 'auto') === 'auto' && existsSync(WORKER_SCRIPT));
    if (wantWorker) {
      for (const [k, h] of this.snapshot) this.snapshot.set(k, { ...h, thread: 'worker' });
      this.startWorker();
    } else this.startInline();
  }

  /** What health() shows before the engine's first snapshot arrives. */
  private initialHealth(): ForwardDestinationHealth[] {
    return this.opts.destinations.map(placeholderHealth);
  }

  private emit(events: BeaconEvent[]): void {
    this.ctx?.emit(events).catch((err: Error) => this.ctx?.warn(`forward: could not write a health event: ${err.message}`));
  }

  private startInline(): void {
    const ctx = this.ctx!;
    this.engine = new ForwardEngine({
      logPath: ctx.logPath,
      stateDir: this.opts.stateDir,
      destinations: this.opts.destinations,
      emit: (events) => this.emit(events),
      warn: ctx.warn,
    });
    this.engine.start();
  }

  private startWorker(): void {
    const ctx = this.ctx!;
    const init: WorkerInit = {
      logPath: ctx.logPath,
      stateDir: this.opts.stateDir,
      destinations: [...this.opts.destinations],
      holdBacklogBytes: Math.floor(this.opts.retainedBytes / 2),
    };
    this.meter = new UtilizationMeter();
    let ready = false;
    const w = new Worker(WORKER_SCRIPT, { workerData: init });
    this.worker = w;
    w.on('message', (m: { type: string; health?: ForwardDestinationHealth[]; events?: BeaconEvent[]; message?: string }) => {
      if (m.type === 'ready') ready = true;
      if (m.health) for (const h of m.health) this.snapshot.set(h.destination, { ...h, thread: 'worker' });
      if (m.type === 'emit' && m.events) this.emit(m.events);
      if (m.type === 'warn' && m.message) ctx.warn(m.message);
    });
    const fallBack = (why: string): void => {
      if (this.worker !== w) return;
      this.worker = undefined;
      if (this.closed) return;
      ctx.warn(`forward: the worker thread ${ready ? 'stopped' : 'could not start'} (${why}); forwarding continues on the collector's thread`);
      this.startInline();
    };
    w.on('error', (err) => fallBack(err.message));
    w.on('exit', (code) => fallBack(`exit code ${code}`));
  }

  /** The log grew: one wake-up per event-loop turn at most, and at most one per WAKE_MIN_MS. */
  wake(): void {
    if (this.closed) return;
    // Synchronously, before the writer can rotate again: hold the new file if there is one.
    const files = this.capture?.check();
    if (files) {
      if (this.worker) this.worker.postMessage({ type: 'files', files });
      else if (this.engine) this.engine.adopt(files);
      else for (const f of files) closeSync(f.fd);
    }
    if (this.wakeQueued || this.wakeTimer) return;
    const wait = this.lastWakeAt + WAKE_MIN_MS - performance.now();
    if (wait > 0) {
      // A timer only while the log keeps growing: an idle collector sets none.
      this.wakeTimer = setTimeout(() => {
        this.wakeTimer = undefined;
        this.postWake();
      }, wait);
      return;
    }
    this.wakeQueued = true;
    queueMicrotask(() => {
      this.wakeQueued = false;
      this.postWake();
    });
  }

  private postWake(): void {
    if (this.closed) return;
    this.lastWakeAt = performance.now();
    if (this.worker) this.worker.postMessage({ type: 'wake', utilization: this.meter?.sample() });
    else this.engine?.wake();
  }

  health(destination: string): ConsumerHealth {
    if (this.engine) for (const h of this.engine.health()) this.snapshot.set(h.destination, h);
    return this.snapshot.get(destination) ?? { name: `forward:${destination}`, status: 'failed', detail: 'unknown destination' };
  }

  close(): Promise<void> {
    this.started -= 1;
    if (this.started > 0) return Promise.resolve();
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    this.closed = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    if (this.engine) await this.engine.close();
    const w = this.worker;
    if (!w) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => void w.terminate().then(() => resolve()), CLOSE_TIMEOUT_MS);
      w.once('exit', () => {
        clearTimeout(t);
        resolve();
      });
      w.postMessage({ type: 'close' });
    });
    this.worker = undefined;
  }
}

/** One collector consumer per destination, sharing one engine (and worker). */
export function createForwarders(opts: ForwarderOptions): EventConsumer[] {
  if (opts.destinations.length === 0) return [];
  const hub = new ForwardHub(opts);
  return opts.destinations.map((d) => ({
    name: `forward:${d.cfg.name}`,
    start: (ctx: ConsumerContext) => hub.start(ctx),
    written: () => hub.wake(),
    health: () => hub.health(d.cfg.name),
    close: () => hub.close(),
  }));
}
