/**
 * One destination's delivery loop: read the next batch after the checkpoint, send it, wait for
 * the acknowledgement, move the checkpoint, repeat; sleep when caught up until the collector
 * writes again (wake()) or 10 s pass (the idle rule: no timer faster than that).
 *
 * At least once: the checkpoint moves only after the receiver acknowledged the batch, and
 * one batch is in flight at a time, so a crash resends at most that batch. Failures:
 * transport errors, 408, 429 and 5xx are retried with backoff (or Retry-After), forever;
 * 413 halves the batch; any other 4xx stops this destination (health says why) while the
 * others go on.
 */
import type { ContentPolicy } from '../shared/event';
import type { ForwardDestinationHealth, ForwardState, ForwardType } from '../shared/forwarding';
import { checkpointFile, CheckpointError, loadCheckpoint, saveCheckpoint, type Checkpoint } from './checkpoint';
import type { Destination } from './destination';
import { DEFAULT_BATCH_BYTES, DEFAULT_BATCH_EVENTS, displayUrl, type ForwardDestinationConfig } from './forward-config';
import { prepareItems } from './forward-items';
import type { Pacer } from './ingest-pacer';
import { closeFd } from './log-files';
import { LogCursor, type AdoptedFile, type LineBatch, type LostRange } from './log-cursor';
import { backoffMs, type Outcome } from './retry-policy';
import { scrub } from './secrets';

export const IDLE_CHECK_MS = 10_000;
/** How long close() lets a batch in flight finish before cutting it (it is then resent next start). */
const CLOSE_GRACE_MS = 3000;

export interface RunnerOptions {
  cfg: ForwardDestinationConfig;
  logPath: string;
  stateDir: string;
  destination: Destination;
  token?: string;
  onLost(cfg: ForwardDestinationConfig, range: LostRange): void;
  onWarning(message: string): void;
  /** Health changed (the worker posts it to the collector's thread). */
  onHealth?(): void;
  /** Holds the next batch while the collector is saturated (ingest-pacer.ts); none: never. */
  pacer?: Pacer;
  now?: () => number;
}

export class DestinationRunner {
  private cursor: LogCursor | undefined;
  private checkpoint: Checkpoint;
  private readonly file: string;
  private state: ForwardState = 'starting';
  private detail: string | undefined;
  private lastError: { at: string; message: string } | null = null;
  private nextAttemptAt: string | null = null;
  private oldestMs: number | null = null;
  private delivered = 0;
  private lost = 0;
  private failures = 0;
  private maxLines: number;
  private closed = false;
  private wakeUp: (() => void) | undefined;
  private wakePending = false;
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  /** Files captured at rotation before the cursor was open. */
  private early: AdoptedFile[] = [];
  private readonly now: () => number;
  readonly url: string;

  constructor(private readonly opts: RunnerOptions) {
    this.now = opts.now ?? Date.now;
    this.url = displayUrl(opts.cfg.type, opts.cfg.url);
    this.file = checkpointFile(opts.stateDir, { name: opts.cfg.name, type: opts.cfg.type, url: this.url }, opts.logPath);
    this.maxLines = opts.cfg.batch_events ?? DEFAULT_BATCH_EVENTS;
    this.checkpoint = {
      schema: 1,
      destination: opts.cfg.name,
      type: opts.cfg.type,
      url: this.url,
      log_path: opts.logPath,
      position: null,
      last_event_id: null,
      last_event_at: null,
      acked_events: 0,
      last_success_at: null,
      updated_at: new Date(this.now()).toISOString(),
    };
  }

  get name(): string {
    return this.opts.cfg.name;
  }

  start(): void {
    this.loop ??= this.run().catch((err) => {
      this.fail(`stopped by an internal error: ${(err as Error)?.message ?? String(err)}`);
    });
  }

  /** A file opened at rotation time (rotation-capture.ts): the cursor holds it from now on. */
  adopt(f: AdoptedFile): void {
    if (this.cursor) this.cursor.adopt(f);
    else if (this.closed) void closeFd(f.fd);
    else this.early.push(f);
  }

  /** New lines were written (or may have been): look now instead of at the next idle check. */
  wake(): void {
    this.wakePending = true;
    this.wakeUp?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake();
    const grace = new Promise<void>((r) => {
      this.timer = setTimeout(r, CLOSE_GRACE_MS);
    });
    await Promise.race([this.loop, grace]);
    if (this.timer) clearTimeout(this.timer);
    this.opts.destination.close();
    await this.loop;
    await this.cursor?.close();
    for (const f of this.early.splice(0)) await closeFd(f.fd);
    if (this.state !== 'failed') this.set('stopped');
  }

  health(): ForwardDestinationHealth {
    const c = this.opts.cfg;
    const b = this.cursor?.backlog() ?? { events: 0, bytes: 0 };
    const oldest = b.events > 0 && this.oldestMs !== null ? this.oldestMs : null;
    const status = this.state === 'failed' ? 'failed' : this.state === 'retrying' ? 'degraded' : this.state === 'stopped' ? 'stopped' : 'ok';
    return {
      kind: 'forwarder',
      name: `forward:${c.name}`,
      destination: c.name,
      type: c.type as ForwardType,
      url: this.url,
      status,
      state: this.state,
      detail: this.detail,
      content: (c.content as ContentPolicy | undefined) ?? null,
      last_success_at: this.checkpoint.last_success_at,
      last_error: this.lastError,
      next_attempt_at: this.state === 'retrying' ? this.nextAttemptAt : null,
      backlog: {
        events: b.events,
        bytes: b.bytes,
        oldest_at: oldest !== null ? new Date(oldest).toISOString() : null,
        age_seconds: oldest !== null ? Math.max(0, Math.round((this.now() - oldest) / 1000)) : null,
      },
      delivered_events: this.delivered,
      lost_events: this.lost,
      thread: 'inline',
    };
  }

  private set(state: ForwardState, detail?: string): void {
    this.state = state;
    this.detail = detail;
    this.opts.onHealth?.();
  }

  private fail(reason: string): void {
    const message = scrub(reason, this.opts.token);
    this.lastError = { at: new Date(this.now()).toISOString(), message };
    this.set('failed', message);
    this.opts.onWarning(`forward ${this.name}: stopped: ${message}`);
  }

  private async run(): Promise<void> {
    let saved: Checkpoint | null = null;
    try {
      saved = await loadCheckpoint(this.file);
    } catch (err) {
      if (!(err instanceof CheckpointError)) throw err;
      // Starting over resends what was already delivered (receivers de-duplicate on event.id);
      // guessing a position could skip events.
      this.opts.onWarning(`forward ${this.name}: ${err.message}; sending the whole log again`);
    }
    if (saved) this.checkpoint = { ...saved, destination: this.name, type: this.opts.cfg.type, url: this.url, log_path: this.opts.logPath };
    const opened = await LogCursor.open({ logPath: this.opts.logPath, startAt: this.opts.cfg.start_at }, saved?.position ?? null);
    this.cursor = opened.cursor;
    for (const f of this.early.splice(0)) this.cursor.adopt(f);
    if (opened.truncated) this.opts.onWarning(`forward ${this.name}: ${this.opts.logPath} is shorter than the checkpoint (truncated?); sending that file from its start`);
    if (opened.lost) this.reportLost({ ...opened.lost, from: this.checkpoint.last_event_at });
    this.set('idle');
    while (!this.closed) {
      this.reportLostAll(await this.cursor.refresh());
      if (this.state === 'failed') {
        await this.idle();
        continue;
      }
      if (this.opts.pacer) await this.opts.pacer.hold(this.cursor.backlog().bytes, () => this.closed);
      const batch = await this.cursor.read(this.maxLines, this.opts.cfg.batch_bytes ?? DEFAULT_BATCH_BYTES);
      if (this.cursor.moved) await this.save();
      if (!batch) {
        this.oldestMs = null;
        if (this.state !== 'idle') this.set('idle');
        await this.idle();
        continue;
      }
      await this.send(batch);
    }
  }

  private async send(batch: LineBatch): Promise<void> {
    const { items } = prepareItems(batch.lines, this.opts.cfg.content);
    this.oldestMs = items[0]?.timeMs ?? this.oldestMs;
    if (items.length === 0) return this.acked(batch, null);
    if (this.state !== 'delivering' && this.state !== 'retrying') this.set('delivering');
    while (!this.closed) {
      const outcome: Outcome = await this.opts.destination.deliver(items);
      if (outcome.kind === 'ok') {
        if (outcome.note) this.opts.onWarning(`forward ${this.name}: ${scrub(outcome.note, this.opts.token)}`);
        this.failures = 0;
        this.delivered += items.length;
        const last = items[items.length - 1].event;
        await this.acked(batch, { id: last.event.id ?? null, at: last.timestamp, count: items.length });
        if (this.state !== 'delivering') this.set('delivering');
        else this.opts.onHealth?.();
        return;
      }
      if (outcome.kind === 'fatal') return this.fail(outcome.reason);
      if (outcome.kind === 'too-large') {
        if (batch.lines.length <= 1) return this.fail(`${outcome.reason} (even a single event is too large for this receiver)`);
        this.maxLines = Math.max(1, Math.floor(batch.lines.length / 2));
        return; // re-read a smaller batch
      }
      this.failures += 1;
      const wait = outcome.retryAfterMs ?? backoffMs(this.failures);
      this.lastError = { at: new Date(this.now()).toISOString(), message: scrub(outcome.reason, this.opts.token) };
      this.nextAttemptAt = new Date(this.now() + wait).toISOString();
      this.set('retrying', `attempt ${this.failures} failed: ${this.lastError.message}; next in ${Math.round(wait / 1000)} s`);
      await this.waitToRetry(wait);
    }
  }

  /**
   * The wait before a retry. New writes do not shorten it (the receiver is the problem), but
   * each one refreshes the backlog, so health stays current and files that leave the oldest
   * archive meanwhile are reported lost when they go, not after the outage.
   */
  private async waitToRetry(ms: number): Promise<void> {
    const until = this.now() + ms;
    while (!this.closed) {
      const left = until - this.now();
      if (left <= 0) return;
      await this.sleep(left);
      if (this.closed || this.now() >= until) return;
      this.reportLostAll(await this.cursor!.refresh());
      this.opts.onHealth?.();
    }
  }

  private async acked(batch: LineBatch, last: { id: string | null; at: string; count: number } | null): Promise<void> {
    await this.cursor!.commit(batch);
    if (last) {
      this.checkpoint.last_event_id = last.id;
      this.checkpoint.last_event_at = last.at;
      this.checkpoint.acked_events += last.count;
      this.checkpoint.last_success_at = new Date(this.now()).toISOString();
    }
    await this.save();
  }

  private async save(): Promise<void> {
    this.cursor!.moved = false;
    this.checkpoint.position = await this.cursor!.position();
    this.checkpoint.updated_at = new Date(this.now()).toISOString();
    try {
      await saveCheckpoint(this.file, this.checkpoint);
    } catch (err) {
      // Delivery goes on; a restart would resend from the last checkpoint that was written.
      this.opts.onWarning(`forward ${this.name}: cannot write its checkpoint ${this.file}: ${(err as Error).message}`);
    }
  }

  /**
   * Files that went in one look are one loss: one report with the total and the whole time range.
   * One report per file would flood the log (a long outage drops dozens of files at once), and
   * the reports, written together, could rotate earlier ones off the archives themselves.
   */
  private reportLostAll(ranges: readonly LostRange[]): void {
    if (ranges.length === 0) return;
    const known = ranges.every((r) => r.events !== null);
    const from = ranges.map((r) => r.from).filter((t): t is string => t !== null).sort()[0] ?? null;
    const until = ranges.map((r) => r.until).filter((t): t is string => t !== null).sort().at(-1) ?? null;
    const counted = ranges.reduce((n, r) => n + (r.events ?? 0), 0);
    // /healthz counts what is known to be lost; the report says "unknown" if any part is.
    this.lost += counted;
    this.opts.onLost(this.opts.cfg, { events: known ? counted : null, from, until });
  }

  private reportLost(range: LostRange): void {
    if (range.events !== null) this.lost += range.events;
    this.opts.onLost(this.opts.cfg, range);
  }

  /** Wait for wake() or the idle check, whichever comes first. */
  private idle(): Promise<void> {
    return this.sleep(IDLE_CHECK_MS);
  }

  /** Sleep until `ms` pass, wake() or close(). */
  private sleep(ms: number): Promise<void> {
    if (this.closed || this.wakePending) {
      this.wakePending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(t);
        this.wakeUp = undefined;
        this.wakePending = false;
        resolve();
      };
      const t = setTimeout(done, ms);
      this.wakeUp = done;
    });
  }
}
