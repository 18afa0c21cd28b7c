/**
 * What every endpoint lifecycle command (install, uninstall, repair, status, doctor) needs to
 * know before it touches anything: the mode, where Beacon's and Codex's files are, which service
 * manager to talk to. Kept apart so the commands agree on paths and on the system-mode rules.
 */
import { join } from 'node:path';
import { DEFAULT_HARNESS, HARNESSES } from '../plugins/harnesses';
import type { Harness } from '../shared/harness';
import { beaconPaths, type BeaconPaths, type Mode, type PathEnv } from '../shared/paths';
import { serviceKind, ServiceManager, type ServiceKind } from './services/service-manager';
import { runnerFromEnv } from './lifecycle-service-runner';

export interface LifecycleContext {
  mode: Mode;
  env: PathEnv;
  platform: NodeJS.Platform;
  paths: BeaconPaths;
  /** Where a detached collector's stdout/stderr go. */
  collectorOutput: string;
}

/** A lifecycle failure the user can act on; the CLI prints it without a stack. */
export class LifecycleError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export function lifecycleContext(mode: Mode, env: PathEnv = process.env, platform: NodeJS.Platform = process.platform): LifecycleContext {
  const paths = beaconPaths(mode, env, platform);
  return {
    mode,
    env,
    platform,
    paths,
    collectorOutput: join(paths.logDir, 'collector.out.log'),
  };
}

/**
 * System mode writes /etc, /Library and /var/log: it needs root. BEACON_SYSTEM_ROOT (tests, the
 * pkg scripts' target volume) moves all of those under a directory, so root is not needed then.
 */
export function requireSystemPrivileges(ctx: LifecycleContext, verb: string): void {
  if (ctx.mode !== 'system') return;
  if (ctx.env.BEACON_SYSTEM_ROOT) return;
  if (process.getuid?.() === 0) return;
  throw new LifecycleError(`${verb} --system needs root: rerun with sudo, or leave out --system for the per-user install`);
}

/**
 * The harness a lifecycle command works on: the one its caller resolved (`--harness`), else the
 * one the install manifest names, else the default (Codex: manifests that name none are its).
 * One manifest per mode records one harness's files, and only that harness can read its records
 * back, so a command for another harness than the installed one is refused, not guessed at.
 */
export function lifecycleHarness(given: Harness | undefined, manifest: { harness?: string } | null, mode: Mode): Harness {
  const installedId = manifest ? manifest.harness ?? DEFAULT_HARNESS.id : undefined;
  const harness = given ?? (installedId === undefined ? DEFAULT_HARNESS : HARNESSES.find((h) => h.id === installedId));
  if (!harness) throw new LifecycleError(`the ${mode}-mode install is for the harness "${installedId}", which this Beacon does not know; run this command with the Beacon that installed it`);
  if (installedId !== undefined && installedId !== harness.id) {
    throw new LifecycleError(`Beacon is installed for ${installedId} in ${mode} mode, not ${harness.id}; run \`beacon endpoint uninstall${mode === 'system' ? ' --system' : ''}\` first`);
  }
  return harness;
}

/**
 * The service manager for this platform, talking through the runner chosen by the environment
 * (the real launchctl/systemctl, or the test-only recorder, see lifecycle-service-runner.ts).
 */
export function serviceKindFor(ctx: LifecycleContext): ServiceKind | undefined {
  const forced = ctx.env.BEACON_SERVICE_KIND; // test-only, with the recording runner: check launchd paths on Linux
  return forced === 'launchd' || forced === 'systemd' ? forced : serviceKind(ctx.platform);
}

export function serviceManagerFor(ctx: LifecycleContext): ServiceManager | undefined {
  const kind = serviceKindFor(ctx);
  if (!kind) return undefined;
  return new ServiceManager(runnerFromEnv(ctx.env), kind, ctx.env, process.getuid?.() ?? 0);
}
