/**
 * `endpoint install --service` (and repair of a service install): write the LaunchAgent /
 * systemd unit that runs `beacon endpoint run`, load it, and wait until ITS collector answers
 * with the settings config.json asks for. The unit itself carries no settings (`endpoint run`
 * reads config.json at start), so a settings change means a restart, which `install` does.
 * Every change registers its undo with the install's InstallUndo.
 */
import { dirname } from 'node:path';
import { cliEntry, waitForCollector } from './collector-process';
import { collectorStartupError } from './collector-process';
import { COLLECTOR_NODE_FLAGS, COLLECTOR_PROCESS_ENV } from './collector-runtime-flags';
import type { InstallManifest } from './install-manifest';
import { collectorSettingsDiff, type WantedCollector } from './lifecycle-collector';
import { serviceKindFor, serviceManagerFor, type LifecycleContext } from './lifecycle-context';
import { makeDirs } from './lifecycle-files';
import type { LifecycleStep } from './lifecycle-report';
import type { InstallUndo } from './lifecycle-rollback';
import { writeFileAtomic } from '../shared/atomic-write';
import { serviceFile } from './services/service-manager';
import { LAUNCHD_LABEL, SYSTEMD_UNIT, launchdPlist, systemdUnit, type ServiceSpec } from './services/unit-files';
import { statSync } from 'node:fs';

/**
 * The argv of the collector the service runs: this very CLI, `endpoint run`, with the
 * collector's runtime flags between the executable and the script.
 */
export function serviceProgram(ctx: LifecycleContext): { args: string[]; env: Record<string, string> } {
  const args = [process.execPath, ...COLLECTOR_NODE_FLAGS, cliEntry(), 'endpoint', 'run'];
  if (ctx.mode === 'system') args.push('--system');
  const env: Record<string, string> = { ...COLLECTOR_PROCESS_ENV };
  if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
  if (ctx.mode === 'user' && ctx.env.HOME) env.HOME = ctx.env.HOME;
  if (ctx.env.BEACON_HOME) env.BEACON_HOME = ctx.env.BEACON_HOME;
  if (ctx.env.BEACON_SYSTEM_ROOT) env.BEACON_SYSTEM_ROOT = ctx.env.BEACON_SYSTEM_ROOT;
  return { args, env };
}

export function serviceSpec(ctx: LifecycleContext): ServiceSpec {
  const prog = serviceProgram(ctx);
  return { mode: ctx.mode, programArguments: prog.args, stdoutPath: ctx.collectorOutput, stderrPath: ctx.collectorOutput, env: prog.env };
}

export class ServiceInstallError extends Error {}

/**
 * Write (and with `start`, load and wait for) the service. Throws ServiceInstallError with the
 * real cause; the caller's undo puts the unit file back and unloads or restarts as it was.
 */
export async function installService(
  ctx: LifecycleContext,
  manifest: InstallManifest,
  previousService: InstallManifest['service'],
  start: boolean,
  undo: InstallUndo,
  steps: LifecycleStep[],
): Promise<void> {
  const sm = serviceManagerFor(ctx);
  const kind = serviceKindFor(ctx);
  if (!sm || !kind) throw new ServiceInstallError(`no supported service manager on ${ctx.platform}; install without --service (a background collector is started instead)`);
  const spec = serviceSpec(ctx);
  const file = serviceFile(kind, ctx.mode, ctx.env);
  undo.createdDirs(await makeDirs(dirname(file), 0o755));
  await undo.remember(file);
  if (!start) {
    // --no-start: the definition is written, nothing is loaded (the next login / boot, or a
    // later `install --service`, starts it).
    await writeFileAtomic(file, kind === 'launchd' ? launchdPlist(spec) : systemdUnit(spec), { mode: 0o644 });
    manifest.service = { kind, name: kind === 'launchd' ? LAUNCHD_LABEL[ctx.mode] : SYSTEMD_UNIT, file };
    steps.push({ action: 'write_unit', target: file, status: 'done', detail: 'not loaded (--no-start)' });
    return;
  }
  const offset = (() => {
    try {
      return statSync(ctx.collectorOutput).size;
    } catch {
      return 0;
    }
  })();
  // Undo: a service that did not exist before is unloaded; one that did is restarted on the
  // restored unit and config.json.
  if (previousService) undo.afterFiles(`restart the ${previousService.kind} service ${previousService.name}`, async () => void (await sm.install(spec)));
  else undo.onRollback(`unload the ${kind} service`, async () => void (await sm.uninstall(ctx.mode)));
  let st;
  try {
    st = await sm.install(spec);
  } catch (err) {
    throw new ServiceInstallError(`the service could not be installed: ${(err as Error).message}`);
  }
  manifest.service = { kind: st.kind, name: st.name, file: st.file };
  steps.push({ action: 'install_service', target: st.file, status: 'done', detail: `${st.kind} ${st.name}` });
  const wanted: WantedCollector = { port: manifest.settings.port, runtime_log: manifest.runtime_log, content: manifest.settings.content, include_codex_spans: manifest.settings.include_codex_spans };
  const probe = await waitForCollector(manifest.settings.port, 15_000, undefined, { accept: (h) => collectorSettingsDiff(h, wanted).length === 0 });
  if (probe.kind !== 'beacon' || collectorSettingsDiff(probe.health, wanted).length > 0) {
    const cause = collectorStartupError(ctx.collectorOutput, offset);
    const seen = probe.kind === 'beacon' ? `a collector answers but runs with ${collectorSettingsDiff(probe.health, wanted).join('; ')}` : probe.kind === 'other' ? `another program answers there (${probe.detail})` : 'nothing answers there';
    throw new ServiceInstallError(`the ${st.kind} service was loaded but its collector did not come up on 127.0.0.1:${manifest.settings.port} within 15 s (${seen})${cause ? `: ${cause}` : `; see ${ctx.collectorOutput}`}`);
  }
  steps.push({ action: 'start_collector', target: `127.0.0.1:${manifest.settings.port}`, status: 'done', detail: `the service's collector answers (pid ${probe.health.pid})` });
}
