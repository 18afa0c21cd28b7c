/**
 * Start `beacon endpoint run` as a detached background process and wait until it answers, or
 * find the one already running. Used by `endpoint install/repair` ("make sure a collector is
 * running") and by `ci start` (a collector that outlives the GitHub step).
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { probeCollector, type ProbeResult } from '../collector/probe';
import { COLLECTOR_NODE_FLAGS, COLLECTOR_PROCESS_ENV } from './collector-runtime-flags';
import type { CollectorHealth } from '../collector/collector';

/** Defined as true by action/build.mjs when the CLI is bundled into one file for the GitHub Action. */
declare const __BEACON_BUNDLE__: boolean | undefined;

/**
 * The CLI entry to run `endpoint run` with: the bundle itself in the GitHub Action's single-file
 * build; else the compiled entry next to us in out/, or out/ at the repo root when running from
 * sources (tests).
 */
export function cliEntry(): string {
  if (typeof __BEACON_BUNDLE__ !== 'undefined' && __BEACON_BUNDLE__) return __filename;
  const candidates = [join(__dirname, '../cli/index.js'), resolve(__dirname, '../../out/electron/cli/index.js'), resolve(__dirname, '../../../out/electron/cli/index.js')];
  for (const c of candidates) if (existsSync(c)) return c;
  throw new Error(`cannot find the compiled beacon CLI (looked in ${candidates.join(', ')}); run \`npm run build\``);
}

export interface SpawnCollectorOptions {
  port: number;
  logPath: string;
  mode?: 'user' | 'system';
  includeSpans?: boolean;
  content?: string;
  /** Where the detached process's stdout/stderr go (never the caller's terminal or CI step). */
  outputFile: string;
  env?: NodeJS.ProcessEnv;
  readyTimeoutMs?: number;
}

export type EnsureResult =
  | { action: 'already-running'; health: CollectorHealth }
  | { action: 'started'; health: CollectorHealth; pid: number }
  | { action: 'conflict'; message: string; health?: CollectorHealth };

export async function waitForCollector(port: number, timeoutMs: number, expectPid?: number, opts: { accept?: (h: CollectorHealth) => boolean; gone?: () => boolean } = {}): Promise<ProbeResult> {
  const deadline = Date.now() + timeoutMs;
  let last: ProbeResult = { kind: 'none' };
  while (Date.now() < deadline) {
    last = await probeCollector(port, 1000);
    if (last.kind === 'beacon' && (expectPid === undefined || last.health.pid === expectPid) && (!opts.accept || opts.accept(last.health))) return last;
    // A process that already exited will not answer later: stop waiting for it.
    if (opts.gone?.()) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}

/**
 * Why a collector that exited at start did so, in its own words: its last `beacon: ...` line (the
 * CLI's one-line error) in the output it wrote since `offset`, else its last line. Without this
 * the real cause (log directory not writable, log locked, port taken) stays in a file nobody opens.
 */
export function collectorStartupError(outputFile: string, offset: number): string | undefined {
  let text: string;
  try {
    const fd = openSync(outputFile, 'r');
    try {
      const buf = Buffer.alloc(64 * 1024);
      const n = readSync(fd, buf, 0, buf.length, offset);
      text = buf.subarray(0, n).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const own = lines.filter((l) => l.startsWith('beacon: ')).pop();
  return own ? own.slice('beacon: '.length) : lines.pop();
}

export async function spawnDetachedCollector(opts: SpawnCollectorOptions): Promise<{ pid: number; health: CollectorHealth }> {
  // The runtime flags go before the script: they are Node's, not the CLI's.
  const args = [...COLLECTOR_NODE_FLAGS, cliEntry(), 'endpoint', 'run', '--port', String(opts.port), '--log-path', opts.logPath];
  if (opts.mode === 'system') args.push('--system');
  if (opts.includeSpans) args.push('--include-codex-spans');
  if (opts.content) args.push('--content', opts.content);
  let fd: number;
  let offset = 0;
  try {
    mkdirSync(dirname(opts.outputFile), { recursive: true, mode: 0o700 });
    offset = existsSync(opts.outputFile) ? statSync(opts.outputFile).size : 0;
    fd = openSync(opts.outputFile, 'a', 0o600);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`cannot write the collector's output file ${opts.outputFile} (${e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : e.code ?? e.message}); fix the permissions of ${dirname(opts.outputFile)}`);
  }
  const env = { ...(opts.env ?? process.env), ...COLLECTOR_PROCESS_ENV };
  // Inside the app bundle the CLI runs on Electron's binary as plain Node.
  if (process.versions.electron) env.ELECTRON_RUN_AS_NODE = '1';
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', fd, fd], env });
  closeSync(fd);
  const pid = child.pid;
  let exited: string | undefined;
  child.on('exit', (code, signal) => {
    exited = `exited with ${signal ?? `code ${code}`}`;
  });
  child.unref();
  if (!pid) throw new Error('could not start the collector process');
  const probe = await waitForCollector(opts.port, opts.readyTimeoutMs ?? 10_000, pid, { gone: () => exited !== undefined });
  if (probe.kind !== 'beacon' || probe.health.pid !== pid) {
    const cause = exited ? collectorStartupError(opts.outputFile, offset) : undefined;
    if (!exited) {
      // Still starting after the timeout: do not leave an untracked process behind.
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
    }
    throw new Error(
      cause
        ? `the collector could not start: ${cause} (it ${exited})`
        : `the collector did not become ready on 127.0.0.1:${opts.port}${exited ? ` (it ${exited})` : ' within the time allowed; it was stopped'}; see ${opts.outputFile}`,
    );
  }
  return { pid, health: probe.health };
}

/** Make sure a Beacon collector writing `logPath` answers on `port`; start one if nothing does. */
export async function ensureCollector(opts: SpawnCollectorOptions): Promise<EnsureResult> {
  const probe = await probeCollector(opts.port);
  if (probe.kind === 'beacon') {
    if (resolve(probe.health.log_path) === resolve(opts.logPath)) return { action: 'already-running', health: probe.health };
    return {
      action: 'conflict',
      health: probe.health,
      message: `a Beacon collector (pid ${probe.health.pid}, ${probe.health.mode} mode) already listens on port ${opts.port} but writes ${probe.health.log_path}, not ${opts.logPath}`,
    };
  }
  if (probe.kind === 'other') {
    return { action: 'conflict', message: `port ${opts.port} on 127.0.0.1 is held by another program (${probe.detail}); choose another with --otlp-http-port` };
  }
  const started = await spawnDetachedCollector(opts);
  return { action: 'started', ...started };
}
