/**
 * `beacon endpoint install`: point Codex at the local collector and make sure one runs.
 *
 * A failed install changes nothing. Every Codex config file is planned first (a refusal of the
 * main file stops the install before anything is written); the port and the log directory are
 * checked before writing; then files are written, each one remembered first (InstallUndo), the
 * manifest is saved (an interrupted install can still be uninstalled), and the collector or the
 * service is started. If anything fails after the first write, everything is undone (config.toml
 * byte for byte, config.json, the manifest, the directories, a collector started or stopped on
 * the way) and the real cause is the error. Steps are reported `done` only when they happened,
 * `rolled-back` when undone.
 *
 * Settings reach a collector only when it starts: a changed content policy, spans setting or
 * port restarts the collector install manages (lifecycle-collector.ts reconcileCollector), and
 * a service is restarted by loading it again.
 *
 * The agent's config is the harness's: its config writer (shared/harness-config.ts) chooses the
 * files (Codex: config.toml, and profile files with an [otel] of their own), plans and writes
 * them; a profile file it refuses is a warning (the install still succeeds: the main file is
 * covered), so `status` keeps showing it.
 */
import { readFile } from 'node:fs/promises';
import { probeCollector } from '../collector/probe';
import type { ContentPolicy } from '../shared/event';
import type { Harness } from '../shared/harness';
import type { ConfigInstallRecord, ConfigTarget, TelemetrySettings } from '../shared/harness-config';
import { readConfigFile, type ReadFileResult } from '../shared/atomic-write';
import { defaultEndpointConfig, readEndpointConfig, writeEndpointConfig, type EndpointConfig } from './endpoint-config';
import { runStateFileFor } from '../posture/run-state';
import { readManifest, writeManifest, type ConfigFileEntry, type InstallManifest, type ManifestCollector } from './install-manifest';
import { collectorSettingsDiff, managedBy, reconcileCollector, startCollectorFor, stopRecordedCollector } from './lifecycle-collector';
import { lifecycleContext, LifecycleError, lifecycleHarness, requireSystemPrivileges, type LifecycleContext } from './lifecycle-context';
import { logWriteProblem, makeDirs, missingDirs, prepareSystemLogDir } from './lifecycle-files';
import type { LifecycleStep } from './lifecycle-report';
import { InstallUndo } from './lifecycle-rollback';
import { installService, ServiceInstallError } from './lifecycle-service-install';
import { lockPathFor } from '../log/log-lock';
import { DEFAULT_HARNESS } from '../plugins/harnesses';
import { DEFAULT_OTLP_PORT, healthFileFor, type Mode, type PathEnv } from '../shared/paths';

export type { LifecycleStep, StepStatus } from './lifecycle-report';
export { serviceProgram } from './lifecycle-service-install';

export interface InstallOptions {
  mode: Mode;
  /** The agent to configure (the CLI resolves `--harness`); default: the installed one, else Codex. */
  harness?: Harness;
  env?: PathEnv;
  port?: number;
  includeSpans?: boolean;
  /** false with --no-prompt-content: Codex sends "[REDACTED]" instead of prompt text. */
  logUserPrompt?: boolean;
  content?: ContentPolicy;
  start: boolean;
  dryRun: boolean;
  force: boolean;
  /** --system --enforce: write /etc/codex/requirements.toml instead of /etc/codex/config.toml. */
  enforce?: boolean;
  service: boolean;
}

export interface InstallReport {
  ok: boolean;
  dry_run: boolean;
  mode: Mode;
  port: number;
  runtime_log: string;
  manifest: string;
  steps: LifecycleStep[];
  warnings: string[];
  errors: string[];
  collector: { state: 'started' | 'restarted' | 'already-running' | 'not-started' | 'failed'; pid?: number; detail?: string };
  /** A failed install: was every change undone? (false: `rollback_problems` says what is left) */
  rolled_back?: boolean;
  rollback_problems?: string[];
}

export function settingsFrom(opts: InstallOptions, manifest: InstallManifest | null, config: EndpointConfig, configExists: boolean): InstallManifest['settings'] {
  const prev = manifest?.settings;
  return {
    port: opts.port ?? prev?.port ?? (configExists ? config.otlp_http_port : DEFAULT_OTLP_PORT),
    environment: prev?.environment ?? 'dev',
    log_user_prompt: opts.logUserPrompt ?? prev?.log_user_prompt ?? true,
    include_codex_spans: opts.includeSpans ?? prev?.include_codex_spans ?? false,
    content: opts.content ?? prev?.content ?? (configExists ? config.content : 'redacted'),
  };
}

/** The manifest's settings as the config writer takes them. */
export function otelSettings(s: InstallManifest['settings']): TelemetrySettings {
  return { port: s.port, environment: s.environment, logUserPrompt: s.log_user_prompt, includeSpans: s.include_codex_spans };
}

/** A failure after something was written: the install is rolled back and `message` is the cause. */
class InstallFailed extends Error {}

export async function runInstall(opts: InstallOptions): Promise<InstallReport> {
  const ctx = lifecycleContext(opts.mode, opts.env ?? process.env);
  requireSystemPrivileges(ctx, 'install');
  if (opts.enforce && ctx.mode !== 'system') throw new LifecycleError('--enforce only applies with --system (it writes /etc/codex/requirements.toml)', 2);
  const manifest0 = await readManifest(ctx.paths.manifestFile);
  const harness = lifecycleHarness(opts.harness, manifest0, ctx.mode);
  const writer = harness.lifecycle.configWriter;
  const configureStep = `configure_${harness.id}`;
  const cfg = await readEndpointConfig(ctx.mode, ctx.env);
  const settings = settingsFrom(opts, manifest0, cfg.config, cfg.exists);
  const desired = otelSettings(settings);
  const report: InstallReport = {
    ok: true,
    dry_run: opts.dryRun,
    mode: ctx.mode,
    port: settings.port,
    runtime_log: ctx.paths.runtimeLog,
    manifest: ctx.paths.manifestFile,
    steps: [],
    warnings: [],
    errors: [],
    collector: { state: 'not-started' },
  };
  const fail = (msg: string) => {
    report.ok = false;
    report.errors.push(msg);
    return report;
  };

  // 1. Plan every agent config file. Nothing is written yet; steps stay 'planned' until done.
  const targets = await writer.targets(ctx.mode, ctx.env, { enforce: !!opts.enforce });
  const previousOf = (path: string): ConfigInstallRecord | null => manifest0?.codex_files.find((f) => f.path === path)?.record ?? null;
  const planned: { t: ConfigTarget; file: ReadFileResult; step: LifecycleStep }[] = [];
  for (const t of targets) {
    const file = await readConfigFile(t.path).catch((err: Error) => err);
    if (file instanceof Error) {
      if (t.role === 'profile') {
        report.warnings.push(`${t.label}: ${file.message}`);
        continue;
      }
      return fail(file.message);
    }
    const plan = writer.planInstall(file.text, desired, { force: opts.force, previous: previousOf(t.path), fileLabel: t.label });
    if (plan.kind === 'refuse') {
      if (t.role === 'profile') {
        report.warnings.push(`${plan.reason}; \`${harness.id} --profile ${t.profile}\` will not reach Beacon`);
        report.steps.push({ action: configureStep, target: t.path, status: 'skipped', detail: plan.reason });
        continue;
      }
      report.steps.push({ action: configureStep, target: t.path, status: 'failed', detail: plan.reason });
      return fail(plan.reason);
    }
    if (plan.kind === 'unchanged') {
      report.steps.push({ action: configureStep, target: t.path, status: 'unchanged', detail: plan.message });
      continue;
    }
    const step: LifecycleStep = { action: configureStep, target: t.path, status: 'planned', detail: plan.description, diff: opts.dryRun ? writer.diff(file.text, plan.newText) : undefined };
    report.steps.push(step);
    for (const n of plan.notes) report.warnings.push(n);
    planned.push({ t, file, step });
  }

  // 2. Is the port usable, can the log be written? (before writing, so a problem changes nothing)
  // An earlier `install --service` stays a service install (like the other earlier choices), so
  // a settings change restarts the service instead of starting a second collector beside it.
  const asService = opts.service || (opts.start && !!manifest0?.service);
  const wantCollector = opts.start && !asService;
  if (wantCollector) {
    const probe = await probeCollector(settings.port);
    if (probe.kind === 'other') return fail(`port ${settings.port} on 127.0.0.1 is held by another program (${probe.detail}); choose another with --otlp-http-port`);
    if (probe.kind === 'beacon' && probe.health.log_path !== ctx.paths.runtimeLog) {
      return fail(
        `a Beacon collector (pid ${probe.health.pid}, ${probe.health.mode} mode) already listens on port ${settings.port} and writes ${probe.health.log_path}, not ${ctx.paths.runtimeLog}; ` +
          `stop it or choose another port with --otlp-http-port`,
      );
    }
  }
  if (opts.start) {
    const problem = await logWriteProblem(ctx.paths.runtimeLog);
    if (problem) return fail(problem);
  }

  const dirs: { dir: string; mode: number }[] = [
    { dir: writer.configDir(ctx.mode, ctx.env), mode: ctx.mode === 'system' ? 0o755 : 0o700 },
    { dir: ctx.paths.baseDir, mode: ctx.mode === 'system' ? 0o755 : 0o700 },
  ];
  if (ctx.mode === 'user') dirs.push({ dir: ctx.paths.logDir, mode: 0o700 });
  const newConfig: EndpointConfig = {
    ...defaultEndpointConfig(ctx.mode, ctx.env),
    ...(cfg.exists ? cfg.config : {}),
    mode: ctx.mode,
    otlp_http_port: settings.port,
    runtime_log: ctx.paths.runtimeLog,
    include_codex_spans: settings.include_codex_spans,
    content: settings.content,
    log_user_prompt: settings.log_user_prompt,
  };

  if (opts.dryRun) {
    const seen = new Set<string>();
    for (const d of dirs) {
      for (const m of await missingDirs(d.dir)) {
        if (seen.has(m)) continue;
        seen.add(m);
        report.steps.push({ action: 'create_dir', target: m, status: 'planned', detail: `mode 0${d.mode.toString(8)}` });
      }
    }
    // Parents already listed above (a shared missing root) are not listed twice.
    if (ctx.mode === 'system') for (const m of await missingDirs(ctx.paths.logDir)) if (!seen.has(m)) report.steps.push({ action: 'create_dir', target: m, status: 'planned', detail: 'mode 0750, group-readable log directory' });
    report.steps.push({ action: 'write_file', target: ctx.paths.configFile, status: 'planned', detail: `endpoint configuration (port ${settings.port}, content ${settings.content})` });
    if (asService) report.steps.push({ action: 'install_service', status: 'planned', detail: `${ctx.mode} service running \`beacon endpoint run\`${opts.start ? ' (loaded and started)' : ''}` });
    else if (opts.start) report.steps.push(await plannedCollectorStep(manifest0, settings, ctx.paths.runtimeLog));
    report.steps.push({ action: 'write_file', target: ctx.paths.manifestFile, status: 'planned', detail: 'install manifest' });
    return report;
  }

  // 3. Write and start, undoing everything if any of it fails.
  const undo = new InstallUndo();
  try {
    await writeAndStart();
  } catch (err) {
    const cause = err instanceof InstallFailed || err instanceof ServiceInstallError ? err.message : describeError(err);
    fail(cause);
    if (cause.includes(ctx.collectorOutput)) undo.keep(ctx.collectorOutput);
    const problems = await undo.rollback();
    for (const s of report.steps) if (s.status === 'done') s.status = 'rolled-back';
    report.rolled_back = problems.length === 0;
    if (problems.length) report.rollback_problems = problems;
    if (report.collector.state !== 'failed') report.collector = { state: 'not-started' };
  }
  return report;

  async function writeAndStart(): Promise<void> {
    const created = new Set(manifest0?.created_dirs ?? []);
    const made = async (list: string[]) => {
      undo.createdDirs(list);
      for (const c of list) created.add(c);
    };
    for (const d of dirs) await made(await makeDirs(d.dir, d.mode));
    if (ctx.mode === 'system') {
      const r = await prepareSystemLogDir(ctx.paths.logDir, ctx.platform);
      await made(r.created);
      report.steps.push({ action: 'prepare_log_dir', target: ctx.paths.logDir, status: 'done', detail: `mode 0750${r.group ? `, group ${r.group}` : ''}` });
    }

    const files: ConfigFileEntry[] = [...(manifest0?.codex_files ?? [])];
    for (const { t, file, step } of planned) {
      await undo.remember(file.realPath, file.bytes);
      const r = await writer.applyInstall(t.path, desired, { force: opts.force, previous: previousOf(t.path), fileLabel: t.label, createMode: ctx.mode === 'system' ? 0o644 : 0o600 });
      if (r.outcome === 'refused') {
        if (t.role === 'profile') {
          step.status = 'skipped';
          report.warnings.push(r.reason ?? `${t.label} refused`);
          continue;
        }
        step.status = 'failed';
        throw new InstallFailed(r.reason ?? `${t.label} could not be written`);
      }
      if (r.writtenText !== undefined) undo.wrote(r.path, r.writtenText);
      step.status = r.outcome === 'unchanged' ? 'unchanged' : 'done';
      if (r.record) {
        const entry: ConfigFileEntry = { path: t.path, role: t.role, record: r.record };
        if (t.profile) entry.profile = t.profile;
        const i = files.findIndex((f) => f.path === t.path);
        if (i >= 0) files[i] = entry;
        else files.push(entry);
      }
    }

    const endpointBefore = manifest0 ? manifest0.endpoint_config.before : await readFile(ctx.paths.configFile, 'utf8').catch(() => null);
    await undo.remember(ctx.paths.configFile);
    await writeEndpointConfig(newConfig, ctx.env);
    report.steps.push({ action: 'write_file', target: ctx.paths.configFile, status: 'done', detail: 'endpoint configuration' });

    const now = new Date().toISOString();
    const manifest: InstallManifest = {
      schema: 1,
      mode: ctx.mode,
      // Named only when not the default, so a Codex install's manifest stays as older versions wrote it.
      ...(harness.id !== DEFAULT_HARNESS.id ? { harness: harness.id } : {}),
      created_at: manifest0?.created_at ?? now,
      updated_at: manifest0?.updated_at ?? now,
      settings,
      runtime_log: ctx.paths.runtimeLog,
      collector_output: ctx.collectorOutput,
      codex_files: files,
      endpoint_config: { path: ctx.paths.configFile, before: endpointBefore },
      created_dirs: [...created],
      service: manifest0?.service ?? null,
      collector: manifest0?.collector ?? null,
    };
    await undo.remember(ctx.paths.manifestFile);
    // Saved before starting anything: an install interrupted from here on (Ctrl-C, a crash)
    // can still be undone by `beacon endpoint uninstall`. A failure rolls this back too.
    await writeManifest(ctx.paths.manifestFile, manifest);

    // 4. Collector: as a service, or a detached background process. What it creates on its
    // way up is removed again if the install fails.
    if (opts.start) {
      await undo.removeIfCreated([ctx.collectorOutput, healthFileFor(ctx.paths.runtimeLog), runStateFileFor(ctx.paths.runtimeLog), lockPathFor(ctx.paths.runtimeLog)]);
      await undo.removeIfCreated([ctx.paths.runtimeLog], true);
    }
    if (asService) {
      // A detached collector we started earlier would hold the port the service needs.
      const stopped = await stopRecordedCollector(manifest.collector);
      if (stopped.kind === 'stopped') {
        const old = manifest.collector!;
        manifest.collector = null;
        if (manifest0) undo.afterFiles(`restart the collector (pid ${old.pid}) that install stopped`, () => restartPrevious(ctx, manifest0, old));
      }
      await installService(ctx, manifest, manifest0?.service ?? null, opts.start, undo, report.steps);
      if (opts.start) report.collector = { state: 'already-running', detail: `the service's collector answers on 127.0.0.1:${settings.port}` };
    } else if (opts.start) {
      const rc = await reconcileCollector(ctx, manifest, manifest.collector, 'install');
      report.steps.push(...rc.steps);
      if (rc.startedNew) {
        const started = rc.startedNew;
        undo.onRollback(`stop the collector install started (pid ${started.pid})`, async () => {
          const s = await stopRecordedCollector(started);
          if (s.kind === 'failed') throw new Error(s.message);
        });
      }
      if (rc.stoppedPrevious && manifest0) {
        const old = rc.stoppedPrevious;
        undo.afterFiles(`restart the collector (pid ${old.pid}) with its earlier settings`, () => restartPrevious(ctx, manifest0, old));
      }
      if (!rc.ok) {
        report.collector = { state: 'failed', detail: rc.error };
        throw new InstallFailed(rc.error ?? 'the collector could not be started');
      }
      manifest.collector = rc.record;
      report.collector = { state: rc.state === 'failed' ? 'failed' : rc.state, pid: rc.health?.pid };
      if (rc.warning) report.warnings.push(rc.warning);
    }
    // Last: the manifest says what is installed only once all of it is.
    await writeManifest(ctx.paths.manifestFile, manifest);
  }
}

/** --dry-run: would install start a collector, restart its own to apply new settings, or leave one? */
async function plannedCollectorStep(manifest0: InstallManifest | null, settings: InstallManifest['settings'], runtimeLog: string): Promise<LifecycleStep> {
  const target = `127.0.0.1:${settings.port}`;
  const want = { port: settings.port, runtime_log: runtimeLog, content: settings.content, include_codex_spans: settings.include_codex_spans };
  const prev = manifest0?.collector;
  const probe = prev ? await probeCollector(prev.port) : null;
  if (prev && probe?.kind === 'beacon' && managedBy(probe.health, manifest0) === 'detached') {
    const diff = collectorSettingsDiff(probe.health, want);
    if (diff.length) return { action: 'restart_collector', target, status: 'planned', detail: `pid ${probe.health.pid}, to apply ${diff.map((d) => d.replace(/, config\.json says /, ' -> ')).join('; ')}` };
    return { action: 'start_collector', target, status: 'planned', detail: `already running (pid ${probe.health.pid}); nothing to do` };
  }
  return { action: 'start_collector', target, status: 'planned', detail: `writes ${runtimeLog}` };
}

/**
 * Rollback of a collector install stopped: start it again with the earlier install's settings
 * and record its new pid in the (restored) manifest, so uninstall can still stop it.
 */
async function restartPrevious(ctx: LifecycleContext, manifest0: InstallManifest, old: ManifestCollector): Promise<void> {
  const { result, record } = await startCollectorFor(ctx, manifest0, old.started_by, null);
  if (result.action === 'conflict') throw new Error(result.message);
  const m = await readManifest(ctx.paths.manifestFile);
  if (m && record) {
    m.collector = record;
    await writeManifest(ctx.paths.manifestFile, m);
  }
}

/** An unexpected error (a file system problem mid-install) as one line naming the path. */
function describeError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code && e.path) return `${e.message}`;
  return e?.message ?? String(err);
}
