/**
 * The harness seam: what an agent harness (Codex today; Claude Code, Gemini CLI later) gives
 * Beacon, and what the collector gives its event consumers (the writer, detections, forwarders).
 *
 * The collector and the log know these interfaces only; each harness lives in a folder of its
 * own (electron/codex/) and is registered in one place (electron/plugins/harnesses.ts). Adding
 * a harness or a consumer is a new folder and one registry line, never an edit to the core.
 */
import type { BeaconEvent, SessionGit } from './event';
import type { HarnessConfigWriter, TelemetrySettings } from './harness-config';
import type { Attributes, LogRecordFilter, ResourceLogs, ResourceSpans } from './otlp-types';

/** Who wrote an event (endpoint block), the same for every harness of one collector. */
export interface EndpointIdentity {
  os: string;
  hostname: string;
  agent_version: string;
}

export interface NormalizerOptions {
  /** Turn spans into `span.recorded` events (off by default: spans are 20-35x the log volume). */
  includeSpans: boolean;
  endpoint: EndpointIdentity;
  /** Clock for records that carry no usable time (tests pin it). */
  now?: () => Date;
}

/** Decoded OTLP in, Beacon events out. May keep state across batches (one per collector). */
export interface HarnessNormalizer {
  normalizeLogs(resourceLogs: readonly ResourceLogs[]): BeaconEvent[];
  normalizeSpans(resourceSpans: readonly ResourceSpans[]): BeaconEvent[];
}

/** The ingest side of a harness: how the collector recognises and reads its telemetry. */
export interface HarnessIngest {
  /**
   * Whether this harness reads the telemetry of a resource (by its attributes, e.g.
   * service.name). The collector gives each resource to the first harness that claims it.
   */
  claims(resource: Attributes): boolean;
  /**
   * Optional decoder-side noise filter: records it rejects are never decoded. With several
   * harnesses the collector keeps a record when any harness's filter keeps it (a harness
   * without a filter keeps everything), and each normalizer still decides on its own records.
   */
  logRecordFilter?: LogRecordFilter;
  createNormalizer(opts: NormalizerOptions): HarnessNormalizer;
}

/** One installation of the agent found on this machine. */
export interface HarnessInstall {
  path: string;
  version?: string;
  /** Where it was found: PATH, npm-global, homebrew, ... */
  source: string;
  /** The file a symlink on PATH resolves to (`endpoint discover` and `status` show it). */
  realPath?: string;
  onPath?: boolean;
  /** Why `--version` gave no answer. */
  versionError?: string;
}

/** What `beacon endpoint discover` shows for a harness. */
export interface HarnessDiscoveryReport {
  installs: HarnessInstall[];
  /** `discover --json`: the harness's own shape (scripts read it, so each harness keeps its own). */
  json: unknown;
  /** The readable report, ending in a newline. */
  text: string;
}

/** Where a session ran, as the agent's own record of it says. */
export interface SessionContext {
  working_directory?: string;
  git?: SessionGit;
}

/**
 * Where a session ran, when the agent's telemetry does not say (Codex's OTel events carry no
 * working directory; its session record on disk does). Runs on the collector's ingest path,
 * once per session (retried a few times while the record is not there yet), so it must be
 * quick, must only read, and must not throw.
 */
export interface HarnessSessionContext {
  /** What it reads, in one sentence (for diagnostics: a person may ask what Beacon looks at). */
  readonly reads: string;
  /** The session's context, or undefined when its record is not (or not yet) there. */
  lookup(sessionId: string, startedAt: string): SessionContext | undefined;
}

/** What Beacon installed into the agent's config: the settings its telemetry block must keep. */
export type ExpectedTelemetry = TelemetrySettings;

/**
 * Whether the agent still sends its telemetry the way Beacon installed it. `intact`: the block is
 * there with the installed values; `removed`: the config has no telemetry block (or the file is
 * gone); `changed`: a block is there but differs (`detail` says how); `overridden`: a
 * higher-precedence layer (Codex: requirements.toml, managed_config.toml) sends it elsewhere.
 */
export type TelemetryConfigState = 'intact' | 'removed' | 'changed' | 'overridden';

export interface TelemetryConfigCheck {
  state: TelemetryConfigState;
  /** The file Beacon installed its block into. */
  config_path: string;
  /** One sentence a person can act on: what is missing or different, and where. */
  detail: string;
  /** For `overridden`: the file whose layer wins. */
  overridden_by?: string;
}

/**
 * Watches nothing itself: the caller (electron/posture) watches `watchDirs` (fs.watch, never a
 * fast poll) and calls check() after a change. check() only reads and never throws.
 */
export interface HarnessTelemetryGuard {
  /** Directories whose entries decide the answer (editors replace files, so directories, not files). */
  readonly watchDirs: readonly string[];
  /** The files in them that decide it (other entries' changes are ignored). */
  readonly watchFiles: readonly string[];
  check(): Promise<TelemetryConfigCheck>;
}

/** The agent's setup on this machine, for the daily posture.inventory event. */
export interface HarnessPosture {
  installs: HarnessInstall[];
  /** The config file read for the settings below. */
  config_path: string;
  config_exists: boolean;
  sandbox_mode?: string;
  approval_policy?: string;
  /** Configured MCP server names. */
  mcp_servers: string[];
  /** false: the agent withholds prompt text from its telemetry. */
  log_user_prompt?: boolean;
  /** Admin-enforced limits (Codex requirements.toml), when there are any. */
  enforced?: Record<string, unknown>;
  /** Files that could not be read or parsed. */
  problems: string[];
}

/**
 * The lifecycle side: how Beacon finds the agent and points it at a collector. The config
 * format is the harness's own business (Codex: TOML with an [otel] table).
 */
export interface HarnessLifecycle {
  /** The agent's user config file for an environment (Codex: $CODEX_HOME/config.toml). */
  userConfigPath(env: Record<string, string | undefined>): string;
  /** Installations on this machine (read-only; runs `<agent> --version` with a timeout). */
  discover(env: Record<string, string | undefined>): Promise<HarnessInstall[]>;
  /** Installations and where the agent keeps its config, for `endpoint discover` and `status`. */
  discoverReport(env: Record<string, string | undefined>): Promise<HarnessDiscoveryReport>;
  /**
   * Writes Beacon's telemetry settings into the agent's config and takes them out again
   * (endpoint install, uninstall, repair, status, doctor know the agent through this alone).
   */
  configWriter: HarnessConfigWriter;
  /**
   * Create (or refresh) a throwaway agent home for one CI run whose telemetry goes to the
   * collector on `otlpPort`. Returns the config file written.
   */
  writeCiHome(home: string, otlpPort: number, opts: { includeSpans: boolean }): string;
  /**
   * Optional: a reader of the agent's own session records for this user (user-mode collectors
   * only: a system collector never reads a user's files). Absent: sessions keep what the
   * telemetry says.
   */
  sessionContext?(env: Record<string, string | undefined>): HarnessSessionContext;
  /**
   * Optional: tell whether the telemetry block Beacon installed in `configPath` is still there
   * and still in effect (tamper signals). Absent: no tamper signals for this harness.
   */
  telemetryGuard?(opts: { configPath: string; mode: 'user' | 'system'; env: Record<string, string | undefined>; expected: ExpectedTelemetry }): HarnessTelemetryGuard;
  /**
   * Optional, for status and doctor: environment variables of this shell that break the agent's
   * export (Codex: OTEL_* compression, proxies without NO_PROXY). Absent: none checked.
   */
  checkEnvironment?(env: Record<string, string | undefined>): EnvFinding[];
  /**
   * Optional, for status and doctor: the agent's long-lived processes, which keep exporting with
   * the config they started with (one started before an install still sends nowhere). Absent: none.
   */
  listDaemons?(): Promise<AgentProcess[]>;
  /** Optional: versions found and the security-relevant settings (read-only, may run `--version`). */
  posture?(opts: { mode: 'user' | 'system'; env: Record<string, string | undefined>; configPath?: string }): Promise<HarnessPosture>;
}

/** Something outside the agent's config, in this shell's environment, that breaks its export. */
export interface EnvFinding {
  variable: string;
  severity: 'fail' | 'warn' | 'info';
  message: string;
  /** What to run to fix it. */
  action?: string;
}

/** A long-lived agent process (Codex: `codex app-server`), which keeps the config it started with. */
export interface AgentProcess {
  pid: number;
  command: string;
  /** Start time in ms since the epoch (undefined when it could not be read). */
  startedAtMs?: number;
}

/** How the UI and the CLI name a harness. */
export interface HarnessDisplay {
  /** "Codex CLI" */
  displayName: string;
  /** The `harness.name` its events carry in runtime.jsonl ("codex_cli"). */
  eventHarnessName: string;
}

export interface Harness extends HarnessDisplay {
  /** The CLI's `--harness` value ("codex"). */
  id: string;
  /** Other spellings `--harness` accepts ("codex-cli", "codex_cli"). */
  aliases: readonly string[];
  ingest: HarnessIngest;
  lifecycle: HarnessLifecycle;
}

/**
 * Changes events before they are written (in place), e.g. a cost estimate on token.usage.
 * Runs on the ingest path: it must be fast and must not throw (a throw is caught and counted).
 */
export interface EventEnricher {
  readonly name: string;
  enrich(events: BeaconEvent[]): void;
}

/** What the collector offers a consumer when it starts. */
export interface ConsumerContext {
  /** The runtime log this collector writes (forwarders tail it). */
  logPath: string;
  /**
   * Write derived events (findings, health signals) through the same pipeline: enriched,
   * policed, given ids, written, and shown to every consumer except the one that emitted them.
   */
  emit(events: BeaconEvent[]): Promise<void>;
  /** Non-fatal problems, for the collector's own log. */
  warn(message: string): void;
}

/** A consumer's state, shown by /healthz, status, doctor, the tray and the dashboard. */
export interface ConsumerHealth {
  name: string;
  status: 'ok' | 'degraded' | 'failed' | 'stopped';
  detail?: string;
  [key: string]: unknown;
}

/** Something that wants every event once it is in the log: detections, forwarders. */
export interface EventConsumer {
  readonly name: string;
  start?(ctx: ConsumerContext): void | Promise<void>;
  /**
   * Called after each acknowledged write with what was written (already policed). Must not
   * block: heavy work is queued. A throw is caught and reported, never fails the write.
   */
  written?(events: readonly BeaconEvent[]): void;
  health?(): ConsumerHealth;
  /** Called at collector shutdown, after the last write. */
  close?(): Promise<void>;
}
