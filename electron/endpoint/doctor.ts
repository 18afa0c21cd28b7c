/**
 * `beacon endpoint doctor [--fix]`: the status checks, plus the safe fixes. Safe means: start the
 * collector, re-apply Beacon's own [otel] block where the manifest says it is ours (also when it
 * was edited by hand; never over an [otel] table of the user's own: the editor refuses without
 * --force and doctor never passes it, it names `repair --force` instead), restart a collector
 * Beacon manages that runs with other settings than config.json, create a missing log
 * directory. Everything else is reported with the exact command to run.
 * Exit codes (the CLI): 0 ok or warnings only, 1 a check failed, 2 usage.
 */
import { readManifest, writeManifest } from './install-manifest';
import { startCollectorFor } from './lifecycle-collector';
import { lifecycleContext, lifecycleHarness } from './lifecycle-context';
import { makeDirs, prepareSystemLogDir } from './lifecycle-files';
import { otelSettings } from './lifecycle-install';
import { runRepair } from './lifecycle-repair';
import { computeStatus, type CheckStatus, type EndpointStatus, type FixKind, type StatusCheck, type StatusOptions } from './status';

export interface DoctorFix {
  check: string;
  fix: FixKind;
  result: 'applied' | 'skipped' | 'failed';
  message: string;
}

export interface DoctorReport {
  status: CheckStatus;
  summary: string;
  checks: StatusCheck[];
  fixes: DoctorFix[];
  generated_at: string;
  /** The status the checks were computed from (after fixes, with --fix). */
  endpoint: EndpointStatus;
}

function summarize(checks: StatusCheck[]): { status: CheckStatus; summary: string } {
  const f = checks.filter((c) => c.status === 'fail').length;
  const w = checks.filter((c) => c.status === 'warn').length;
  return { status: f ? 'fail' : w ? 'warn' : 'ok', summary: `${f} failure(s), ${w} warning(s)` };
}

async function applyFix(kind: FixKind, s: EndpointStatus, opts: StatusOptions): Promise<{ result: DoctorFix['result']; message: string }> {
  const mode = s.mode;
  const ctx = lifecycleContext(mode, opts.env ?? process.env);
  const manifest = await readManifest(ctx.paths.manifestFile);
  switch (kind) {
    case 'create-log-dir': {
      const made = mode === 'system' ? (await prepareSystemLogDir(ctx.paths.logDir)).created : await makeDirs(ctx.paths.logDir, 0o700);
      return { result: 'applied', message: made.length ? `created ${made.join(', ')}` : `${ctx.paths.logDir} exists` };
    }
    case 'start-collector': {
      if (manifest) {
        const { result, record } = await startCollectorFor(ctx, manifest, 'doctor', manifest.collector);
        if (result.action === 'conflict') return { result: 'failed', message: result.message };
        manifest.collector = record;
        await writeManifest(ctx.paths.manifestFile, manifest);
        return { result: 'applied', message: `collector ${result.action === 'started' ? 'started' : 'already running'} (pid ${result.health.pid})` };
      }
      // Not installed: a collector started here would be recorded nowhere, so uninstall could
      // never stop it. Say what to run instead of leaving an untracked background process.
      return { result: 'skipped', message: 'Beacon is not installed, so doctor starts no background collector: run `beacon endpoint install` (or open the Beacon app, or `beacon endpoint run` in a terminal)' };
    }
    case 'repair-codex-config': {
      const entry = manifest?.codex_files.find((f) => f.path === s.codex.config_path);
      if (!manifest || !entry) return { result: 'skipped', message: `${s.codex.config_path} is not recorded as Beacon's; run \`beacon endpoint install\`` };
      const sys = mode === 'system' ? ' --system' : '';
      const writer = lifecycleHarness(opts.harness, manifest, mode).lifecycle.configWriter;
      const r = await writer.applyRepair(entry.path, otelSettings(manifest.settings), entry.record, { force: false, forceHint: `run \`beacon endpoint repair${sys} --force\`` });
      if (r.outcome === 'refused') return { result: 'skipped', message: `${r.reason ?? 'refused'} (doctor --fix never replaces an ${writer.settingsName} table of yours)` };
      if (r.record) entry.record = r.record;
      await writeManifest(ctx.paths.manifestFile, manifest);
      return { result: 'applied', message: r.outcome === 'unchanged' ? `${entry.path} already has Beacon's block` : `re-applied Beacon's ${writer.settingsName} block in ${entry.path}` };
    }
    case 'restart-collector': {
      // The collector runs with other settings than config.json: repair applies them (it
      // restarts only a collector Beacon manages, and says so otherwise).
      if (!manifest) return { result: 'skipped', message: 'Beacon is not installed, so doctor restarts nothing: run `beacon endpoint install`' };
      const r = await runRepair({ mode, env: opts.env, harness: opts.harness });
      const did = r.steps.filter((x) => x.status === 'done').map((x) => `${x.action}${x.detail ? ` (${x.detail})` : ''}`);
      return r.ok ? { result: 'applied', message: did.length ? did.join('; ') : 'nothing needed restarting' } : { result: 'failed', message: r.errors[0] ?? 'repair failed' };
    }
  }
}

export async function runDoctor(opts: StatusOptions & { fix?: boolean } = {}): Promise<DoctorReport> {
  let status = await computeStatus(opts);
  const fixes: DoctorFix[] = [];
  if (opts.fix) {
    // One fix per kind, in a safe order: directories, config, then the collector.
    const order: FixKind[] = ['create-log-dir', 'repair-codex-config', 'start-collector', 'restart-collector'];
    const wanted = status.checks.filter((c) => c.status !== 'ok' && c.fix);
    for (const kind of order) {
      const check = wanted.find((c) => c.fix === kind);
      if (!check) continue;
      try {
        const r = await applyFix(kind, status, opts);
        fixes.push({ check: check.id, fix: kind, ...r });
      } catch (err) {
        fixes.push({ check: check.id, fix: kind, result: 'failed', message: (err as Error).message });
      }
    }
    if (fixes.length) status = await computeStatus(opts);
  }
  const sum = summarize(status.checks);
  return { ...sum, checks: status.checks, fixes, generated_at: status.generated_at, endpoint: status };
}

export function formatDoctor(r: DoctorReport): string {
  const mark = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' } as const;
  const L = [`Beacon endpoint doctor: ${r.status} (${r.summary})`];
  for (const c of r.checks) L.push(`${mark[c.status]} ${c.id}: ${c.message}${c.status !== 'ok' && c.action ? `\n     -> ${c.action}` : ''}`);
  if (r.fixes.length) {
    L.push('Fixes:');
    for (const f of r.fixes) L.push(`  ${f.result} ${f.fix} (${f.check}): ${f.message}`);
  }
  if (r.status === 'ok') L.push('All endpoint health checks passed.');
  return L.join('\n') + '\n';
}
