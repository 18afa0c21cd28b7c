/**
 * What every endpoint lifecycle command (install, uninstall, repair, status, doctor) needs to
 * know before it touches anything: the mode, where Beacon's and Codex's files are, which service
 * manager to talk to. Kept apart so the commands agree on paths and on the system-mode rules.
 */
import { join } from 'node:path';
import { beaconPaths, codexHome, type BeaconPaths, type Mode, type PathEnv } from '../shared/paths';
import { serviceKind, ServiceManager, type ServiceKind } from './services/service-manager';
import { runnerFromEnv } from './lifecycle-service-runner';

export interface LifecycleContext {
  mode: Mode;
  env: PathEnv;
  platform: NodeJS.Platform;
  paths: BeaconPaths;
  /** $CODEX_HOME (user) or /etc/codex (system), under BEACON_SYSTEM_ROOT in tests. */
  codexHome: string;
  /** Root of the system paths (BEACON_SYSTEM_ROOT or /), for /etc/codex overrides. */
  systemRoot: string;
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
    codexHome: codexHome(mode, env),
    systemRoot: env.BEACON_SYSTEM_ROOT || '/',
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

/** The Codex config file Beacon edits: the user's config.toml, /etc/codex/config.toml, or requirements.toml (--enforce). */
export function codexTargetFile(ctx: LifecycleContext, enforce = false): string {
  if (ctx.mode === 'system' && enforce) return join(ctx.codexHome, 'requirements.toml');
  return join(ctx.codexHome, 'config.toml');
}

/** System-wide Codex layers that can override or stand in for a user's [otel] (codex-otel.md 4.2). */
export function systemCodexFiles(ctx: LifecycleContext): { requirements: string; managed: string; config: string } {
  const dir = join(ctx.systemRoot, 'etc/codex');
  return { requirements: join(dir, 'requirements.toml'), managed: join(dir, 'managed_config.toml'), config: join(dir, 'config.toml') };
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
