/**
 * All destinations of one collector, wherever they run (a worker thread normally, the
 * collector's thread as a fallback): builds each destination's sender and runner, passes
 * wake-ups on, collects health, and turns a lost backlog into a `forward.events_lost` event.
 */
import { hostname, platform } from 'node:os';
import { PRODUCT, SCHEMA_VERSION, VENDOR, type BeaconEvent } from '../shared/event';
import type { ForwardDestinationHealth } from '../shared/forwarding';
import { VERSION } from '../shared/version';
import type { Destination, DestinationContext } from './destination';
import { displayUrl, endpointUrl, type ForwardDestinationConfig } from './forward-config';
import { HecDestination } from './hec-destination';
import { HttpTarget } from './http-post';
import type { AdoptedFile, LostRange } from './log-cursor';
import { NdjsonDestination } from './ndjson-destination';
import { OtlpDestination } from './otlp-destination';
import { DestinationRunner } from './destination-runner';
import type { Pacer } from './ingest-pacer';

/** A destination with its secrets read (what the collector hands to the engine). */
export interface ResolvedDestination {
  cfg: ForwardDestinationConfig;
  token?: string;
  /** PEM text of ca_file. */
  ca?: string;
  /** Set when the destination cannot run (unreadable token file, bad CA): shown as failed. */
  error?: string;
}

export interface EngineOptions {
  logPath: string;
  stateDir: string;
  destinations: readonly ResolvedDestination[];
  emit(events: BeaconEvent[]): void;
  warn(message: string): void;
  onHealth?(): void;
  /** Shared by every destination: gives way to a saturated collector (worker thread only). */
  pacer?: Pacer;
}

export function createDestination(r: ResolvedDestination, extra: Pick<DestinationContext, 'ackDeadlineMs'> = {}): Destination {
  const ctx: DestinationContext = { cfg: r.cfg, url: endpointUrl(r.cfg.type, r.cfg.url), token: r.token, http: new HttpTarget({ ca: r.ca }), ...extra };
  switch (r.cfg.type) {
    case 'otlp-http':
      return new OtlpDestination(ctx);
    case 'splunk-hec':
      return new HecDestination(ctx);
    case 'http-ndjson':
      return new NdjsonDestination(ctx);
  }
}

export function lostEvent(cfg: ForwardDestinationConfig, range: LostRange, now = new Date()): BeaconEvent {
  const count = range.events === null ? 'an unknown number of' : String(range.events);
  const span = range.from || range.until ? ` written ${range.from ? `after ${range.from}` : ''}${range.from && range.until ? ' and ' : ''}${range.until ? `before ${range.until}` : ''}` : '';
  const reason = `${count} event(s)${span} left the oldest archive before destination ${cfg.name} received them`;
  return {
    timestamp: now.toISOString(),
    vendor: VENDOR,
    product: PRODUCT,
    schema_version: SCHEMA_VERSION,
    event: { kind: 'agent_runtime', action: 'forward.events_lost', category: 'health' },
    severity: 'high',
    endpoint: { os: platform(), hostname: hostname(), agent_version: VERSION },
    harness: { name: 'beacon' },
    health: { component: `forward:${cfg.name}`, status: 'events_lost', reason },
    forward: {
      destination: cfg.name,
      type: cfg.type,
      lost_events: range.events,
      ...(range.from ? { from: range.from } : {}),
      ...(range.until ? { until: range.until } : {}),
    },
    message: `Forwarding to ${cfg.name}: ${reason}`,
  };
}

export class ForwardEngine {
  private readonly runners: DestinationRunner[] = [];
  private readonly failed: ForwardDestinationHealth[] = [];

  constructor(private readonly opts: EngineOptions) {
    for (const r of opts.destinations) {
      if (r.error) {
        opts.warn(`forward ${r.cfg.name}: not started: ${r.error}`);
        this.failed.push(placeholderHealth(r));
        continue;
      }
      this.runners.push(
        new DestinationRunner({
          cfg: r.cfg,
          logPath: opts.logPath,
          stateDir: opts.stateDir,
          destination: createDestination(r),
          token: r.token,
          onLost: (cfg, range) => opts.emit([lostEvent(cfg, range)]),
          onWarning: opts.warn,
          onHealth: opts.onHealth,
          pacer: opts.pacer,
        }),
      );
    }
  }

  start(): void {
    for (const r of this.runners) r.start();
  }

  wake(): void {
    for (const r of this.runners) r.wake();
  }

  /** How many descriptors a rotation capture must open: one per running destination. */
  get runnerCount(): number {
    return this.runners.length;
  }

  /** Files captured at rotation, one per runner in order (see RotationCapture). */
  adopt(files: readonly AdoptedFile[]): void {
    this.runners.forEach((r, i) => {
      if (files[i]) r.adopt(files[i]);
    });
  }

  health(): ForwardDestinationHealth[] {
    return [...this.failed, ...this.runners.map((r) => r.health())];
  }

  async close(): Promise<void> {
    await Promise.all(this.runners.map((r) => r.close()));
  }
}

/** A destination's health before its runner reports (starting), or when it cannot run (failed). */
export function placeholderHealth(r: ResolvedDestination): ForwardDestinationHealth {
  const failed = r.error !== undefined;
  return {
    kind: 'forwarder',
    name: `forward:${r.cfg.name}`,
    destination: r.cfg.name,
    type: r.cfg.type,
    url: displayUrl(r.cfg.type, r.cfg.url),
    status: failed ? 'failed' : 'ok',
    state: failed ? 'failed' : 'starting',
    detail: r.error,
    content: r.cfg.content ?? null,
    last_success_at: null,
    last_error: failed ? { at: new Date().toISOString(), message: r.error ?? 'not started' } : null,
    next_attempt_at: null,
    backlog: { events: 0, bytes: 0, oldest_at: null, age_seconds: null },
    delivered_events: 0,
    lost_events: 0,
    thread: 'inline',
  };
}
