/**
 * The ingest pipeline: decoded OTLP -> the harness's normalizer -> enrichers -> content policy
 * (redaction) -> event id -> writer -> consumers. The receiver hands every decoded request here
 * and answers the exporter once this resolves, so a 200 means "the events were handed to the
 * OS in the log file" (design.md section 4).
 *
 * The pipeline knows harnesses, enrichers and consumers only by the contracts in
 * shared/harness.ts; which ones run is decided by whoever starts the collector.
 */
import type { DecodedRequest, ResourceLogs, ResourceSpans } from '../shared/otlp-types';
import type { BeaconEvent, ContentPolicy } from '../shared/event';
import type { EventConsumer, EventEnricher, HarnessIngest, HarnessNormalizer } from '../shared/harness';
import { newEventId } from '../shared/event-id';
import { applyContentPolicy } from '../log/content-policy';
import { LogUnavailableError, type RuntimeLogWriter } from '../log/writer';
import { IngestUnavailableError } from './otlp-server';

/** A harness's ingest contract with the normalizer this collector made from it. */
export interface BoundHarness {
  claims: HarnessIngest['claims'];
  normalizer: HarnessNormalizer;
}

export interface PipelineOptions {
  writer: RuntimeLogWriter;
  /** In claim order: each resource goes to the first that claims it; unclaimed ones are dropped. */
  harnesses: readonly BoundHarness[];
  includeSpans: boolean;
  content: ContentPolicy;
  enrichers?: readonly EventEnricher[];
  consumers?: readonly EventConsumer[];
  /** Called with what was written, after the write (the app uses it for live tray updates). */
  onWritten?: (events: BeaconEvent[]) => void;
  /** A plug-in (enricher or consumer) failed; the write itself went on. */
  onPluginError?: (name: string, err: unknown) => void;
}

export interface PipelineStats {
  requests: { logs: number; traces: number; metrics: number };
  eventsWritten: number;
  eventsTruncated: number;
  recordsDropped: number;
  /** Resources no registered harness claimed (their records were not read). */
  resourcesUnclaimed: number;
  /** Events normalized while capture was paused, and therefore not written. */
  eventsDroppedWhilePaused: number;
  /** Enricher or consumer calls that threw (each also reported through onPluginError). */
  pluginErrors: number;
  lastEventAt?: string;
}

export interface IngestOutcome {
  rejected?: number;
  rejectedMessage?: string;
}

export class IngestPipeline {
  readonly stats: PipelineStats = {
    requests: { logs: 0, traces: 0, metrics: 0 },
    eventsWritten: 0,
    eventsTruncated: 0,
    recordsDropped: 0,
    resourcesUnclaimed: 0,
    eventsDroppedWhilePaused: 0,
    pluginErrors: 0,
  };

  /**
   * Pause capture (the tray's "Pause capture"). Requests are still answered 200: Codex never
   * retries and a failing endpoint only slows its exit, so refusing would save nothing.
   */
  paused = false;

  private readonly enrichers: readonly EventEnricher[];
  private readonly consumers: readonly EventConsumer[];

  constructor(private readonly opts: PipelineOptions) {
    this.enrichers = opts.enrichers ?? [];
    this.consumers = opts.consumers ?? [];
  }

  /**
   * Whether ingest() reads a signal's content: metrics are always dropped and spans unless
   * includeSpans, so the receiver need not decode them (it still checks them). Bound.
   */
  readonly needsContent = (signal: DecodedRequest['signal']): boolean =>
    signal === 'logs' || (signal === 'traces' && this.opts.includeSpans);

  /** Bound so it can be passed straight to the receiver. */
  readonly ingest = async (req: DecodedRequest): Promise<IngestOutcome> => {
    this.stats.requests[req.signal] += 1;
    let events: BeaconEvent[];
    switch (req.signal) {
      case 'logs':
        events = this.normalize(req.resourceLogs, (n, part) => n.normalizeLogs(part));
        break;
      case 'traces':
        // Spans are 20-35x the volume of logs and carry no content a user needs: off by default.
        events = this.opts.includeSpans ? this.normalize(req.resourceSpans, (n, part) => n.normalizeSpans(part)) : [];
        break;
      case 'metrics':
        // Received so Codex never ships them to its default third party, then dropped.
        events = [];
        break;
    }
    if (events.length === 0) return {};
    return this.write(events);
  };

  /** Give each resource to the first harness that claims it (one harness: no grouping at all). */
  private normalize<R extends ResourceLogs | ResourceSpans>(
    resources: readonly R[],
    run: (n: HarnessNormalizer, part: R[]) => BeaconEvent[],
  ): BeaconEvent[] {
    const harnesses = this.opts.harnesses;
    if (harnesses.length === 1 && resources.every((r) => harnesses[0].claims(r.resource ?? {}))) {
      return run(harnesses[0].normalizer, resources as R[]);
    }
    const parts = new Map<BoundHarness, R[]>();
    for (const r of resources) {
      const h = harnesses.find((c) => c.claims(r.resource ?? {}));
      if (!h) {
        this.stats.resourcesUnclaimed += 1;
        continue;
      }
      let part = parts.get(h);
      if (!part) parts.set(h, (part = []));
      part.push(r);
    }
    const out: BeaconEvent[] = [];
    for (const [h, part] of parts) for (const ev of run(h.normalizer, part)) out.push(ev);
    return out;
  }

  /**
   * Write already-normalized events: the receiver's, `test-event`'s validation events, and
   * what consumers emit (`from`: that consumer is not shown its own events).
   */
  async write(events: BeaconEvent[], from?: EventConsumer): Promise<IngestOutcome> {
    if (this.paused) {
      this.stats.eventsDroppedWhilePaused += events.length;
      return {};
    }
    for (const enricher of this.enrichers) {
      try {
        enricher.enrich(events);
      } catch (err) {
        this.pluginFailed(enricher.name, err);
      }
    }
    const policed = events.map((e) => applyContentPolicy(e, this.opts.content));
    for (const e of policed) e.event.id ??= newEventId();
    try {
      const result = await this.opts.writer.append(policed);
      this.stats.eventsWritten += result.written;
      this.stats.eventsTruncated += result.truncated;
      this.stats.lastEventAt = policed[policed.length - 1].timestamp;
      this.opts.onWritten?.(policed);
      for (const consumer of this.consumers) {
        if (consumer === from || !consumer.written) continue;
        try {
          consumer.written(policed);
        } catch (err) {
          this.pluginFailed(consumer.name, err);
        }
      }
      if (result.truncated > 0) {
        // OTLP's "warning with full acceptance": nothing rejected, but say what happened.
        return { rejected: 0, rejectedMessage: `${result.truncated} event(s) exceeded the per-event size limit and were truncated (marked field_truncated)` };
      }
      return {};
    } catch (err) {
      if (err instanceof LogUnavailableError) {
        throw new IngestUnavailableError(err.message, err.retryAfterSeconds);
      }
      throw err;
    }
  }

  private pluginFailed(name: string, err: unknown): void {
    this.stats.pluginErrors += 1;
    try {
      this.opts.onPluginError?.(name, err);
    } catch {
      /* a reporter's bug must not break writing */
    }
  }
}
