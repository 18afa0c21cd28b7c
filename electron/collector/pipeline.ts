/**
 * The ingest pipeline: decoded OTLP -> Codex normalizer -> content policy (redaction) -> writer.
 * The receiver hands every decoded request here and answers the exporter once this resolves,
 * so a 200 means "the events were handed to the OS in the log file" (design.md section 4).
 */
import type { DecodedRequest } from '../shared/otlp-types';
import type { BeaconEvent, ContentPolicy } from '../shared/event';
import { CodexNormalizer } from '../codex/normalizer';
import { applyContentPolicy } from '../log/content-policy';
import { LogUnavailableError, type RuntimeLogWriter } from '../log/writer';
import { IngestUnavailableError } from './otlp-server';

export interface PipelineOptions {
  writer: RuntimeLogWriter;
  normalizer: CodexNormalizer;
  includeSpans: boolean;
  content: ContentPolicy;
  /** Called with what was written, after the write (the app uses it for live tray updates). */
  onWritten?: (events: BeaconEvent[]) => void;
}

export interface PipelineStats {
  requests: { logs: number; traces: number; metrics: number };
  eventsWritten: number;
  eventsTruncated: number;
  recordsDropped: number;
  /** Events normalized while capture was paused, and therefore not written. */
  eventsDroppedWhilePaused: number;
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
    eventsDroppedWhilePaused: 0,
  };

  /**
   * Pause capture (the tray's "Pause capture"). Requests are still answered 200: Codex never
   * retries and a failing endpoint only slows its exit, so refusing would save nothing.
   */
  paused = false;

  constructor(private readonly opts: PipelineOptions) {}

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
        events = this.opts.normalizer.normalizeLogs(req.resourceLogs);
        break;
      case 'traces':
        // Spans are 20-35x the volume of logs and carry no content a user needs: off by default.
        events = this.opts.includeSpans ? this.opts.normalizer.normalizeSpans(req.resourceSpans) : [];
        break;
      case 'metrics':
        // Received so Codex never ships them to its default third party, then dropped.
        events = [];
        break;
    }
    if (events.length === 0) return {};
    return this.write(events);
  };

  /** Write already-normalized events (also used by `test-event`-style validation events). */
  async write(events: BeaconEvent[]): Promise<IngestOutcome> {
    if (this.paused) {
      this.stats.eventsDroppedWhilePaused += events.length;
      return {};
    }
    const policed = events.map((e) => applyContentPolicy(e, this.opts.content));
    try {
      const result = await this.opts.writer.append(policed);
      this.stats.eventsWritten += result.written;
      this.stats.eventsTruncated += result.truncated;
      this.stats.lastEventAt = policed[policed.length - 1].timestamp;
      this.opts.onWritten?.(policed);
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
}
