/**
 * `beacon endpoint install`: point Codex at the local collector and make sure one runs.
 *
 * Order matters so that a failure leaves nothing half-done: every Codex config file is planned
 * first (a refusal of the main file stops the install before anything is written), the
 * collector port is checked before writing, then files are written, the manifest is saved
 * (uninstall works from here on, even if starting the collector fails), then the collector or
 * the service is started and the manifest updated.
 *
 * Profile files ($CODEX_HOME/NAME.config.toml, read by `codex --profile NAME`) override
 * [otel] when they have their own table. Decision: a profile file WITH an [otel] table gets our
 * block too (its own table is restored by uninstall); a profile file without one is left alone,
 * because the user config's [otel] already applies to it. A profile whose [otel] exports
 * elsewhere is refused without --force and reported as a warning (the install still succeeds:
 * plain `codex` is covered), so `status` keeps showing it.
 */
import { readFile } from 'node:fs/promises';
import { applyInstall, listProfileConfigs } from '../codex/config-apply';
import { planInstall, type InstallRecord } from '../codex/config-editor';
import { inspectOtel } from '../codex/config-inspect';
import type { OtelSettings } from '../codex/config-otel-block';
import { probeCollector } from '../collector/probe';
import type { ContentPolicy } from '../shared/event';
import { readConfigFile } from '../shared/atomic-write';
import { cliEntry } from './collector-process';
import { COLLECTOR_NODE_FLAGS } from './collector-runtime-flags';
import { defaultEndpointConfig, readEndpointConfig, writeEndpointConfig, type EndpointConfig } from './endpoint-config';
import { readManifest, writeManifest, type CodexFileEntry, type CodexFileRole, type InstallManifest } from './install-manifest';
import { startCollectorFor, stopRecordedCollector } from './lifecycle-collector';
import { codexTargetFile, lifecycleContext, LifecycleError, requireSystemPrivileges, serviceKindFor, serviceManagerFor, type LifecycleContext } from './lifecycle-context';
import { makeDirs, missingDirs, otelDiff, prepareSystemLogDir } from './lifecycle-files';
import { DEFAULT_OTLP_PORT, type Mode, type PathEnv } from '../shared/paths';
import { waitForCollector } from './collector-process';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../shared/atomic-write';
import { serviceFile } from './services/service-manager';
import { LAUNCHD_LABEL, SYSTEMD_UNIT, launchdPlist, systemdUnit } from './services/unit-files';

export interface InstallOptions {
  mode: Mode;
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

export type StepStatus = 'planned' | 'done' | 'unchanged' | 'skipped' | 'warning' | 'failed';

export interface LifecycleStep {
  action: string;
  target?: string;
  status: StepStatus;
  detail?: string;
  /** --dry-run: the otel section before/after ('-' removed, '+' added). */
  diff?: string;
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
  collector: { state: 'started' | 'already-running' | 'not-started' | 'failed'; pid?: number; detail?: string };
}

interface Target {
  path: string;
  role: CodexFileRole;
  profile?: string;
  label: string;
}

async function codexTargets(ctx: LifecycleContext, enforce: boolean): Promise<Target[]> {
  const main = codexTargetFile(ctx, enforce);
  const role: CodexFileRole = ctx.mode === 'user' ? 'user-config' : enforce ? 'requirements' : 'system-config';
  const out: Target[] = [{ path: main, role, label: main }];
  if (ctx.mode === 'user') {
    for (const p of await listProfileConfigs(ctx.codexHome)) {
      const text = await readFile(p.path, 'utf8').catch(() => '');
      const insp = inspectOtel(text);
      if (insp.parsed && insp.present) out.push({ path: p.path, role: 'profile', profile: p.name, label: `${p.path} (profile ${p.name})` });
    }
  }
  return out;
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

export function otelSettings(s: InstallManifest['settings']): OtelSettings {
  return { port: s.port, environment: s.environment, logUserPrompt: s.log_user_prompt, includeSpans: s.include_codex_spans };
}

/**
 * The argv of the collector the service runs: this very CLI, `endpoint run`, with the
 * collector's runtime flags between the executable and the script.
 */
function serviceProgram(ctx: LifecycleContext): { args: string[]; env: Record<string, string> } {
  const args = [process.execPath, ...COLLECTOR_NODE_FLAGS, cliEntry(), 'endpoint', 'run'];
  if (ctx.mode === 'system') args.push('--system');
  const env: Record<string, string> = {};
  if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
  if (ctx.mode === 'user' && ctx.env.HOME) env.HOME = ctx.env.HOME;
  if (ctx.env.BEACON_HOME) env.BEACON_HOME = ctx.env.BEACON_HOME;
  if (ctx.env.BEACON_SYSTEM_ROOT) env.BEACON_SYSTEM_ROOT = ctx.env.BEACON_SYSTEM_ROOT;
  return { args, env };
}

export async function runInstall(opts: InstallOptions): Promise<InstallReport> {
  const ctx = lifecycleContext(opts.mode, opts.env ?? process.env);
  requireSystemPrivileges(ctx, 'install');
  if (opts.enforce && ctx.mode !== 'system') throw new LifecycleError('--enforce only applies with --system (it writes /etc/codex/requirements.toml)', 2);
  const manifest0 = await readManifest(ctx.paths.manifestFile);
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

  // 1. Plan every Codex config file. Nothing is written yet.
  const targets = await codexTargets(ctx, !!opts.enforce);
  const previousOf = (path: string): InstallRecord | null => manifest0?.codex_files.find((f) => f.path === path)?.record ?? null;
  const planned: { t: Target; write: boolean }[] = [];
  for (const t of targets) {
    const file = await readConfigFile(t.path).catch((err: Error) => err);
    if (file instanceof Error) {
      if (t.role === 'profile') {
        report.warnings.push(`${t.label}: ${file.message}`);
        continue;
      }
      return fail(file.message);
    }
    const plan = planInstall(file.text, desired, { force: opts.force, previous: previousOf(t.path), fileLabel: t.label });
    if (plan.kind === 'refuse') {
      if (t.role === 'profile') {
        report.warnings.push(`${plan.reason}; \`codex --profile ${t.profile}\` will not reach Beacon`);
        report.steps.push({ action: 'configure_codex', target: t.path, status: 'skipped', detail: plan.reason });
        continue;
      }
      report.steps.push({ action: 'configure_codex', target: t.path, status: 'failed', detail: plan.reason });
      return fail(plan.reason);
    }
    if (plan.kind === 'unchanged') {
      report.steps.push({ action: 'configure_codex', target: t.path, status: 'unchanged', detail: plan.message });
      planned.push({ t, write: false });
      continue;
    }
    const what = plan.created ? 'create with the [otel] block' : plan.updatedOwnBlock ? "update Beacon's [otel] block" : plan.replaced ? `replace the user's [otel] (${plan.replaced.summary}); uninstall restores it` : 'add the [otel] block';
    report.steps.push({ action: 'configure_codex', target: t.path, status: opts.dryRun ? 'planned' : 'done', detail: what, diff: opts.dryRun ? otelDiff(file.text, plan.newText) : undefined });
    planned.push({ t, write: true });
  }

  // 2. Is the port usable? (before writing, so a conflict changes nothing)
  const wantCollector = opts.start && !opts.service;
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

  const dirs: { dir: string; mode: number }[] = [
    { dir: ctx.codexHome, mode: ctx.mode === 'system' ? 0o755 : 0o700 },
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
    if (opts.service) report.steps.push({ action: 'install_service', status: 'planned', detail: `${ctx.mode} service running \`beacon endpoint run\`${opts.start ? ' (loaded and started)' : ''}` });
    else if (opts.start) report.steps.push({ action: 'start_collector', target: `127.0.0.1:${settings.port}`, status: 'planned', detail: `writes ${ctx.paths.runtimeLog}` });
    report.steps.push({ action: 'write_file', target: ctx.paths.manifestFile, status: 'planned', detail: 'install manifest' });
    return report;
  }

  // 3. Write. Directories first, remembering the ones we create.
  const created = new Set(manifest0?.created_dirs ?? []);
  for (const d of dirs) for (const c of await makeDirs(d.dir, d.mode)) created.add(c);
  if (ctx.mode === 'system') {
    const r = await prepareSystemLogDir(ctx.paths.logDir, ctx.platform);
    for (const c of r.created) created.add(c);
    report.steps.push({ action: 'prepare_log_dir', target: ctx.paths.logDir, status: 'done', detail: `mode 0750${r.group ? `, group ${r.group}` : ''}` });
  }

  const files: CodexFileEntry[] = [...(manifest0?.codex_files ?? [])];
  for (const { t, write } of planned) {
    if (!write) continue;
    const r = await applyInstall(t.path, desired, { force: opts.force, previous: previousOf(t.path), fileLabel: t.label, createMode: ctx.mode === 'system' ? 0o644 : 0o600 });
    if (r.outcome === 'refused') {
      if (t.role === 'profile') {
        report.warnings.push(r.reason ?? `${t.label} refused`);
        continue;
      }
      report.steps.push({ action: 'configure_codex', target: t.path, status: 'failed', detail: r.reason });
      fail(r.reason ?? `${t.label} could not be written`);
      break;
    }
    if (r.record) {
      const entry: CodexFileEntry = { path: t.path, role: t.role, record: r.record };
      if (t.profile) entry.profile = t.profile;
      const i = files.findIndex((f) => f.path === t.path);
      if (i >= 0) files[i] = entry;
      else files.push(entry);
    }
  }

  const endpointBefore = manifest0 ? manifest0.endpoint_config.before : await readFile(ctx.paths.configFile, 'utf8').catch(() => null);
  await writeEndpointConfig(newConfig, ctx.env);
  report.steps.push({ action: 'write_file', target: ctx.paths.configFile, status: 'done', detail: 'endpoint configuration' });

  const now = new Date().toISOString();
  const manifest: InstallManifest = {
    schema: 1,
    mode: ctx.mode,
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
  // Saved now: from here on, uninstall can undo whatever follows, even if starting fails.
  await writeManifest(ctx.paths.manifestFile, manifest);
  if (!report.ok) return report;

  // 4. Collector: as a service, or a detached background process.
  if (opts.service) {
    const sm = serviceManagerFor(ctx);
    if (!sm) return fail(`no supported service manager on ${ctx.platform}; install without --service (a background collector is started instead)`);
    // A detached collector we started earlier would hold the port the service needs.
    const stopped = await stopRecordedCollector(manifest.collector);
    if (stopped.kind === 'stopped') manifest.collector = null;
    const prog = serviceProgram(ctx);
    const spec = { mode: ctx.mode, programArguments: prog.args, stdoutPath: ctx.collectorOutput, stderrPath: ctx.collectorOutput, env: prog.env };
    if (!opts.start) {
      // --no-start: the definition is written, nothing is loaded (the next login / boot, or a
      // later `install --service`, starts it).
      const kind = serviceKindFor(ctx)!;
      const file = serviceFile(kind, ctx.mode, ctx.env);
      await makeDirs(dirname(file), 0o755);
      await writeFileAtomic(file, kind === 'launchd' ? launchdPlist(spec) : systemdUnit(spec), { mode: 0o644 });
      manifest.service = { kind, name: kind === 'launchd' ? LAUNCHD_LABEL[ctx.mode] : SYSTEMD_UNIT, file };
      report.steps.push({ action: 'write_unit', target: file, status: 'done', detail: 'not loaded (--no-start)' });
      await writeManifest(ctx.paths.manifestFile, manifest);
      return report;
    }
    try {
      const st = await sm.install(spec);
      manifest.service = { kind: st.kind, name: st.name, file: st.file };
      report.steps.push({ action: 'install_service', target: st.file, status: 'done', detail: `${st.kind} ${st.name}` });
    } catch (err) {
      await writeManifest(ctx.paths.manifestFile, manifest);
      return fail(`the service could not be installed: ${(err as Error).message}`);
    }
    await writeManifest(ctx.paths.manifestFile, manifest);
    if (opts.start) {
      const probe = await waitForCollector(settings.port, 15_000);
      if (probe.kind === 'beacon') report.collector = { state: 'already-running', pid: probe.health.pid, detail: `the service's collector answers on 127.0.0.1:${settings.port}` };
      else {
        report.collector = { state: 'failed', detail: `the service was installed but no collector answers on 127.0.0.1:${settings.port} yet; see ${ctx.collectorOutput}` };
        report.warnings.push(report.collector.detail!);
      }
    }
    return report;
  }
  if (opts.start) {
    try {
      const { result, record } = await startCollectorFor(ctx, manifest, 'install', manifest.collector);
      manifest.collector = record;
      if (result.action === 'conflict') {
        report.collector = { state: 'failed', detail: result.message };
        fail(result.message);
      } else {
        report.collector = { state: result.action, pid: result.health.pid };
        report.steps.push({ action: 'start_collector', target: `127.0.0.1:${settings.port}`, status: result.action === 'started' ? 'done' : 'unchanged', detail: `pid ${result.health.pid}, writing ${result.health.log_path}` });
      }
    } catch (err) {
      report.collector = { state: 'failed', detail: (err as Error).message };
      fail((err as Error).message);
    }
    await writeManifest(ctx.paths.manifestFile, manifest);
  }
  return report;
}
