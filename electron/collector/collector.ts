/**
 * A running Beacon collector: the OTLP receiver, the ingest pipeline and the runtime-log writer
 * wired together. Hosted by the menu-bar app's main process, by `beacon endpoint run` (under
 * launchd/systemd or in a terminal), and by `beacon ci start` (detached). One per runtime log:
 * the writer's lock refuses a second collector on the same file.
 */
import { hostname, platform } from 'node:os';
import { createOtlpServer } from './otlp-server';
import { IngestPipeline } from './pipeline';
import { CODEX_LOG_RECORD_FILTER, CodexNormalizer } from '../codex/normalizer';
import { IdleHeapCompactor } from './idle-heap-compactor';
import { RuntimeLogWriter } from '../log/writer';
import type { BeaconEvent, ContentPolicy } from '../shared/event';
import { COLLECTOR_SERVICE, LOOPBACK, type Mode } from '../shared/paths';
import { VERSION } from '../shared/version';
import { probeCollector } from './probe';

export interface CollectorOptions {
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
  const normalizer = new CodexNormalizer({
    includeSpans,
    endpoint: { os: platform(), hostname: hostname(), agent_version: VERSION },
  });
  const pipeline = new IngestPipeline({ writer, normalizer, includeSpans, content, onWritten: opts.onWritten });
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
    logRecordFilter: CODEX_LOG_RECORD_FILTER,
    healthz: health,
  });
  try {
    const { port } = await server.listen();
    boundPort = port;
  } catch (err) {
    compactor.stop();
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
      closed ??= server.close().then(() => writer.close());
      return closed;
    },
  };
}
