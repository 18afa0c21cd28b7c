/**
 * Which Codex releases `npm run compat` runs, and getting each one onto disk: `npm install` into
 * a cache directory OUTSIDE the repository (one directory per release, reused on later runs), so
 * the repo's own node_modules and lockfile never change and a second run costs no download.
 *
 * Old releases ship every platform's binary inside the one package (0.98 and earlier, about
 * 250 MB installed); newer ones pull just the host's build as an optional dependency. Both install
 * the same way with npm, which is why this goes through npm rather than fetching tarballs itself.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The default list: both ends of research/field-2026-12.md section 1 and each behaviour change in
 * between (0.42 has no OTLP; 0.44 is the first with [otel] + otlp-http + protocol; 0.44-0.58 need
 * `headers`; 0.60.1-0.77 offer no exec_command/freeform apply_patch to an unknown model; 0.99 is
 * the first split into platform packages; 0.101 changed the telemetry scope; 0.169.0 is the
 * release `npm test` pins).
 */
export const DEFAULT_RELEASES: readonly string[] = [
  '0.42.0', '0.44.0', '0.50.0', '0.58.0', '0.60.1', '0.64.0', '0.77.0', '0.80.0', '0.90.0', '0.101.0', '0.118.0', '0.137.0', '0.145.0', '0.160.0', '0.169.0', '0.171.0',
];

export const DEFAULT_CACHE_DIR = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'beacon-compat');

const VERSION_RE = /^\d+\.\d+\.\d+$/;

export function checkRelease(v: string): string {
  if (!VERSION_RE.test(v)) throw new Error(`not a Codex release version: "${v}" (expected e.g. 0.50.0)`);
  return v;
}

/** Numeric order of x.y.z versions. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

function run(cmd: string, args: string[], cwd: string, timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, timeout: timeoutMs, maxBuffer: 32 << 20, env: { ...process.env, npm_config_update_notifier: 'false' } }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

export interface InstalledRelease {
  version: string;
  /** The npm launcher (bin/codex.js); it picks the host's native binary. */
  bin: string;
  /** true when it was already in the cache. */
  cached: boolean;
}

function launcherOf(dir: string): string {
  return join(dir, 'node_modules', '@openai', 'codex', 'bin', 'codex.js');
}

/** `codex --version` of a launcher, or null when it does not run (half-installed, wrong platform). */
async function versionOf(bin: string, cwd: string): Promise<string | null> {
  if (!existsSync(bin)) return null;
  const r = await run(process.execPath, [bin, '--version'], cwd, 30_000);
  const m = /(\d+\.\d+\.\d+)/.exec(r.stdout);
  return r.code === 0 && m ? m[1] : null;
}

/**
 * Make `version` runnable from the cache: reuse it when its binary answers `--version` with that
 * version, else `npm install` it (a failed or interrupted install is simply redone).
 */
export async function installRelease(version: string, cacheDir: string, log: (m: string) => void): Promise<InstalledRelease> {
  const dir = join(cacheDir, version);
  const bin = launcherOf(dir);
  if ((await versionOf(bin, dir)) === version) return { version, bin, cached: true };
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `beacon-compat-codex-${version}`, private: true, dependencies: { '@openai/codex': version } }, null, 2) + '\n');
  log(`installing @openai/codex@${version} into ${dir} (npm)`);
  const r = await run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--loglevel=error'], dir, 15 * 60_000);
  if (r.code !== 0) throw new Error(`npm install @openai/codex@${version} failed: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  const got = await versionOf(bin, dir);
  if (got !== version) throw new Error(`@openai/codex@${version} installed but its binary does not run here (--version answered ${got ?? 'nothing'})`);
  return { version, bin, cached: false };
}

/**
 * npm's publish time of each version. The registry re-stamps old releases when they are
 * re-published, so a stamp only ever moves LATER than the real release: the earliest stamp of
 * this version or any later one is an upper bound of when it came out ("no later than").
 */
export function noLaterThan(times: Record<string, string>, versions: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  const stamped = Object.entries(times).filter(([v]) => VERSION_RE.test(v));
  for (const v of versions) {
    let min: string | undefined;
    for (const [other, t] of stamped) if (compareVersions(other, v) >= 0 && (min === undefined || t < min)) min = t;
    if (min) out.set(v, min.slice(0, 10));
  }
  return out;
}

/** noLaterThan() over the registry's `time` document (one lookup); empty when it does not answer. */
export async function publishedNoLaterThan(versions: readonly string[], cacheDir: string): Promise<Map<string, string>> {
  const r = await run('npm', ['view', '@openai/codex', 'time', '--json'], cacheDir, 60_000);
  if (r.code !== 0) return new Map();
  try {
    return noLaterThan(JSON.parse(r.stdout) as Record<string, string>, versions);
  } catch {
    return new Map();
  }
}

/** Versions the registry really has (so a typo fails before anything is installed). */
export async function registryVersions(cacheDir: string): Promise<Set<string> | null> {
  const r = await run('npm', ['view', '@openai/codex', 'versions', '--json'], cacheDir, 60_000);
  if (r.code !== 0) return null;
  try {
    return new Set(JSON.parse(r.stdout) as string[]);
  } catch {
    return null;
  }
}
