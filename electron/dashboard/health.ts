/**
 * What /api/health and the stream's `health` events say: is the collector that should feed
 * this log alive, can it write, what does Codex look like, is this the right log, and how
 * fresh is the last event. Every source is read defensively and time-boxed: a health check
 * that hangs or throws is itself a health problem to report, never a reason to fail.
 */
import { request } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import type { CollectorHealth, HealthResponse, OverallHealth, RotationProblem, WriteHealth } from '../shared/api';
import { COLLECTOR_SERVICE, healthFileFor } from '../shared/paths';
import type { LogReader } from '../log/reader';
import { rotationOf } from '../log/health-state';
import { pidAlive } from '../log/log-lock';
import { forwardingProblems } from '../forward/forward-problems';
import { isForwardHealth } from '../shared/forwarding';

const PROBE_TIMEOUT_MS = 1500;
const INJECTED_TIMEOUT_MS = 2000;
const MAX_HEALTH_FILE_BYTES = 64 * 1024;

export interface HealthSources {
  reader: LogReader;
  logPath: string;
  version: string;
  startedAt: string;
  /** The collector's /healthz URL; omit when this dashboard has no collector to watch. */
  collectorUrl?: string;
  codexStatus?: () => Promise<unknown>;
  logSourceWarning?: () => Promise<string | null>;
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolveP, reject) => {
    const t = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolveP(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** GET the collector's /healthz and tell "our collector" from "nothing" from "something else". */
export function probeCollector(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<CollectorHealth> {
  return new Promise((done) => {
    let settled = false;
    const finish = (h: CollectorHealth) => {
      if (!settled) {
        settled = true;
        done(h);
      }
    };
    let req: ReturnType<typeof request>;
    try {
      // agent: false + no keep-alive: a probe must not leave sockets holding the process open.
      req = request(url, { method: 'GET', agent: false, timeout: timeoutMs, headers: { accept: 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= MAX_HEALTH_FILE_BYTES) chunks.push(c);
        });
        res.on('error', (e) => finish({ state: 'down', url, detail: message(e) }));
        res.on('end', () => {
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            body = null;
          }
          const b = body as Record<string, unknown> | null;
          if (!b || typeof b !== 'object' || b.service !== COLLECTOR_SERVICE) {
            finish({ state: 'foreign', url, detail: `Something other than ${COLLECTOR_SERVICE} answers at ${url} (HTTP ${res.statusCode})` });
            return;
          }
          const str = (k: string) => (typeof b[k] === 'string' ? (b[k] as string) : undefined);
          const pid = typeof b.pid === 'number' ? b.pid : undefined;
          finish({
            state: 'up',
            url,
            info: {
              service: COLLECTOR_SERVICE,
              version: str('version'),
              pid,
              mode: str('mode'),
              log_path: str('log_path') ?? str('logPath'),
              started_at: str('started_at') ?? str('start_time') ?? str('startedAt'),
            },
            forwarding: Array.isArray(b.consumers) ? (b.consumers as unknown[]).filter(isForwardHealth) : [],
            ...tamperOf(b.consumers),
          });
        });
      });
    } catch (err) {
      finish({ state: 'down', url, detail: `Invalid collector URL ${url}: ${message(err)}` });
      return;
    }
    req.on('timeout', () => {
      req.destroy(new Error(`no answer within ${timeoutMs} ms`));
    });
    req.on('error', (e) => finish({ state: 'down', url, detail: `Collector not reachable at ${url}: ${message(e)}` }));
    req.end();
  });
}

/** The posture consumer's word on the installed telemetry block, when it is not intact. */
function tamperOf(consumers: unknown): { telemetry_tamper?: string } {
  if (!Array.isArray(consumers)) return {};
  const p = consumers.find((c): c is { name: string; status: string; detail?: unknown; telemetry_config?: unknown } => !!c && typeof c === 'object' && (c as { name?: unknown }).name === 'posture');
  if (!p || p.telemetry_config === 'intact' || typeof p.telemetry_config !== 'string') return {};
  return { telemetry_tamper: typeof p.detail === 'string' ? p.detail : `the telemetry block is ${p.telemetry_config}` };
}

/**
 * Read the collector's health file (collector-health.json next to the log, written by
 * electron/log/health-state.ts: status, reason, pid, hostname, updatedAt, closedAt; padded with
 * spaces). Never throws: anything odd becomes state 'unknown' with a reason.
 */
export async function readWriteHealth(file: string): Promise<WriteHealth> {
  const unknown = (reason: string, updated: string | null = null): WriteHealth => ({ state: 'unknown', reason, pid: null, running: null, updated_at: updated, file });
  let updated: string | null = null;
  try {
    const st = await stat(file);
    updated = st.mtime.toISOString();
    if (st.size > MAX_HEALTH_FILE_BYTES) return unknown('Collector health file is too large to be ours', updated);
    const raw = await readFile(file, 'utf8');
    const v = JSON.parse(raw) as Record<string, unknown>;
    if (!v || typeof v !== 'object' || Array.isArray(v)) return unknown('Collector health file is not a JSON object', updated);
    const status = v.status;
    const state = status === 'ok' || status === 'unavailable' ? status : 'unknown';
    const pid = typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0 ? v.pid : null;
    // A pid is only meaningful on the host that wrote it (a log on a shared volume may not be ours).
    const sameHost = typeof v.hostname !== 'string' || v.hostname === hostname();
    let running: boolean | null = null;
    if (typeof v.closedAt === 'string') running = false;
    else if (pid !== null && sameHost) running = pidAlive(pid);
    return {
      state,
      reason: typeof v.reason === 'string' ? v.reason : state === 'unknown' ? `Unrecognised status ${JSON.stringify(status)} in collector health file` : null,
      pid,
      running,
      updated_at: typeof v.updatedAt === 'string' && Number.isFinite(Date.parse(v.updatedAt)) ? v.updatedAt : updated,
      file,
      rotation: rotationProblem(v.rotation),
    };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return unknown('No collector health file yet (no collector has written this log)');
    if (code === 'EACCES') return unknown('Permission denied reading the collector health file', updated);
    if (err instanceof SyntaxError) return unknown('Collector health file is not valid JSON (being rewritten?)', updated);
    return unknown(`Cannot read collector health file: ${message(err)}`, updated);
  }
}

function rotationProblem(v: unknown): RotationProblem | null {
  const r = rotationOf(v);
  return r ? { reason: r.reason, since: r.since, log_bytes: r.logBytes, limit_bytes: r.limitBytes } : null;
}

const mib = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MiB`;

export class HealthMonitor {
  readonly healthFile: string;

  constructor(private readonly src: HealthSources) {
    this.healthFile = healthFileFor(src.logPath);
  }

  async snapshot(): Promise<HealthResponse> {
    const { src } = this;
    const [collector, write, codex, warning] = await Promise.all([
      src.collectorUrl ? probeCollector(src.collectorUrl) : Promise.resolve<CollectorHealth>({ state: 'unknown', url: null }),
      readWriteHealth(this.healthFile),
      src.codexStatus
        ? withTimeout(src.codexStatus(), INJECTED_TIMEOUT_MS, 'Codex status').then(
            (v) => ({ value: v ?? null, error: null as string | null }),
            (e) => ({ value: null, error: message(e) }),
          )
        : Promise.resolve({ value: null, error: null as string | null }),
      src.logSourceWarning
        ? withTimeout(src.logSourceWarning(), INJECTED_TIMEOUT_MS, 'Runtime-log source check').then(
            (v) => ({ value: typeof v === 'string' && v ? v : null, error: null as string | null }),
            (e) => ({ value: null, error: message(e) }),
          )
        : Promise.resolve({ value: null, error: null as string | null }),
    ]);

    const now = Date.now();
    const last = src.reader.index.last();
    const logError = src.reader.lastError;
    const problems: string[] = [];
    let status: OverallHealth = 'ok';
    const worse = (s: OverallHealth) => {
      if (s === 'down' || (s === 'degraded' && status === 'ok')) status = s;
    };

    const rotation = write.running !== false ? write.rotation : null;
    if (write.state === 'unavailable' && write.running !== false) {
      problems.push(`The collector cannot write the runtime log${write.reason ? `: ${write.reason}` : ''}`);
      worse('down');
    } else if (write.running === false && collector.state !== 'down') {
      // No /healthz configured (or it shows another collector): the health file alone says
      // nobody is writing this log any more.
      problems.push(`No collector is writing this log (the last one, pid ${write.pid ?? '?'}, has stopped)`);
      worse('degraded');
    }
    if (rotation) {
      // Nothing is lost yet, but the size limit is a promise too (disk space, SIEM inputs).
      problems.push(`The collector cannot rotate the runtime log (${rotation.reason}): it has grown to ${mib(rotation.log_bytes)}, over its ${mib(rotation.limit_bytes)} limit; Beacon retries on its own once the log directory is writable`);
      worse('down');
    }
    if (collector.state === 'down') {
      problems.push(collector.detail ?? `The collector is not running at ${collector.url}`);
      worse('down');
    } else if (collector.state === 'foreign') {
      problems.push(collector.detail ?? `Something else answers at ${collector.url}`);
      worse('degraded');
    } else if (collector.state === 'up' && collector.info?.log_path && resolve(collector.info.log_path) !== resolve(src.logPath)) {
      // A claim, not evidence (anything can answer /healthz): reported, and the configured log is still what is read.
      problems.push(
        `The collector at ${collector.url}${collector.info.pid !== undefined ? ` (pid ${collector.info.pid})` : ''} says it writes ${collector.info.log_path}, but this dashboard reads ${src.logPath}: events sent there are not shown here`,
      );
      worse('degraded');
    }
    if (logError) {
      problems.push(logError);
      worse('down');
    }
    if (warning.value) {
      problems.push(warning.value);
      worse('degraded');
    }
    if (warning.error) problems.push(`Runtime-log source check failed: ${warning.error}`);
    if (codex.error) {
      problems.push(`Codex status unavailable: ${codex.error}`);
      worse('degraded');
    }
    if (collector.state === 'up' && collector.telemetry_tamper) {
      problems.push(`Codex telemetry tampered with: ${collector.telemetry_tamper}`);
      worse('degraded');
    }
    // Shown once, at the top level: the probe's copy would repeat it under `collector`.
    const { forwarding = [], ...collectorShown } = collector;
    for (const p of forwardingProblems(forwarding, now)) {
      problems.push(p);
      worse('degraded');
    }

    return {
      status,
      problems,
      dashboard: {
        version: src.version,
        pid: process.pid,
        started_at: src.startedAt,
        log_path: src.logPath,
        indexed_events: src.reader.index.size,
        skipped_lines: src.reader.skippedLines,
        log_error: logError,
      },
      collector: collectorShown,
      write,
      codex: codex.value,
      log_source_warning: warning.value,
      last_event: last
        ? {
            seq: last.record.seq,
            timestamp: last.record.event.timestamp,
            action: last.record.event.event.action,
            session_id: last.record.event.session?.id ?? null,
            age_ms: Math.max(0, now - last.timeMs),
          }
        : null,
      forwarding,
      generated_at: new Date(now).toISOString(),
    };
  }

  /**
   * The parts of a snapshot whose change is worth pushing to stream clients. Excludes what
   * moves on every event or tick (last event, counters, timestamps): clients see those anyway.
   */
  static changeKey(h: HealthResponse): string {
    // Forwarding: its state changes, not its counters (backlog, delivered), which move with every event.
    const forwarding = (h.forwarding ?? []).map((f) => [f.destination, f.state, f.last_error?.message ?? null, f.lost_events]);
    return JSON.stringify([h.status, h.problems, h.collector, forwarding, h.write.state, h.write.reason, h.write.pid, h.write.running, h.write.rotation?.reason, h.codex, h.log_source_warning, h.dashboard.log_error]);
  }
}
