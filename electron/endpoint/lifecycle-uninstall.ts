/**
 * `beacon endpoint uninstall`: remove what install added and nothing else, from the manifest.
 * Each agent config file goes back through its harness's config writer (Codex: its [otel] becomes
 * what it was before the first install; Beacon's block goes even if someone edited it: its marker says so),
 * byte for byte when nothing else in the file changed since; otherwise the user's later edits
 * outside [otel] are kept and the output says so instead of "exact". Whatever cannot be undone
 * (our block edited by the user, a file that cannot be written, a collector that will not stop)
 * is listed in `left_behind` and makes the command fail, instead of printing success over it.
 */
import { lstat, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { lockPathFor } from '../log/log-lock';
import { expiredPath, listLogFiles } from '../log/rotation';
import { writeFileAtomic } from '../shared/atomic-write';
import { readManifest, removeManifest } from './install-manifest';
import { runStateFileFor } from '../posture/run-state';
import { stopRecordedCollector } from './lifecycle-collector';
import { lifecycleContext, lifecycleHarness, requireSystemPrivileges, serviceManagerFor } from './lifecycle-context';
import { removeDirsIfEmpty } from './lifecycle-files';
import type { Harness } from '../shared/harness';
import { healthFileFor, type Mode, type PathEnv } from '../shared/paths';

export interface UninstallOptions {
  mode: Mode;
  env?: PathEnv;
  /** The agent to unconfigure (the CLI resolves `--harness`); default: the installed one, else Codex. */
  harness?: Harness;
  keepLogs: boolean;
}

export interface UninstallReport {
  ok: boolean;
  mode: Mode;
  installed: boolean;
  /** What was undone, one line each. */
  done: string[];
  /** What is still there and why: the reason the command fails. */
  left_behind: { item: string; reason: string }[];
  notes: string[];
}

export async function runUninstall(opts: UninstallOptions): Promise<UninstallReport> {
  const ctx = lifecycleContext(opts.mode, opts.env ?? process.env);
  requireSystemPrivileges(ctx, 'uninstall');
  const report: UninstallReport = { ok: true, mode: ctx.mode, installed: false, done: [], left_behind: [], notes: [] };
  const leave = (item: string, reason: string) => report.left_behind.push({ item, reason });
  const manifest = await readManifest(ctx.paths.manifestFile);
  const harness = lifecycleHarness(opts.harness, manifest, ctx.mode);
  const writer = harness.lifecycle.configWriter;

  if (!manifest) {
    // No record of an install: only a block that is exactly Beacon's (marker included) is removed.
    report.notes.push(`no install manifest at ${ctx.paths.manifestFile}: Beacon is not installed in ${ctx.mode} mode; only an unmodified Beacon ${writer.settingsName} block is removed`);
    const r = await writer.applyUninstall(writer.mainConfig(ctx.mode, ctx.env).path, null);
    if (r.outcome === 'edited' || r.outcome === 'restored' || r.outcome === 'deleted') report.done.push(`removed Beacon's ${writer.settingsName} block from ${r.path}`);
    else if (r.outcome === 'conflict' || r.outcome === 'refused') leave(r.path, r.reason ?? r.outcome);
    report.ok = report.left_behind.length === 0;
    return report;
  }
  report.installed = true;

  // 1. The collector first: it holds the log open and would recreate it.
  const stop = await stopRecordedCollector(manifest.collector);
  if (stop.kind === 'stopped') report.done.push(`stopped the collector (pid ${stop.pid})`);
  else if (stop.kind === 'failed') leave(`collector pid ${manifest.collector?.pid}`, stop.message);
  else if (stop.kind === 'not-ours') report.notes.push(stop.message);

  // 2. The service.
  if (manifest.service) {
    const sm = serviceManagerFor(ctx);
    if (!sm) leave(manifest.service.file, 'no service manager on this platform to unload it');
    else {
      try {
        const r = await sm.uninstall(ctx.mode);
        report.done.push(`removed the ${manifest.service.kind} service ${manifest.service.name}${r.removed ? ` (${r.file})` : ''}`);
      } catch (err) {
        leave(manifest.service.file, (err as Error).message);
      }
    }
  }

  // 3. The agent's config files.
  for (const f of manifest.codex_files) {
    const r = await writer.applyUninstall(f.path, f.record);
    switch (r.outcome) {
      case 'restored':
        report.done.push(`restored ${r.path} to its exact content before install`);
        break;
      case 'deleted':
        report.done.push(`removed ${r.path} (install had created it)`);
        break;
      case 'edited': {
        report.done.push(`removed Beacon's ${writer.settingsName} block from ${r.path}${r.restoredUserSettings ? ` and put back your own ${writer.settingsName} from before install` : ''}, keeping your later edits elsewhere in the file`);
        break;
      }
      case 'unchanged':
        report.notes.push(r.reason ?? `${r.path}: nothing to undo`);
        break;
      default:
        leave(r.path, r.reason ?? r.outcome);
    }
    report.notes.push(...r.notes);
  }

  // 4. config.json: back to what was there, or gone.
  try {
    const cfgPath = manifest.endpoint_config.path;
    if (manifest.endpoint_config.before === null) {
      await rm(cfgPath, { force: true });
      report.done.push(`removed ${cfgPath}`);
    } else {
      await writeFileAtomic(cfgPath, manifest.endpoint_config.before);
      report.done.push(`restored ${cfgPath}`);
    }
  } catch (err) {
    leave(manifest.endpoint_config.path, (err as Error).message);
  }

  // 5. Logs (archives too: they hold prompt text), unless --keep-logs.
  if (!opts.keepLogs) {
    const logFiles = [...(await listLogFiles(manifest.runtime_log)), expiredPath(manifest.runtime_log), lockPathFor(manifest.runtime_log), healthFileFor(manifest.runtime_log), runStateFileFor(manifest.runtime_log), manifest.collector_output];
    let removed = 0;
    for (const f of logFiles) {
      try {
        const existed = await lstat(f).then(() => true, () => false);
        await rm(f, { force: true });
        if (existed) removed++;
      } catch (err) {
        leave(f, (err as Error).message);
      }
    }
    if (removed > 0) report.done.push(`removed ${removed} log file(s) (runtime log, archives, lock, health, run state, collector output) from ${join(manifest.runtime_log, '..')}`);
  } else {
    report.notes.push(`kept the runtime log ${manifest.runtime_log} and its archives, as asked`);
  }

  // 6. The manifest, then the directories install created (only if empty).
  await removeManifest(ctx.paths.manifestFile);
  const dirs = await removeDirsIfEmpty(manifest.created_dirs);
  for (const d of dirs.kept) report.notes.push(`kept ${d}: it is not empty (it holds files Beacon did not create, or kept logs)`);

  report.ok = report.left_behind.length === 0;
  return report;
}
