/**
 * The config writer half of the harness seam: how `beacon endpoint install / uninstall / repair /
 * status / doctor` put Beacon's telemetry settings into an agent's own config and read them back,
 * without knowing the config's format. Codex implements it over TOML (electron/codex/
 * config-writer.ts); electron/endpoint/ knows only these types, so a second agent is installed
 * by registering its harness, never by editing endpoint/.
 *
 * Kept apart from harness.ts because it is the largest part of the contract and changes for its
 * own reasons (lifecycle commands), not for ingest.
 */
import type { Mode, PathEnv } from './paths';

declare const recordBrand: unique symbol;

/**
 * What a writer needs to undo its own install of one file (the user's text before, what Beacon
 * wrote). Stored as JSON in the install manifest (`codex_files[].record`) and handed back to the
 * same writer by uninstall and repair; endpoint/ stores and returns it and never looks inside.
 * The brand stops endpoint code from building or reading one by accident.
 */
export type ConfigInstallRecord = { readonly [recordBrand]: 'ConfigInstallRecord' };

/**
 * Which layer of the agent's config a file is. The names are the manifest's (`role`), kept as
 * they were written by earlier versions: the user's file, a profile file (an extra file one named
 * mode of the agent reads instead), the system-wide file, and an admin-enforced layer.
 */
export type ConfigFileRole = 'user-config' | 'profile' | 'system-config' | 'requirements';

/** One file install would configure. */
export interface ConfigTarget {
  path: string;
  role: ConfigFileRole;
  /** For role 'profile': the profile's name as the agent's command line takes it. */
  profile?: string;
  /** How messages name it, e.g. "/home/me/.codex/work.config.toml (profile work)". */
  label: string;
}

/** The settings of the telemetry block Beacon installs (the same for every file of one install). */
export interface TelemetrySettings {
  /** The collector's OTLP/HTTP port on 127.0.0.1. */
  port: number;
  environment: string;
  logUserPrompt: boolean;
  includeSpans: boolean;
}

export interface ConfigWriteOptions {
  /** Replace the user's own telemetry settings that send elsewhere (uninstall restores them). */
  force: boolean;
  /** The record of an earlier install of this file, so the original "before" is kept once. */
  previous?: ConfigInstallRecord | null;
  /** How messages name the file (default: the path). */
  fileLabel?: string;
  /** Mode for a file the writer creates (default 0600). */
  createMode?: number;
  /** How a refusal says to force it, in the words of the command that asked (install, repair, doctor). */
  forceHint?: string;
}

/** What install would do to one file's text, decided before anything is written. */
export type ConfigInstallPlan =
  | { kind: 'unchanged'; message: string }
  | {
      kind: 'write';
      newText: string;
      /** The file does not exist yet. */
      created: boolean;
      /** What the write does, for the step's detail ("add the [otel] block"). */
      description: string;
      /** Things a person should know (an edited Beacon block was replaced, ...). */
      notes: string[];
      record: ConfigInstallRecord;
    }
  | { kind: 'refuse'; reason: string };

export interface ConfigApplyResult {
  outcome: 'written' | 'created' | 'unchanged' | 'refused';
  /** The file edited: the symlink's target for a link. */
  path: string;
  /** The text written (install's rollback checks the file still holds it before undoing). */
  writtenText?: string;
  /** Store this in the manifest; present when something was written. */
  record?: ConfigInstallRecord;
  reason?: string;
  notes: string[];
}

export interface ConfigUninstallResult {
  outcome: 'restored' | 'edited' | 'deleted' | 'unchanged' | 'conflict' | 'refused';
  path: string;
  reason?: string;
  notes: string[];
  /** 'edited': the user's own telemetry settings from before install were put back. */
  restoredUserSettings?: boolean;
}

export type ProblemSeverity = 'error' | 'warning' | 'info';

/** One thing wrong with an agent's telemetry config, in words a person can act on. */
export interface ConfigProblem {
  /** Stable id (status checks are `codex:<code>`; doctor and tests key on it). */
  code: string;
  severity: ProblemSeverity;
  message: string;
}

/** Where one OTel signal (logs, metrics, traces) goes, as the agent would read its config. */
export interface ExporterInspection {
  /** 'absent': not set; 'invalid': the agent would refuse it; else the exporter kind. */
  kind: 'absent' | 'none' | 'statsig' | 'otlp-http' | 'otlp-grpc' | 'invalid';
  endpoint?: string;
  /** otlp-http only: the protocol as written. */
  protocol?: string;
  /** false when the agent would refuse this exporter. */
  valid: boolean;
  /** Names (never values) of configured headers. */
  headerNames?: string[];
  /** Telemetry for this signal leaves the machine. */
  leavesMachine: boolean;
  /** The endpoint is the given collector. */
  pointsAtCollector: boolean;
}

/** One config file's telemetry settings, parsed (`endpoint config show`, install's profile choice). */
export interface TelemetryConfigInspection {
  /** false when the file does not parse (see problems). */
  parsed: boolean;
  /** The file has telemetry settings of its own. */
  present: boolean;
  /** They carry Beacon's marker. */
  managedByBeacon: boolean;
  environment?: string;
  logUserPrompt?: boolean;
  logs: ExporterInspection;
  metrics: ExporterInspection;
  traces: ExporterInspection;
  problems: ConfigProblem[];
}

/**
 * What `endpoint status` reports about the agent's telemetry config (the `codex` key of its JSON,
 * kept under that name for scripts), every layer that can override it included.
 */
export interface HarnessTelemetryStatus {
  /** The agent's config directory ($CODEX_HOME, /etc/codex). */
  codex_home: string;
  /** The file Beacon manages (the manifest's) or would manage. */
  config_path: string;
  config_exists: boolean;
  /** The settings a plain run of the agent uses. null: none anywhere. */
  effective: { path: string; layer: string } | null;
  telemetry: 'enabled' | 'disabled' | 'misconfigured' | 'invalid';
  managed_by_beacon: boolean;
  logs: ExporterInspection;
  metrics: ExporterInspection;
  traces: ExporterInspection;
  spans: boolean;
  log_user_prompt?: boolean;
  problems: ConfigProblem[];
  /** Layers that replace or stand in for config_path's settings. */
  overrides: { path: string; layer: string; reaches_collector: boolean; message: string }[];
  /** Profile files with their own settings. */
  profiles: { name: string; path: string; reaches_collector: boolean; problems: ConfigProblem[] }[];
}

/**
 * Puts Beacon's telemetry settings into an agent's config and takes them out again. Promises the
 * endpoint commands rely on: planning reads nothing but the text given; apply* write atomically
 * and refuse (never throw) on a file they cannot read or write; nothing outside the telemetry
 * settings changes; uninstall with the record puts back what was there before the first install.
 */
export interface HarnessConfigWriter {
  /**
   * How messages name the telemetry settings in the agent's config ("[otel]"): endpoint says
   * "Beacon's [otel] block" for what it wrote, "an [otel] table of yours" for the user's own.
   */
  readonly settingsName: string;
  /** The agent's config directory for a mode (install creates it: 0700 user, 0755 system). */
  configDir(mode: Mode, env: PathEnv): string;
  /** The file Beacon edits in a mode (`enforce`, system mode: the admin-enforced layer). */
  mainConfig(mode: Mode, env: PathEnv, opts?: { enforce?: boolean }): { path: string; role: ConfigFileRole };
  /** Every file install configures: the main one, and (user mode) profile files that need it. */
  targets(mode: Mode, env: PathEnv, opts?: { enforce?: boolean }): Promise<ConfigTarget[]>;
  planInstall(text: string | null, desired: TelemetrySettings, opts: ConfigWriteOptions): ConfigInstallPlan;
  applyInstall(path: string, desired: TelemetrySettings, opts: ConfigWriteOptions): Promise<ConfigApplyResult>;
  /**
   * Put Beacon's settings back into a file it installed into (repair, doctor --fix): install with
   * the stored record as `previous`, so the user's original stays the one remembered.
   */
  applyRepair(path: string, desired: TelemetrySettings, record: ConfigInstallRecord, opts: Omit<ConfigWriteOptions, 'previous'>): Promise<ConfigApplyResult>;
  /** Undo an install of one file; `record` null: remove only an unmodified Beacon block. */
  applyUninstall(path: string, record: ConfigInstallRecord | null, opts?: { fileLabel?: string }): Promise<ConfigUninstallResult>;
  /** A short diff of the telemetry settings between two texts, for --dry-run. */
  diff(before: string | null, after: string): string;
  /** One file's settings; `target` enables the "does it reach this collector" checks. */
  inspect(text: string, target?: { port: number }): TelemetryConfigInspection;
  /** The status of the agent's telemetry config (read-only). `configPath`: the manifest's main file. */
  telemetryStatus(opts: { mode: Mode; env: PathEnv; configPath?: string; port: number }): Promise<HarnessTelemetryStatus>;
}
