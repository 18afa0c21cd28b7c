/**
 * `beacon endpoint status`, and the health light of the tray and dashboard: one function,
 * computeStatus(), that reads everything (never writes) and returns a stable object.
 *
 * Sources: config.json and the install manifest; GET /healthz on the collector port; the
 * service manager (only when install put a service there); the runtime log's tail and health
 * file; the agent's config files as its harness's config writer reads them (Codex: PARSED,
 * including the system layers that override a user's [otel]); this shell's environment; running
 * `codex app-server` daemons.
 * The checks (id, ok/warn/fail, message, action) are derived here so status, doctor and the tray
 * agree on what is wrong; doctor adds --fix on top.
 */
import { stat } from 'node:fs/promises';
import { probeCollector, type ProbeResult } from '../collector/probe';
import { readHealthState, type RotationHealth } from '../log/health-state';
import type { RotationProblem } from '../shared/api';
import type { ContentPolicy } from '../shared/event';
import type { AgentProcess, EnvFinding, Harness, HarnessInstall } from '../shared/harness';
import type { ExporterInspection, HarnessTelemetryStatus } from '../shared/harness-config';
import { VERSION } from '../shared/version';
import { readEndpointConfig, defaultEndpointConfig, type EndpointConfig } from './endpoint-config';
import { readManifest, type InstallManifest } from './install-manifest';
import { collectorSettingsDiff, managedBy } from './lifecycle-collector';
import { lifecycleContext, lifecycleHarness, serviceManagerFor } from './lifecycle-context';
import { beaconLogs, formatAge, readLastEvent, resolveLogSource, type LastEvent, type LogSource } from './log-source';
import { deriveChecks, verdictOf } from './status-checks';
import { healthFileFor, type Mode, type PathEnv } from '../shared/paths';
import { forwardingStatus, formatForwarding, type ForwardingDestinationStatus } from '../forward/forward-status';
import { pluginHealth, type PluginHealth } from './plugin-health';

export type CheckStatus = 'ok' | 'warn' | 'fail';
/** What `doctor --fix` may do for a check (only safe actions). */
export type FixKind = 'start-collector' | 'repair-codex-config' | 'create-log-dir' | 'restart-collector';

export interface StatusCheck {
  /** Stable id, e.g. "collector", "codex_logs", "env:OTEL_EXPORTER_OTLP_COMPRESSION". */
  id: string;
  status: CheckStatus;
  message: string;
  /** The exact command or edit that fixes it. */
  action?: string;
  fix?: FixKind;
}

/**
 * The agent's telemetry config as its config writer reports it (the `codex` key of the JSON,
 * named so before there were harnesses), with the installs found when asked to discover.
 */
export type CodexTelemetryStatus = HarnessTelemetryStatus & {
  /** Agent binaries found (only when computeStatus was asked to discover). */
  installs?: HarnessInstall[];
};

export interface CollectorStatus {
  port: number;
  /** up: a Beacon collector answers; down: nothing listens; foreign: another program holds the port. */
  state: 'up' | 'down' | 'foreign';
  pid?: number;
  mode?: Mode;
  version?: string;
  log_path?: string;
  started_at?: string;
  events_written?: number;
  last_event_at?: string;
  write_status?: string;
  write_reason?: string;
  detail?: string;
  /** What /healthz says it runs with. */
  content?: ContentPolicy;
  include_spans?: boolean;
  /** How it differs from config.json (empty: runs as configured). Settings reach it only at start. */
  settings_mismatch?: string[];
  /** Who may restart it: the install's detached collector, the install's service, or nobody (the app, a terminal). */
  managed_by?: 'detached' | 'service' | null;
}

export interface EndpointStatus {
  schema: 1;
  generated_at: string;
  beacon_version: string;
  mode: Mode;
  /** One-line answer first: ok / warn / fail and why. */
  verdict: { status: CheckStatus; summary: string };
  install: { installed: boolean; manifest: string; installed_at?: string; service: boolean };
  config: { path: string; exists: boolean; error?: string; otlp_http_port: number; runtime_log: string; content: ContentPolicy; include_codex_spans: boolean };
  collector: CollectorStatus;
  service: { kind: string; name: string; file: string; installed: boolean; running: boolean; detail?: string } | null;
  /** `rotation`: from the health file, while the running collector cannot rotate the log. */
  log: LogSource & { exists: boolean; size_bytes?: number; write_status?: string; write_reason?: string; rotation?: RotationProblem };
  last_event: LastEvent | null;
  codex: CodexTelemetryStatus;
  environment: EnvFinding[];
  app_servers: { pid: number; started_at?: string; stale: boolean; command: string }[];
  /** Forwarding destinations (config.json `forward` and the collector's --forward ones) and their live state. */
  forwarding: ForwardingDestinationStatus[];
  /** The collector's other plugins (pricing, detections, posture) as its /healthz says, when up. */
  plugins: PluginHealth[];
  checks: StatusCheck[];
}

export interface StatusOptions {
  mode?: Mode;
  env?: PathEnv;
  /** The agent whose config is checked; default: the installed one, else Codex. */
  harness?: Harness;
  /** Run `codex --version` discovery (slow-ish; the CLI does, the tray's poller does not). */
  discover?: boolean;
  /** Lister of the agent's long-lived processes (default: the harness's; tests inject one). */
  listProcesses?: () => Promise<AgentProcess[]>;
  now?: Date;
  /** Check the collector on this port instead of config.json's (the dashboard of `npm start -- --port N`). */
  port?: number;
}

function portOf(ex: ExporterInspection): number | null {
  if (ex.kind !== 'otlp-http' || !ex.endpoint) return null;
  try {
    const u = new URL(ex.endpoint);
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(u.hostname)) return null;
    return u.port === '' ? 80 : Number(u.port);
  } catch {
    return null;
  }
}

function collectorFrom(port: number, probe: ProbeResult): CollectorStatus {
  if (probe.kind === 'none') return { port, state: 'down' };
  if (probe.kind === 'other') return { port, state: 'foreign', detail: probe.detail };
  const h = probe.health;
  return {
    port,
    state: 'up',
    pid: h.pid,
    mode: h.mode,
    version: h.version,
    log_path: h.log_path,
    started_at: h.started_at,
    events_written: h.stats?.eventsWritten,
    last_event_at: (h.stats as { lastEventAt?: string } | undefined)?.lastEventAt,
    write_status: h.write?.status,
    write_reason: h.write?.reason,
    content: h.content,
    include_spans: h.include_spans,
  };
}

export async function computeStatus(opts: StatusOptions = {}): Promise<EndpointStatus> {
  const mode = opts.mode ?? 'user';
  const env = opts.env ?? process.env;
  const now = opts.now ?? new Date();
  const ctx = lifecycleContext(mode, env);
  let config: EndpointConfig = defaultEndpointConfig(mode, env);
  let configExists = false;
  let configError: string | undefined;
  try {
    const r = await readEndpointConfig(mode, env);
    config = r.config;
    configExists = r.exists;
  } catch (err) {
    configError = (err as Error).message;
  }
  let manifest: InstallManifest | null = null;
  let manifestError: string | undefined;
  try {
    manifest = await readManifest(ctx.paths.manifestFile);
  } catch (err) {
    manifestError = (err as Error).message;
  }
  if ((configError || !configExists) && manifest) {
    // config.json is unreadable but install recorded its settings: check THAT install (the one
    // `repair` restores) instead of the defaults, or a healthy collector on the installed port
    // would be reported as "not running on 4318".
    config = { ...config, otlp_http_port: manifest.settings.port, runtime_log: manifest.runtime_log, content: manifest.settings.content, include_codex_spans: manifest.settings.include_codex_spans };
  }
  const port = opts.port ?? config.otlp_http_port;
  const expectedLog = config.runtime_log;
  // Status never fails over the harness: an install for one this Beacon does not know is checked as the default's.
  let harness: Harness;
  try {
    harness = lifecycleHarness(opts.harness, manifest, mode);
  } catch {
    harness = lifecycleHarness(undefined, null, mode);
  }
  const configPath = manifest?.codex_files.find((f) => f.role !== 'profile')?.path;

  const [probe, codex] = await Promise.all([probeCollector(port), harness.lifecycle.configWriter.telemetryStatus({ mode, env, configPath, port }) as Promise<CodexTelemetryStatus>]);
  const codexPort = portOf(codex.logs);
  const codexProbe = codexPort !== null && codexPort !== port ? await probeCollector(codexPort) : probe;
  const collector = collectorFrom(port, probe);
  if (probe.kind === 'beacon') {
    const wanted = { port, runtime_log: expectedLog, content: config.content, include_codex_spans: config.include_codex_spans };
    // A collector writing another log is the runtime_log_source check's (it knows which log has
    // the events and which way to fix it); this one is about the settings that shape events.
    collector.settings_mismatch = collectorSettingsDiff(probe.health, wanted, configExists ? 'config.json says' : 'the install manifest says').filter((d) => !d.startsWith('log '));
    collector.managed_by = managedBy(probe.health, manifest);
  }
  const source = resolveLogSource({ mode, expectedLog, codexPort, probe: codexProbe.kind === 'beacon' ? codexProbe : probe, beaconLogs: await beaconLogs(env) });
  const readLog = source.live_log ?? expectedLog;
  const logStat = await stat(readLog).catch(() => null);
  const health = await readHealthState(healthFileFor(readLog));
  const last = (await readLastEvent(readLog, now).catch(() => undefined)) ?? null;

  let service: EndpointStatus['service'] = null;
  if (manifest?.service) {
    const sm = serviceManagerFor(ctx);
    if (sm) service = await sm.status(mode).catch((err: Error) => ({ kind: manifest!.service!.kind, name: manifest!.service!.name, file: manifest!.service!.file, installed: false, running: false, detail: err.message }));
  }
  if (opts.discover) codex.installs = (await harness.lifecycle.discoverReport(env).catch(() => null))?.installs;

  const environment = harness.lifecycle.checkEnvironment?.(env) ?? [];
  const configMtime = (await stat(codex.effective?.path ?? codex.config_path).catch(() => null))?.mtimeMs;
  const procs = await (opts.listProcesses ?? harness.lifecycle.listDaemons ?? (async () => []))().catch(() => [] as AgentProcess[]);
  const appServers = procs.map((p) => ({
    pid: p.pid,
    command: p.command.slice(0, 200),
    started_at: p.startedAtMs !== undefined ? new Date(p.startedAtMs).toISOString() : undefined,
    stale: configMtime !== undefined && p.startedAtMs !== undefined && configMtime > p.startedAtMs,
  }));

  const status: EndpointStatus = {
    schema: 1,
    generated_at: now.toISOString(),
    beacon_version: VERSION,
    mode,
    verdict: { status: 'ok', summary: '' },
    install: { installed: manifest !== null, manifest: ctx.paths.manifestFile, installed_at: manifest?.created_at, service: !!manifest?.service },
    config: { path: ctx.paths.configFile, exists: configExists, error: configError ?? manifestError, otlp_http_port: port, runtime_log: expectedLog, content: config.content, include_codex_spans: config.include_codex_spans },
    collector,
    service,
    log: { ...source, exists: !!logStat, size_bytes: logStat?.size, write_status: health?.running ? health.status : undefined, write_reason: health?.running ? health.reason : undefined, rotation: health?.running ? rotationProblem(health.rotation) : undefined },
    last_event: last,
    codex,
    environment,
    app_servers: appServers,
    forwarding: forwardingStatus(config.forward ?? [], probe.kind === 'beacon' ? probe.health.consumers : undefined),
    plugins: pluginHealth(probe.kind === 'beacon' ? probe.health.consumers : undefined),
    checks: [],
  };
  status.checks = deriveChecks(status, manifest);
  status.verdict = verdictOf(status);
  return status;
}

function rotationProblem(r: RotationHealth | undefined): RotationProblem | undefined {
  return r ? { reason: r.reason, since: r.since, log_bytes: r.logBytes, limit_bytes: r.limitBytes } : undefined;
}

/** The short readable report: the verdict first, then the facts, then what to do. */
export function formatStatus(s: EndpointStatus): string {
  const L: string[] = [];
  const mark = { ok: 'OK', warn: 'WARN', fail: 'FAIL' } as const;
  L.push(`Beacon ${s.beacon_version} (${s.mode} mode): ${mark[s.verdict.status]} ${s.verdict.summary}`);
  const c = s.collector;
  L.push(
    c.state === 'up'
      ? `Collector:  up on 127.0.0.1:${c.port}, pid ${c.pid}, ${c.mode} mode, since ${c.started_at}, ${c.events_written ?? 0} event(s) written, write ${c.write_status ?? '?'}${c.write_reason ? ` (${c.write_reason})` : ''}`
      : c.state === 'down'
        ? `Collector:  not running (nothing on 127.0.0.1:${c.port})`
        : `Collector:  port ${c.port} held by another program (${c.detail})`,
  );
  if (s.service) L.push(`Service:    ${s.service.kind} ${s.service.name}: ${s.service.installed ? 'installed' : 'missing'}, ${s.service.running ? 'running' : 'not running'}`);
  L.push(`Log:        ${s.log.live_log ?? s.config.runtime_log}${s.log.exists ? ` (${s.log.size_bytes} bytes)` : ' (missing)'}`);
  if (s.log.warning) L.push(`Log source: ${s.log.warning}`);
  L.push(`Last event: ${s.last_event ? `${s.last_event.action ?? '?'} at ${s.last_event.timestamp} (${formatAge(s.last_event.age_seconds)})` : 'none'}`);
  const cx = s.codex;
  L.push(`Codex:      telemetry ${cx.telemetry}; config ${cx.effective ? `${cx.effective.path}${cx.effective.layer !== 'user_config' ? ` (${cx.effective.layer})` : ''}` : `${cx.config_path} (no [otel])`}`);
  L.push(`            logs -> ${cx.logs.endpoint ?? cx.logs.kind}; metrics -> ${cx.metrics.endpoint ?? (cx.metrics.kind === 'absent' ? 'Statsig (default)' : cx.metrics.kind)}; spans ${cx.spans ? 'on' : 'off'}${cx.log_user_prompt === false ? '; prompt text withheld' : ''}`);
  if (cx.installs) for (const i of cx.installs) L.push(`            ${i.path} ${i.version ?? `(version unknown: ${i.versionError})`}`);
  L.push(...formatForwarding(s.forwarding));
  const issues = s.checks.filter((x) => x.status !== 'ok');
  if (issues.length) {
    L.push('');
    for (const x of issues) L.push(`${mark[x.status]} ${x.id}: ${x.message}${x.action ? `\n     -> ${x.action}` : ''}`);
  }
  return L.join('\n') + '\n';
}

