/**
 * Where Beacon keeps things, per mode (design.md section 4). One module so that the CLI, the
 * collector, the app and the pkg scripts agree; every function takes its environment as an
 * argument so tests can point it at a temporary HOME without touching the real one.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export const DEFAULT_OTLP_PORT = 4318;
export const DEFAULT_DASHBOARD_PORT = 8765;
export const LOOPBACK = '127.0.0.1';
export const COLLECTOR_SERVICE = 'beacon-collector';

export type Mode = 'user' | 'system';

export interface PathEnv {
  HOME?: string;
  CODEX_HOME?: string;
  BEACON_HOME?: string;
  BEACON_SYSTEM_ROOT?: string;
  [key: string]: string | undefined;
}

export interface BeaconPaths {
  mode: Mode;
  /** ~/.beacon/endpoint, or the system base dir */
  baseDir: string;
  configFile: string;
  manifestFile: string;
  backupsDir: string;
  logDir: string;
  runtimeLog: string;
  /** Health state of the collector writing runtimeLog, readable by other processes. */
  healthFile: string;
  stateDir: string;
}

function home(env: PathEnv): string {
  return env.HOME || homedir();
}

/**
 * System paths live under BEACON_SYSTEM_ROOT when set (tests and the pkg scripts' fake
 * target volume); otherwise at the real root.
 */
function sysRoot(env: PathEnv): string {
  return env.BEACON_SYSTEM_ROOT || '/';
}

export function beaconPaths(mode: Mode = 'user', env: PathEnv = process.env, platform: NodeJS.Platform = process.platform): BeaconPaths {
  if (mode === 'system') {
    const root = sysRoot(env);
    const baseDir = platform === 'darwin' ? join(root, 'Library/Application Support/Beacon/Endpoint') : join(root, 'etc/beacon/endpoint');
    const logDir = join(root, 'var/log/beacon-agent');
    return {
      mode,
      baseDir,
      configFile: join(baseDir, 'config.json'),
      manifestFile: join(baseDir, 'install-manifest.json'),
      backupsDir: join(baseDir, 'backups'),
      logDir,
      runtimeLog: join(logDir, 'runtime.jsonl'),
      healthFile: join(logDir, 'collector-health.json'),
      stateDir: join(baseDir, 'state'),
    };
  }
  const baseDir = env.BEACON_HOME || join(home(env), '.beacon', 'endpoint');
  const logDir = join(baseDir, 'logs');
  return {
    mode,
    baseDir,
    configFile: join(baseDir, 'config.json'),
    manifestFile: join(baseDir, 'install-manifest.json'),
    backupsDir: join(baseDir, 'backups'),
    logDir,
    runtimeLog: join(logDir, 'runtime.jsonl'),
    healthFile: join(logDir, 'collector-health.json'),
    stateDir: join(baseDir, 'state'),
  };
}

/** $CODEX_HOME, else ~/.codex (user mode); /etc/codex in system mode. */
export function codexHome(mode: Mode = 'user', env: PathEnv = process.env): string {
  if (mode === 'system') return join(sysRoot(env), 'etc/codex');
  return env.CODEX_HOME || join(home(env), '.codex');
}

/** The health file that belongs to a given runtime log (next to it), whatever the mode. */
export function healthFileFor(runtimeLog: string): string {
  return join(runtimeLog, '..', 'collector-health.json');
}

export function otlpUrl(port: number, signal: 'logs' | 'metrics' | 'traces'): string {
  // 127.0.0.1, never "localhost": localhost may resolve to ::1 while we listen on IPv4 only.
  return `http://${LOOPBACK}:${port}/v1/${signal}`;
}
