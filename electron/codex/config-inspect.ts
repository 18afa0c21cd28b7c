/**
 * What a Codex config.toml does with telemetry, read from the PARSED document (never from
 * substrings, so comments and strings that merely mention `[otel]` cannot fool it). Used by
 * `beacon endpoint status` / `doctor` and by the editor to describe a user's own [otel].
 *
 * The rules mirror what Codex 0.169.0 accepts (research/codex-otel.md section 1.2): an exporter is
 * "none" | "statsig" | { otlp-http = { endpoint, protocol = "binary"|"json", headers?, tls? } } |
 * { otlp-grpc = { endpoint, headers?, tls? } }; unit variants may also be written as a table
 * (`[otel.metrics_exporter] none = {}`). Anything else makes Codex refuse to start.
 */
import { parseToml, TomlError } from './config-toml-parse';
import { hasManagedMarker, matchBeaconBlock, type OtelBlockFormat } from './config-otel-block';
import { findOtelRanges, scanStatements } from './config-toml-layout';
import type { ConfigProblem, ExporterInspection, ProblemSeverity } from '../shared/harness-config';

export type Signal = 'logs' | 'metrics' | 'traces';
export type ExporterKind = ExporterInspection['kind'];
// The exporter and problem shapes are the config writer contract's (shared/harness-config.ts):
// `endpoint status` and `config show` print them for any harness.
export type { ExporterInspection, ProblemSeverity };
export type OtelProblem = ConfigProblem;

export interface OtelInspection {
  /** false when the text is not valid TOML (see problems). */
  parsed: boolean;
  parseError?: { line: number; column: number; message: string };
  /** A root `otel` table exists. */
  present: boolean;
  /** The otel table carries Beacon's marker comment. */
  managedByBeacon: boolean;
  /** Which of Beacon's block formats the table is, byte for byte; undefined when it is none (edited, or the user's). */
  beaconBlockFormat?: OtelBlockFormat;
  environment?: string;
  logUserPrompt?: boolean;
  logAgentResponses?: boolean;
  logs: ExporterInspection;
  metrics: ExporterInspection;
  traces: ExporterInspection;
  problems: OtelProblem[];
}

export interface CollectorTarget {
  port: number;
}

const KEY_FOR: Record<Signal, string> = { logs: 'exporter', metrics: 'metrics_exporter', traces: 'trace_exporter' };
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** First line of a smol-toml error message (the rest is a code excerpt). */
export function tomlErrorSummary(err: unknown): { line: number; column: number; message: string } {
  if (err instanceof TomlError) {
    const message = err.message.split('\n')[0].replace(/^Invalid TOML document:\s*/, '');
    return { line: err.line, column: err.column, message };
  }
  return { line: 0, column: 0, message: err instanceof Error ? err.message : String(err) };
}

export function isLoopbackUrl(endpoint: string): boolean {
  try {
    return LOOPBACK_HOSTS.has(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

function pointsAt(endpoint: string, signal: Signal, target: CollectorTarget | undefined): boolean {
  if (!target) return false;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return false;
  }
  const port = url.port === '' ? 80 : Number(url.port);
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname) && port === target.port && url.pathname === `/v1/${signal}`;
}

/** Describe one exporter value exactly as Codex would judge it. */
export function inspectExporter(value: unknown, signal: Signal, target?: CollectorTarget): ExporterInspection {
  const base = { valid: true, leavesMachine: false, pointsAtCollector: false };
  if (value === undefined) {
    return { ...base, kind: 'absent', leavesMachine: signal === 'metrics' };
  }
  if (value === 'none') return { ...base, kind: 'none' };
  if (value === 'statsig') return { ...base, kind: 'statsig', leavesMachine: true };
  if (isTable(value)) {
    const keys = Object.keys(value);
    if (keys.length === 1 && (keys[0] === 'none' || keys[0] === 'statsig') && isTable(value[keys[0]])) {
      return { ...base, kind: keys[0], leavesMachine: keys[0] === 'statsig' };
    }
    if (keys.length === 1 && (keys[0] === 'otlp-http' || keys[0] === 'otlp-grpc') && isTable(value[keys[0]])) {
      const kind = keys[0];
      const body = value[keys[0]] as Record<string, unknown>;
      const endpoint = typeof body.endpoint === 'string' ? body.endpoint : undefined;
      const protocol = typeof body.protocol === 'string' ? body.protocol : undefined;
      const headerNames = isTable(body.headers) ? Object.keys(body.headers) : undefined;
      let valid = endpoint !== undefined;
      if (kind === 'otlp-http') valid = valid && (protocol === 'binary' || protocol === 'json');
      return {
        kind,
        endpoint,
        protocol: kind === 'otlp-http' ? protocol : undefined,
        valid,
        headerNames,
        leavesMachine: endpoint !== undefined && !isLoopbackUrl(endpoint),
        pointsAtCollector: endpoint !== undefined && kind === 'otlp-http' && pointsAt(endpoint, signal, target),
      };
    }
  }
  return { ...base, kind: 'invalid', valid: false };
}

function exporterProblems(signal: Signal, key: string, raw: unknown, ex: ExporterInspection, target: CollectorTarget | undefined): OtelProblem[] {
  const p: OtelProblem[] = [];
  const where = `otel.${key}`;
  if (ex.kind === 'invalid') {
    const hint = typeof raw === 'string' ? ` (a bare string such as "${raw}" is not an exporter; write { otlp-http = { endpoint = "...", protocol = "binary" } })` : '';
    p.push({ code: 'exporter-invalid', severity: 'error', message: `${where} is not a valid exporter${hint}; Codex refuses to start` });
    return p;
  }
  if (ex.kind === 'otlp-http' || ex.kind === 'otlp-grpc') {
    if (ex.endpoint === undefined) p.push({ code: 'endpoint-missing', severity: 'error', message: `${where} has no endpoint; Codex refuses to start` });
    if (ex.kind === 'otlp-http' && ex.protocol === undefined) {
      p.push({ code: 'protocol-missing', severity: 'error', message: `${where} has no protocol; Codex refuses to start (missing field \`protocol\`); add protocol = "binary"` });
    } else if (ex.kind === 'otlp-http' && ex.protocol !== 'binary' && ex.protocol !== 'json') {
      p.push({ code: 'protocol-invalid', severity: 'error', message: `${where} protocol "${ex.protocol}" is not accepted by Codex (expected "binary" or "json"); Codex refuses to start` });
    }
    if (ex.endpoint !== undefined) {
      let host = '';
      try {
        host = new URL(ex.endpoint).hostname;
      } catch {
        p.push({ code: 'endpoint-invalid', severity: 'error', message: `${where} endpoint "${ex.endpoint}" is not a URL` });
      }
      if (host === 'localhost') {
        p.push({ code: 'endpoint-localhost', severity: 'warning', message: `${where} uses "localhost", which may resolve to ::1 while the collector listens on 127.0.0.1; use http://127.0.0.1` });
      }
      if (ex.leavesMachine) {
        p.push({ code: `${signal}-remote`, severity: 'info', message: `${where} sends Codex ${signal} to ${ex.endpoint}` });
      }
    }
  }
  if (target && signal !== 'traces' && !ex.pointsAtCollector) {
    const expected = `http://127.0.0.1:${target.port}/v1/${signal}`;
    p.push({
      code: `${signal}-not-to-collector`,
      severity: 'error',
      message: `Codex ${signal} do not reach the collector: ${where} is ${describeExporter(ex)} (expected otlp-http ${expected})`,
    });
  }
  if (signal === 'metrics' && (ex.kind === 'absent' || ex.kind === 'statsig')) {
    p.push({
      code: ex.kind === 'absent' ? 'metrics-default-statsig' : 'metrics-statsig',
      severity: 'warning',
      message: `${where} is ${ex.kind === 'absent' ? 'not set, so Codex uses its default (Statsig)' : '"statsig"'}: Codex metrics leave the machine to ab.chatgpt.com`,
    });
  }
  return p;
}

/** A short human description of an exporter, e.g. `otlp-http https://otel.example.com/v1/logs`. */
export function describeExporter(ex: ExporterInspection): string {
  if (ex.kind === 'otlp-http' || ex.kind === 'otlp-grpc') return `${ex.kind} ${ex.endpoint ?? '(no endpoint)'}`;
  if (ex.kind === 'absent') return 'not set';
  return `"${ex.kind}"`;
}

/**
 * Inspect the telemetry settings of a config.toml text. `target` (the collector's port) enables
 * the "does it reach our collector" checks.
 */
export function inspectOtel(text: string, target?: CollectorTarget): OtelInspection {
  const empty = (signal: Signal) => inspectExporter(undefined, signal, target);
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch (err) {
    const parseError = tomlErrorSummary(err);
    return {
      parsed: false,
      parseError,
      present: false,
      managedByBeacon: false,
      logs: { ...empty('logs'), valid: false },
      metrics: { ...empty('metrics'), valid: false },
      traces: { ...empty('traces'), valid: false },
      problems: [{ code: 'invalid-toml', severity: 'error', message: `config is not valid TOML (line ${parseError.line}: ${parseError.message}); Codex refuses to start` }],
    };
  }
  const otel = doc.otel;
  const problems: OtelProblem[] = [];
  if (otel !== undefined && !isTable(otel)) {
    problems.push({ code: 'otel-not-table', severity: 'error', message: 'otel is not a table; Codex refuses to start' });
  }
  const table = isTable(otel) ? otel : {};
  const logs = inspectExporter(table.exporter, 'logs', target);
  const metrics = inspectExporter(table.metrics_exporter, 'metrics', target);
  const traces = inspectExporter(table.trace_exporter, 'traces', target);
  if (otel === undefined) {
    problems.push({ code: 'otel-missing', severity: target ? 'error' : 'warning', message: 'no [otel] table: Codex exports no logs, and its metrics go to Statsig (ab.chatgpt.com)' });
  }
  for (const [signal, ex] of [['logs', logs], ['metrics', metrics], ['traces', traces]] as const) {
    problems.push(...exporterProblems(signal, KEY_FOR[signal], table[KEY_FOR[signal]], ex, target));
  }
  if (table.environment !== undefined && typeof table.environment !== 'string') {
    problems.push({ code: 'environment-invalid', severity: 'error', message: 'otel.environment must be a string; Codex refuses to start' });
  }
  for (const k of ['log_user_prompt', 'log_agent_responses'] as const) {
    if (table[k] !== undefined && typeof table[k] !== 'boolean') {
      problems.push({ code: `${k.replace(/_/g, '-')}-invalid`, severity: 'error', message: `otel.${k} must be true or false; Codex refuses to start` });
    }
  }
  let managedByBeacon = false;
  let beaconBlockFormat: OtelBlockFormat | undefined;
  if (otel !== undefined) {
    try {
      const ranges = findOtelRanges(scanStatements(text));
      managedByBeacon = ranges.some((r) => hasManagedMarker(text.slice(r.start, r.end)));
      if (ranges.length === 1 && ranges[0].kind === 'section') beaconBlockFormat = matchBeaconBlock(text.slice(ranges[0].start, ranges[0].end).replace(/\r\n/g, '\n'))?.format;
    } catch {
      managedByBeacon = false; // layout unknown: we only claim ownership when we can see the marker
    }
  }
  if (beaconBlockFormat === 'pre-headers') {
    problems.push({
      code: 'beacon-block-outdated',
      severity: 'warning',
      message: "Beacon's [otel] block was written by an older Beacon: its exporters have no `headers`, so Codex 0.44 to 0.58 refuse to start (missing field `headers` in `otel.exporter`); repair rewrites it",
    });
  }
  return {
    parsed: true,
    present: otel !== undefined,
    managedByBeacon,
    beaconBlockFormat,
    environment: typeof table.environment === 'string' ? table.environment : undefined,
    logUserPrompt: typeof table.log_user_prompt === 'boolean' ? table.log_user_prompt : undefined,
    logAgentResponses: typeof table.log_agent_responses === 'boolean' ? table.log_agent_responses : undefined,
    logs,
    metrics,
    traces,
    problems,
  };
}
