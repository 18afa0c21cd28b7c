/**
 * A user's machine in a temp dir for the CLI audit tests: HOME, CODEX_HOME with a config.toml of
 * the user's own, a Beacon config.json that points at a free port (so no command ever reaches
 * the real 4318), a runtime.jsonl with one event, and a snapshot of those files to prove a failed
 * command left them byte-identical. Cleanup stops any collector that answers on the sandbox's
 * ports (found by /healthz, never by process name) and removes the dir.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeCollector } from '../../electron/collector/probe';
import { runBeacon, type CliResult } from '../support/beacon-cli';
import { freePort, scrubbedEnv } from '../support/test-env';
export { freePort };


export const USER_TOML = '# my settings, keep them\nmodel = "o3"\n\n[tui]\nnotifications = true\n';
export const ONE_EVENT = JSON.stringify({ timestamp: '2026-01-01T00:00:00.000Z', vendor: 'beacon', event: { kind: 'agent_runtime', action: 'session.started', category: 'session' } }) + '\n';

export interface CliSandbox {
  root: string;
  home: string;
  codexToml: string;
  configJson: string;
  runtimeLog: string;
  port: number;
  env: NodeJS.ProcessEnv;
  beacon(args: string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  /** The user's files as they are now (missing = null). */
  snapshot(): Record<string, string | null>;
  usePort(port: number): void;
  cleanup(): Promise<void>;
}


export async function makeCliSandbox(opts: { toml?: string; withBeaconConfig?: boolean } = {}): Promise<CliSandbox> {
  const root = mkdtempSync(join(tmpdir(), 'beacon-cli-'));
  const home = join(root, 'home');
  const codexHome = join(home, '.codex');
  const beaconDir = join(home, '.beacon', 'endpoint');
  mkdirSync(codexHome, { recursive: true, mode: 0o700 });
  mkdirSync(join(beaconDir, 'logs'), { recursive: true, mode: 0o700 });
  const systemRoot = join(root, 'sysroot');
  mkdirSync(systemRoot);
  const port = await freePort();
  const ports = new Set([port]);
  const codexToml = join(codexHome, 'config.toml');
  const configJson = join(beaconDir, 'config.json');
  const runtimeLog = join(beaconDir, 'logs', 'runtime.jsonl');
  writeFileSync(codexToml, opts.toml ?? USER_TOML, { mode: 0o600 });
  if (opts.withBeaconConfig !== false) writeFileSync(configJson, JSON.stringify({ otlp_http_port: port, dashboard_port: 0 }, null, 2) + '\n', { mode: 0o600 });
  writeFileSync(runtimeLog, ONE_EVENT, { mode: 0o600 });
  const env: NodeJS.ProcessEnv = { ...scrubbedEnv(), HOME: home, CODEX_HOME: codexHome, BEACON_SYSTEM_ROOT: systemRoot };
  const files = [codexToml, configJson, runtimeLog];
  return {
    root,
    home,
    codexToml,
    configJson,
    runtimeLog,
    port,
    env,
    beacon: (args, extraEnv = {}) => runBeacon(args, { env: { ...env, ...extraEnv }, timeoutMs: 60_000 }),
    snapshot: () => Object.fromEntries(files.map((f) => [f, existsSync(f) ? readFileSync(f, 'latin1') : null])),
    usePort: (p) => ports.add(p),
    async cleanup() {
      for (const p of ports) {
        const probe = await probeCollector(p);
        // Only a collector writing inside this sandbox is ours to stop.
        if (probe.kind === 'beacon' && probe.health.log_path.startsWith(root)) {
          try {
            process.kill(probe.health.pid, 'SIGTERM');
          } catch {
            /* already gone */
          }
        }
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Every line of a usage/failure message: one line, `beacon: ...`, no stack trace. */
export function expectOneLineError(stderr: string): string {
  const lines = stderr.split('\n').filter((l) => l !== '');
  if (lines.length !== 1) throw new Error(`expected exactly one stderr line, got ${lines.length}:\n${stderr}`);
  if (!lines[0].startsWith('beacon: ')) throw new Error(`stderr does not start with "beacon: ": ${stderr}`);
  if (/\n\s+at |Error: .*\n\s+at /.test(stderr)) throw new Error(`stack trace on stderr: ${stderr}`);
  return lines[0];
}
