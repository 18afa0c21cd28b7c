/**
 * `beacon endpoint repair`: bring a drifted install back to what the manifest says, touching only
 * what drifted. Config edited or block removed: re-apply our block with the manifest's record as
 * `previous`, so the record keeps the user's single original and no backup piles up (the
 * reference product wrote a new backup of its own block on every repair). Collector stopped:
 * start it. Log deleted under a running collector of ours: restart it so the file is there now.
 */
import { stat } from 'node:fs/promises';
import { applyInstall } from '../codex/config-apply';
import { probeCollector } from '../collector/probe';
import { defaultEndpointConfig, readEndpointConfig, writeEndpointConfig, type EndpointConfig } from './endpoint-config';
import { readManifest, writeManifest } from './install-manifest';
import { startCollectorFor, stopRecordedCollector } from './lifecycle-collector';
import { lifecycleContext, LifecycleError, requireSystemPrivileges, serviceManagerFor } from './lifecycle-context';
import { makeDirs, prepareSystemLogDir } from './lifecycle-files';
import { otelSettings, type LifecycleStep } from './lifecycle-install';
import type { Mode, PathEnv } from '../shared/paths';

export interface RepairOptions {
  mode: Mode;
  env?: PathEnv;
  /** Replace a foreign [otel] that now sits where ours was. */
  force?: boolean;
}

export interface RepairReport {
  ok: boolean;
  mode: Mode;
  steps: LifecycleStep[];
  errors: string[];
  manifest: string;
}

export async function runRepair(opts: RepairOptions): Promise<RepairReport> {
  const ctx = lifecycleContext(opts.mode, opts.env ?? process.env);
  requireSystemPrivileges(ctx, 'repair');
  const manifest = await readManifest(ctx.paths.manifestFile);
  if (!manifest) throw new LifecycleError(`Beacon is not installed in ${ctx.mode} mode (no ${ctx.paths.manifestFile}); run \`beacon endpoint install${ctx.mode === 'system' ? ' --system' : ''}\``);
  const report: RepairReport = { ok: true, mode: ctx.mode, steps: [], errors: [], manifest: ctx.paths.manifestFile };
  const desired = otelSettings(manifest.settings);

  // Directories (the log dir may have been removed with the log).
  if (ctx.mode === 'system') await prepareSystemLogDir(ctx.paths.logDir, ctx.platform);
  const made = [...(await makeDirs(ctx.paths.baseDir, ctx.mode === 'system' ? 0o755 : 0o700)), ...(ctx.mode === 'user' ? await makeDirs(ctx.paths.logDir, 0o700) : [])];
  for (const d of made) report.steps.push({ action: 'create_dir', target: d, status: 'done' });

  // Codex config files.
  for (const f of manifest.codex_files) {
    const r = await applyInstall(f.path, desired, { force: !!opts.force, previous: f.record, createMode: ctx.mode === 'system' ? 0o644 : 0o600 });
    if (r.outcome === 'refused') {
      report.ok = false;
      report.errors.push(r.reason ?? `${f.path} could not be repaired`);
      report.steps.push({ action: 'configure_codex', target: f.path, status: 'failed', detail: r.reason });
    } else if (r.outcome === 'unchanged') {
      report.steps.push({ action: 'configure_codex', target: f.path, status: 'unchanged', detail: 'the [otel] block is in place' });
    } else {
      if (r.record) f.record = r.record;
      report.steps.push({ action: 'configure_codex', target: f.path, status: 'done', detail: "re-applied Beacon's [otel] block" });
    }
  }

  // config.json back to the manifest's settings.
  const cur = await readEndpointConfig(ctx.mode, ctx.env).catch(() => null);
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
  if (manifest.service) {
    const sm = serviceManagerFor(ctx);
    const st = sm ? await sm.status(ctx.mode) : undefined;
    if (st && (!st.installed || !st.running)) {
      report.steps.push({ action: 'service', target: st.file, status: 'warning', detail: `the ${st.kind} service is ${st.installed ? 'not running' : 'missing'}; run \`beacon endpoint install --service${ctx.mode === 'system' ? ' --system' : ''}\` to reinstall it` });
    }
  } else {
    let probe = await probeCollector(manifest.settings.port);
    const logMissing = !(await stat(manifest.runtime_log).then(() => true, () => false));
    if (probe.kind === 'beacon' && logMissing && manifest.collector && probe.health.pid === manifest.collector.pid) {
      // The writer reopens a deleted log on its next write; restarting makes it exist right now.
      const s = await stopRecordedCollector(manifest.collector);
      if (s.kind === 'stopped') report.steps.push({ action: 'stop_collector', detail: `pid ${s.pid}: its log had been deleted`, status: 'done' });
      probe = await probeCollector(manifest.settings.port);
    }
    if (probe.kind === 'beacon' && probe.health.log_path === manifest.runtime_log) {
      report.steps.push({ action: 'start_collector', target: `127.0.0.1:${manifest.settings.port}`, status: 'unchanged', detail: `running (pid ${probe.health.pid})` });
    } else {
      try {
        const { result, record } = await startCollectorFor(ctx, manifest, 'repair', manifest.collector);
        manifest.collector = record;
        if (result.action === 'conflict') {
          report.ok = false;
          report.errors.push(result.message);
          report.steps.push({ action: 'start_collector', status: 'failed', detail: result.message });
        } else {
          report.steps.push({ action: 'start_collector', target: `127.0.0.1:${manifest.settings.port}`, status: 'done', detail: `pid ${result.health.pid}` });
        }
      } catch (err) {
        report.ok = false;
        report.errors.push((err as Error).message);
      }
    }
  }
  await writeManifest(ctx.paths.manifestFile, manifest);
  return report;
}
