/**
 * The live side: an EventConsumer that shows every written event to the engine and writes each
 * finding back through the collector (`ctx.emit`: policed, given to the other consumers and
 * forwarders, never back to this one). It sees events AFTER the content policy: under
 * `metadata` there is no command line, output or prompt text, so rules on text cannot fire.
 *
 * A bad rule file is refused with a warning naming the file and field; the other rules run,
 * and health says `degraded` until the file is fixed (read at collector start).
 */
import type { BeaconEvent } from '../shared/event';
import type { ConsumerContext, ConsumerHealth, EventConsumer } from '../shared/harness';
import { DetectionEngine, type EngineLimits } from './engine';
import { loadRules } from './rule-load';

export interface DetectionOptions {
  /** Rule directories from config.json (system's, then user's). */
  ruleDirs?: readonly string[];
  /** Leave the shipped rules out (tests of one directory). Default: included. */
  shipped?: boolean;
  limits?: Partial<EngineLimits>;
}

export class DetectionConsumer implements EventConsumer {
  readonly name = 'detections';
  private engine: DetectionEngine | undefined;
  private ctx: ConsumerContext | undefined;
  private problems: string[] = [];
  private emitted = 0;
  private emitFailures = 0;
  /** Findings waiting for the next write; one write in flight at a time (see flush). */
  private queued: BeaconEvent[] = [];
  private flushing: Promise<void> | undefined;

  constructor(private readonly opts: DetectionOptions = {}) {}

  start(ctx: ConsumerContext): void {
    this.ctx = ctx;
    const set = loadRules(this.opts.ruleDirs ?? [], { shipped: this.opts.shipped });
    this.problems = set.problems;
    for (const p of set.problems) ctx.warn(`detections: rule refused: ${p}`);
    this.engine = new DetectionEngine(set.rules, this.opts.limits);
  }

  written(events: readonly BeaconEvent[]): void {
    const engine = this.engine;
    const ctx = this.ctx;
    if (!engine || !ctx) return;
    let found = false;
    for (const e of events) {
      const f = engine.process(e);
      for (let i = 0; i < f.length; i++) this.queued.push(f[i]);
      if (f.length > 0) found = true;
    }
    if (!found) return;
    // Not written here: written() must not block the write that called it. Findings of the
    // requests arriving meanwhile join the same write (one log append, not one per request).
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.flush(ctx));
  }

  private async flush(ctx: ConsumerContext): Promise<void> {
    while (this.queued.length > 0) {
      const batch = this.queued;
      this.queued = [];
      try {
        await ctx.emit(batch);
        this.emitted += batch.length;
      } catch (err) {
        this.emitFailures += batch.length;
        ctx.warn(`detections: could not write ${batch.length} finding(s): ${(err as Error)?.message ?? String(err)}`);
      }
    }
    this.flushing = undefined;
  }

  health(): ConsumerHealth {
    const rules = this.engine?.rules ?? [];
    const user = rules.filter((r) => r.source === 'user').length;
    const status = !this.engine ? 'stopped' : this.problems.length > 0 || this.emitFailures > 0 ? 'degraded' : 'ok';
    const parts = [`${rules.length} rules (${user} from rule directories)`, `${this.emitted} finding(s) written`];
    if (this.problems.length > 0) parts.push(`${this.problems.length} rule file(s) refused: ${this.problems[0]}`);
    if (this.emitFailures > 0) parts.push(`${this.emitFailures} finding(s) could not be written`);
    return { name: this.name, status, detail: parts.join('; '), rules: rules.length, findings: this.emitted, refused: this.problems };
  }

  /** Findings still being written are let through before the writer closes. */
  async close(): Promise<void> {
    await this.flushing;
  }
}
