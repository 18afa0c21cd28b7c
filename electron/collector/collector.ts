/**
 * A running Beacon collector: the OTLP receiver, the ingest pipeline and the runtime-log writer
 * wired together. Hosted by the menu-bar app's main process, by `beacon endpoint run` (under
 * launchd/systemd or in a terminal), and by `beacon ci start` (detached). One per runtime log:
 * the writer's lock refuses a second collector on the same file.
 *
 * The collector knows no agent: the harnesses whose telemetry it reads, and the enrichers and
 * consumers it feeds, come in through its options (electron/plugins assembles the usual set).
 */
import { hostname, platform } from 'node:os';
import { createOtlpServer } from './otlp-server';
import { IngestPipeline } from './pipeline';
import { IdleHeapCompactor } from './idle-heap-compactor';
import { RuntimeLogWriter } from '../log/writer';
import type { BeaconEvent, ContentPolicy } from '../shared/event';
import type { ConsumerHealth, EventConsumer, EventEnricher, HarnessIngest } from '../shared/harness';
import type { LogRecordFilter } from '../shared/otlp-types';
import { COLLECTOR_SERVICE, LOOPBACK, type Mode } from '../shared/paths';
import { VERSION } from '../shared/version';
import { probeCollector } from './probe';

export interface CollectorOptions {
  /** Whose telemetry to read, in claim order (each resource goes to the first that claims it). */
  harnesses: readonly HarnessIngest[];
  /** Run on every event before the content policy (e.g. cost estimates). */
  enrichers?: readonly EventEnricher[];
  /** Shown every written event (detections, forwarders); started and closed with the collector. */
  consumers?: readonly EventConsumer[];
  port: number;
  host?: string;
  logPath: string;
  mode?: Mode;
  includeSpans?: boolean;
  content?: ContentPolicy;
  rotateBytes?: number;
  rotateArchives?: number;
  maxBodyBytes?: number;
  /** File and directory modes for the log (system mode uses group-readable modes). */
  fileMode?: number;
  dirMode?: number;
  onWritten?: (events: BeaconEvent[]) => void;
  /** Non-fatal problems of plug-ins (a consumer that threw, a rule file that failed). */
  onWarning?: (message: string) => void;
}

/** What GET /healthz answers: enough for any process to tell "our collector" from "something else". */
export interface CollectorHealth {
  service: typeof COLLECTOR_SERVICE;
  version: string;
  pid: number;
  mode: Mode;
  log_path: string;
  started_at: string;
  port: number;
  include_spans: boolean;
  content: ContentPolicy;
  status: 'ok' | 'degraded';
  /** Capture paused from the tray: requests are answered, events are not written. */
  paused: boolean;
  write: { status: string; reason?: string; since?: string };
  stats: IngestPipeline['stats'];
  /** One entry per consumer that reports its state (forwarders, detections). */
  consumers: ConsumerHealth[];
}

export interface RunningCollector {
  port: number;
  url: string;
  logPath: string;
  pipeline: IngestPipeline;
  health(): CollectorHealth;
  close(): Promise<void>;
}

export class PortInUseError extends Error {
  readonly code = 'EADDRINUSE';
  constructor(
    readonly port: number,
    readonly holder: 'beacon' | 'other',
    readonly beaconHealth?: Partial<CollectorHealth>,
  ) {
    super(
      holder === 'beacon'
        ? `a Beacon collector (pid ${beaconHealth?.pid ?? '?'}, ${beaconHealth?.mode ?? '?'} mode) already listens on 127.0.0.1:${port} and writes ${beaconHealth?.log_path ?? '?'}`
        : `port ${port} on 127.0.0.1 is held by another program (not a Beacon collector); free it or choose another port with --port`,
    );
  }
}

export async function startCollector(opts: CollectorOptions): Promise<RunningCollector> {
  const mode = opts.mode ?? 'user';
  const content = opts.content ?? 'redacted';
  const includeSpans = opts.includeSpans ?? false;
  const host = opts.host ?? LOOPBACK;

  const writer = await RuntimeLogWriter.open({
    path: opts.logPath,
    rotateBytes: opts.rotateBytes,
    rotateArchives: opts.rotateArchives,
    fileMode: opts.fileMode,
    dirMode: opts.dirMode,
  });
  if (opts.harnesses.length === 0) {
    await writer.close();
    throw new TypeError('startCollector: at least one harness is needed to read telemetry');
  }
  const endpoint = { os: platform(), hostname: hostname(), agent_version: VERSION };
  const harnesses = opts.harnesses.map((h) => ({ claims: h.claims, normalizer: h.createNormalizer({ includeSpans, endpoint }) }));
  const consumers = opts.consumers ?? [];
  const warn = (message: string): void => {
    try {
      opts.onWarning?.(message);
    } catch {
      /* a reporter's bug must not stop the collector */
    }
  };
  const pipeline = new IngestPipeline({
    writer,
    harnesses,
    includeSpans,
    content,
    enrichers: opts.enrichers,
    consumers,
    onWritten: opts.onWritten,
    onPluginError: (name, err) => warn(`${name}: ${(err as Error)?.message ?? String(err)}`),
  });
  const startedAt = new Date().toISOString();
  let boundPort = opts.port;

  const health = (): CollectorHealth => {
    const w = writer.health;
    return {
      service: COLLECTOR_SERVICE,
      version: VERSION,
      pid: process.pid,
      mode,
      log_path: opts.logPath,
      started_at: startedAt,
      port: boundPort,
      include_spans: includeSpans,
      content,
      status: w.status === 'ok' ? 'ok' : 'degraded',
      paused: pipeline.paused,
      write: { status: w.status, reason: w.reason, since: w.since },
      stats: pipeline.stats,
      consumers: consumerHealth(consumers),
    };
  };

  const compactor = new IdleHeapCompactor();
  const server = createOtlpServer({
    host,
    port: opts.port,
    maxBodyBytes: opts.maxBodyBytes,
    ingest: (req) => pipeline.ingest(req),
    onRequest: () => compactor.noteActivity(),
    // Drop metrics, spans (unless kept) and Codex's noise records before they are decoded.
    needsContent: pipeline.needsContent,
    logRecordFilter: combinedFilter(opts.harnesses),
    healthz: health,
  });
  const started: EventConsumer[] = [];
  const closeConsumers = async (): Promise<void> => {
    for (const c of started.reverse()) {
      try {
        await c.close?.();
      } catch (err) {
        warn(`${c.name}: close failed: ${(err as Error)?.message ?? String(err)}`);
      }
    }
    started.length = 0;
  };
  try {
    for (const c of consumers) {
      // A consumer that cannot start (a bad rule file, an unreachable destination) is reported
      // in health and by warn(); the collector still starts: telemetry must not be lost for it.
      try {
        await c.start?.({ logPath: opts.logPath, emit: async (events) => void (await pipeline.write(events, c)), warn });
        started.push(c);
      } catch (err) {
        warn(`${c.name}: could not start: ${(err as Error)?.message ?? String(err)}`);
      }
    }
    const { port } = await server.listen();
    boundPort = port;
  } catch (err) {
    compactor.stop();
    await closeConsumers();
    await writer.close();
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      const probe = await probeCollector(opts.port);
      throw new PortInUseError(opts.port, probe.kind === 'beacon' ? 'beacon' : 'other', probe.kind === 'beacon' ? probe.health : undefined);
    }
    throw err;
  }

  let closed: Promise<void> | undefined;
  return {
    port: boundPort,
    url: `http://${LOOPBACK}:${boundPort}`,
    logPath: opts.logPath,
    pipeline,
    health,
    close() {
      // Stop accepting first, then flush and fsync what was accepted: nothing acknowledged is lost.
      compactor.stop();
      closed ??= server
        .close()
        .then(closeConsumers)
        .then(() => writer.close());
      return closed;
    },
  };
}

/**
 * The decoder-side filter for several harnesses: a record is decoded when any harness would
 * keep it. A harness without a filter keeps everything, so then there is no filter at all.
 */
function combinedFilter(harnesses: readonly HarnessIngest[]): LogRecordFilter | undefined {
  const filters = harnesses.map((h) => h.logRecordFilter);
  if (filters.some((f) => f === undefined)) return undefined;
  const defined = filters as LogRecordFilter[];
  if (defined.length === 1) return defined[0];
  return {
    keys: [...new Set(defined.flatMap((f) => f.keys))],
    keep: (severity, attrs) => defined.some((f) => f.keep(severity, attrs)),
  };
}

function consumerHealth(consumers: readonly EventConsumer[]): ConsumerHealth[] {
  const out: ConsumerHealth[] = [];
  for (const c of consumers) {
    if (!c.health) continue;
    try {
      out.push(c.health());
    } catch (err) {
      out.push({ name: c.name, status: 'failed', detail: `health check threw: ${(err as Error)?.message ?? String(err)}` });
    }
  }
  return out;
}
