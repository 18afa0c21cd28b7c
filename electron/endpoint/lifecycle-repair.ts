/**
 * `beacon endpoint repair`: bring a drifted install back, touching only what drifted.
 *
 * - Settings: config.json is what `endpoint run`, the app and status read, so when it is valid
 *   its collector settings (content policy, spans, port, prompt text) are adopted into the
 *   manifest: a policy changed there takes effect now. A missing or broken config.json is
 *   rewritten from the manifest.
 * - The agent's config (through its harness's config writer): re-apply our block with the
 *   manifest's record as `previous`. Beacon's own
 *   block edited by hand (port 9999) is Beacon's and is simply re-applied; an [otel] table of the
 *   user's own that replaced it needs --force. No backup piles up (the reference product wrote a
 *   new backup of its own block on every repair).
 * - Collector: started when stopped, restarted when it runs with other settings than config.json
 *   or its log was deleted under it; a service is loaded again.
 */
import { stat } from 'node:fs/promises';
import { probeCollector } from '../collector/probe';
import { waitForCollector } from './collector-process';
import { defaultEndpointConfig, readEndpointConfig, writeEndpointConfig, type EndpointConfig } from './endpoint-config';
import { readManifest, writeManifest, type InstallManifest, type ManifestSettings } from './install-manifest';
import { collectorSettingsDiff, reconcileCollector, stopRecordedCollector } from './lifecycle-collector';
import { lifecycleContext, LifecycleError, lifecycleHarness, requireSystemPrivileges, serviceManagerFor, type LifecycleContext } from './lifecycle-context';
import { makeDirs, prepareSystemLogDir } from './lifecycle-files';
import { otelSettings } from './lifecycle-install';
import type { LifecycleStep } from './lifecycle-report';
import { serviceSpec } from './lifecycle-service-install';
import type { Harness } from '../shared/harness';
import type { Mode, PathEnv } from '../shared/paths';

export interface RepairOptions {
  mode: Mode;
  env?: PathEnv;
  /** The installed agent (the CLI resolves `--harness`); default: the one the manifest names. */
  harness?: Harness;
  /** Replace an [otel] table of the user's own that now sits where ours was. */
  force?: boolean;
}

export interface RepairReport {
  ok: boolean;
  mode: Mode;
  steps: LifecycleStep[];
  errors: string[];
  notes: string[];
  manifest: string;
}

/** The manifest's settings, with the collector settings a valid config.json now asks for. */
function adoptConfig(manifest: InstallManifest, cfg: EndpointConfig): { settings: ManifestSettings; changes: string[] } {
  const m = manifest.settings;
  const settings: ManifestSettings = { ...m, port: cfg.otlp_http_port, content: cfg.content, include_codex_spans: cfg.include_codex_spans, log_user_prompt: cfg.log_user_prompt };
  const changes: string[] = [];
  if (settings.port !== m.port) changes.push(`port ${m.port} -> ${settings.port}`);
  if (settings.content !== m.content) changes.push(`content ${m.content} -> ${settings.content}`);
  if (settings.include_codex_spans !== m.include_codex_spans) changes.push(`spans ${m.include_codex_spans ? 'kept' : 'dropped'} -> ${settings.include_codex_spans ? 'kept' : 'dropped'}`);
  if (settings.log_user_prompt !== m.log_user_prompt) changes.push(`prompt text ${m.log_user_prompt ? 'sent' : 'withheld'} -> ${settings.log_user_prompt ? 'sent' : 'withheld'}`);
  return { settings, changes };
}

export async function runRepair(opts: RepairOptions): Promise<RepairReport> {
  const ctx = lifecycleContext(opts.mode, opts.env ?? process.env);
  requireSystemPrivileges(ctx, 'repair');
  const manifest = await readManifest(ctx.paths.manifestFile);
  if (!manifest) throw new LifecycleError(`Beacon is not installed in ${ctx.mode} mode (no ${ctx.paths.manifestFile}); run \`beacon endpoint install${ctx.mode === 'system' ? ' --system' : ''}\``);
  const harness = lifecycleHarness(opts.harness, manifest, ctx.mode);
  const writer = harness.lifecycle.configWriter;
  const report: RepairReport = { ok: true, mode: ctx.mode, steps: [], errors: [], notes: [], manifest: ctx.paths.manifestFile };
  const failStep = (step: LifecycleStep, msg: string) => {
    report.ok = false;
    report.errors.push(msg);
    report.steps.push({ ...step, status: 'failed', detail: msg });
  };

  // Settings: a valid config.json wins (that is where a policy change is made).
  const cur = await readEndpointConfig(ctx.mode, ctx.env).catch(() => null);
  if (cur?.exists) {
    const { settings, changes } = adoptConfig(manifest, cur.config);
    if (changes.length) {
      manifest.settings = settings;
      report.steps.push({ action: 'apply_config', target: ctx.paths.configFile, status: 'done', detail: changes.join('; ') });
    }
  }
  const desired = otelSettings(manifest.settings);

  // Directories (the log dir may have been removed with the log).
  if (ctx.mode === 'system') await prepareSystemLogDir(ctx.paths.logDir, ctx.platform);
  const made = [...(await makeDirs(ctx.paths.baseDir, ctx.mode === 'system' ? 0o755 : 0o700)), ...(ctx.mode === 'user' ? await makeDirs(ctx.paths.logDir, 0o700) : [])];
  for (const d of made) report.steps.push({ action: 'create_dir', target: d, status: 'done' });

  // The agent's config files.
  const configureStep = `configure_${harness.id}`;
  for (const f of manifest.codex_files) {
    const r = await writer.applyRepair(f.path, desired, f.record, { force: !!opts.force, createMode: ctx.mode === 'system' ? 0o644 : 0o600, forceHint: `rerun \`beacon endpoint repair${ctx.mode === 'system' ? ' --system' : ''} --force\`` });
    if (r.outcome === 'refused') {
      failStep({ action: configureStep, target: f.path, status: 'failed' }, r.reason ?? `${f.path} could not be repaired`);
    } else if (r.outcome === 'unchanged') {
      report.steps.push({ action: configureStep, target: f.path, status: 'unchanged', detail: `the ${writer.settingsName} block is in place` });
    } else {
      if (r.record) f.record = r.record;
      report.notes.push(...r.notes);
      report.steps.push({ action: configureStep, target: f.path, status: 'done', detail: `re-applied Beacon's ${writer.settingsName} block` });
    }
  }

  // config.json back in line with the (possibly adopted) settings.
  const want: EndpointConfig = {
    ...defaultEndpointConfig(ctx.mode, ctx.env),
    ...(cur?.exists ? cur.config : {}),
    mode: ctx.mode,
    otlp_http_port: manifest.settings.port,
    runtime_log: manifest.runtime_log,
    include_codex_spans: manifest.settings.include_codex_spans,
    content: manifest.settings.content,
    log_user_prompt: manifest.settings.log_user_prompt,
  };
  if (!cur || !cur.exists || JSON.stringify(cur.config) !== JSON.stringify(want)) {
    await writeEndpointConfig(want, ctx.env);
    report.steps.push({ action: 'write_file', target: ctx.paths.configFile, status: 'done', detail: 'endpoint configuration restored' });
  }

  // The collector.
  if (manifest.service) await repairService(ctx, manifest, report, failStep);
  else {
    const probe = await probeCollector(manifest.settings.port);
    const logMissing = !(await stat(manifest.runtime_log).then(() => true, () => false));
    if (probe.kind === 'beacon' && logMissing && manifest.collector && probe.health.pid === manifest.collector.pid) {
      // The writer reopens a deleted log on its next write; restarting makes it exist right now.
      const s = await stopRecordedCollector(manifest.collector);
      if (s.kind === 'stopped') report.steps.push({ action: 'stop_collector', detail: `pid ${s.pid}: its log had been deleted`, status: 'done' });
    }
    const rc = await reconcileCollector(ctx, manifest, manifest.collector, 'repair');
    report.steps.push(...rc.steps);
    manifest.collector = rc.record;
    if (!rc.ok) failStep({ action: 'start_collector', target: `127.0.0.1:${manifest.settings.port}`, status: 'failed' }, rc.error ?? 'the collector could not be started');
    else if (rc.warning) {
      // Repair's job is that the collector runs as configured: one it may not restart is a failure.
      report.ok = false;
      report.errors.push(rc.warning);
    }
  }
  await writeManifest(ctx.paths.manifestFile, manifest);
  return report;
}

/** A service install: loaded and running with config.json's settings, else load it again. */
async function repairService(ctx: LifecycleContext, manifest: InstallManifest, report: RepairReport, failStep: (s: LifecycleStep, msg: string) => void): Promise<void> {
  const sm = serviceManagerFor(ctx);
  if (!sm) return failStep({ action: 'service', status: 'failed' }, `no service manager on ${ctx.platform} to run the ${manifest.service!.kind} service`);
  const st = await sm.status(ctx.mode);
  const wanted = { port: manifest.settings.port, runtime_log: manifest.runtime_log, content: manifest.settings.content, include_codex_spans: manifest.settings.include_codex_spans };
  const probe = await probeCollector(manifest.settings.port);
  const diff = probe.kind === 'beacon' ? collectorSettingsDiff(probe.health, wanted) : [];
  if (st.installed && st.running && probe.kind === 'beacon' && diff.length === 0) {
    report.steps.push({ action: 'service', target: st.file, status: 'unchanged', detail: `${st.kind} ${st.name} running (pid ${probe.health.pid})` });
    return;
  }
  const why = !st.installed ? 'its unit was missing' : !st.running ? 'it was not running' : diff.length ? `its collector ran with ${diff.join('; ')}` : 'no collector answered';
  try {
    await sm.install(serviceSpec(ctx));
  } catch (err) {
    return failStep({ action: 'service', target: st.file, status: 'failed' }, `the ${st.kind} service could not be loaded again: ${(err as Error).message}`);
  }
  const up = await waitForCollector(manifest.settings.port, 15_000, undefined, { accept: (h) => collectorSettingsDiff(h, wanted).length === 0 });
  if (up.kind !== 'beacon' || collectorSettingsDiff(up.health, wanted).length > 0) {
    return failStep({ action: 'service', target: st.file, status: 'failed' }, `the ${st.kind} service was loaded again (${why}) but its collector did not come up with config.json's settings within 15 s; see ${ctx.collectorOutput}`);
  }
  report.steps.push({ action: 'restart_service', target: st.file, status: 'done', detail: `${why}; collector pid ${up.health.pid}` });
}
