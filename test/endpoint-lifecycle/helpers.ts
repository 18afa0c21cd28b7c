/**
 * Shared by the endpoint lifecycle tests: a sandbox per test (temporary HOME, CODEX_HOME and
 * BEACON_SYSTEM_ROOT, a free port) and a cleanup that stops every collector the sandbox's CLI
 * runs started, found by asking /healthz on the ports the test used (never by process name).
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeCollector } from '../../electron/collector/probe';
import { pidAlive } from '../../electron/log/log-lock';
import { runBeacon, type CliResult } from '../support/beacon-cli';
import { freePort, scrubbedEnv } from '../support/test-env';
export { freePort };


export interface Sandbox {
  root: string;
  home: string;
  codexHome: string;
  systemRoot: string;
  port: number;
  env: NodeJS.ProcessEnv;
  /** The user-mode Beacon paths inside the sandbox. */
  beaconDir: string;
  userLog: string;
  manifest: string;
  /** Run the built CLI in this sandbox. */
  beacon(args: string[], extraEnv?: Record<string, string>): Promise<CliResult>;
  /** Remember another port to sweep at cleanup. */
  usePort(port: number): void;
  cleanup(): Promise<void>;
}


export async function makeSandbox(opts: { codexHome?: string; createCodexHome?: boolean; config?: string } = {}): Promise<Sandbox> {
  const root = mkdtempSync(join(tmpdir(), 'beacon-lifecycle-'));
  const home = join(root, 'home');
  mkdirSync(home, { mode: 0o700 });
  const codexHome = opts.codexHome ?? join(home, '.codex');
  if (!opts.codexHome && opts.createCodexHome !== false) {
    mkdirSync(codexHome, { mode: 0o700 });
    if (opts.config !== undefined) writeFileSync(join(codexHome, 'config.toml'), opts.config, { mode: 0o600 });
  }
  const systemRoot = join(root, 'sysroot');
  mkdirSync(systemRoot);
  const port = await freePort();
  const ports = new Set([port]);
  const env: NodeJS.ProcessEnv = { ...scrubbedEnv(), HOME: home, CODEX_HOME: codexHome, BEACON_SYSTEM_ROOT: systemRoot };
  const beaconDir = join(home, '.beacon', 'endpoint');
  return {
    root,
    home,
    codexHome,
    systemRoot,
    port,
    env,
    beaconDir,
    userLog: join(beaconDir, 'logs', 'runtime.jsonl'),
    manifest: join(beaconDir, 'install-manifest.json'),
    beacon: (args, extraEnv = {}) => runBeacon(args, { env: { ...env, ...extraEnv }, timeoutMs: 60_000 }),
    usePort: (p) => ports.add(p),
    async cleanup() {
      for (const p of ports) await stopCollectorOn(p, root);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Stop the Beacon collector on `port` if it writes under `root` (so only this test's). */
export async function stopCollectorOn(port: number, root: string): Promise<void> {
  const probe = await probeCollector(port, 1000);
  if (probe.kind !== 'beacon' || !probe.health.log_path.startsWith(root)) return;
  const pid = probe.health.pid;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + 10_000;
  while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (pidAlive(pid)) process.kill(pid, 'SIGKILL');
}

/** Every file and directory under `dir` with its mode and content hash: compare before/after. */
export function snapshotTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) {
        out[p] = `dir ${(st.mode & 0o7777).toString(8)}`;
        walk(p);
      } else {
        out[p] = `file ${(st.mode & 0o7777).toString(8)} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

export function readJson<T = Record<string, any>>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export function parseJsonOut<T = Record<string, any>>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
}

export function countOtelTables(text: string): number {
  return text.split('\n').filter((l) => l.trim() === '[otel]').length;
}
