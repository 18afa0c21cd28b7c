/**
 * `beacon ci start`: provision one CI run's telemetry capture.
 *  - a run directory and a temporary CODEX_HOME whose config.toml is only [otel] (ci-codex-home.ts)
 *  - a detached collector on a free loopback port that outlives the GitHub step: spawned without
 *    RUNNER_TRACKING_ID (GitHub kills processes carrying the step's id when the step ends) and
 *    with its output in a file (nothing writes into the step's log after we return)
 *  - the state file for `ci finish`
 *  - CODEX_HOME, BEACON_CI_* and OTEL_RESOURCE_ATTRIBUTES (the run context) for later steps
 *    ($GITHUB_ENV), and codex-home / log-path / state-path as step outputs ($GITHUB_OUTPUT).
 * A second `ci start` in the same run directory reuses a collector that is still running.
 */
import { existsSync, rmSync } from 'node:fs';
import { spawnDetachedCollector } from '../endpoint/collector-process';
import { probeCollector } from '../collector/probe';
import { resolve } from 'node:path';
import { ciPathsIn, resolveRunDir, type CiPaths } from './ci-paths';
import { resolveHarness } from '../plugins/harnesses';
import { CI_STATE_VERSION, readCiState, writeCiState, type CiState } from './ci-state';
import { pickFreePort } from '../endpoint/free-port';
import { detectRunContext, resourceAttributes } from './run-context';
import { appendGithubFile } from './github-files';
import { isProcessAlive, stopCollectorProcess } from './collector-stop';
import type { ContentPolicy } from '../shared/event';

export interface StartOptions {
  env: NodeJS.ProcessEnv;
  /** Fixed OTLP port; default: a free one. */
  port?: number;
  runDir?: string;
  includeSpans?: boolean;
  content?: ContentPolicy;
  readyTimeoutMs?: number;
  /** Append the exports to $GITHUB_ENV (`ci start`); `ci exec` passes them to its child only. */
  exportToGithubEnv: boolean;
}

export interface StartResult {
  state: CiState;
  paths: CiPaths;
  /** A collector from an earlier `ci start` of this run was still running and is reused. */
  reused: boolean;
  githubEnvWritten: boolean;
  githubOutputWritten: boolean;
}

/** The state of a still-running collector of an earlier `ci start` in this run dir, if any. */
async function runningSession(paths: CiPaths): Promise<CiState | undefined> {
  if (!existsSync(paths.statePath)) return undefined;
  let state: CiState;
  try {
    state = readCiState(paths.statePath);
  } catch {
    return undefined; // unreadable leftovers are replaced
  }
  if (!isProcessAlive(state.pid)) return undefined;
  const probe = await probeCollector(state.port);
  if (probe.kind === 'beacon' && probe.health.pid === state.pid && resolve(probe.health.log_path) === resolve(paths.logPath)) return state;
  return undefined;
}

function collectorEnv(env: NodeJS.ProcessEnv, codexHome: string): NodeJS.ProcessEnv {
  // The run's Codex writes its session records under the CI home: that is where the collector
  // finds each session's working directory (electron/codex/session-meta.ts).
  const out: NodeJS.ProcessEnv = { ...env, CODEX_HOME: codexHome };
  // GitHub's runner kills every process that carries the step's tracking id when the step ends.
  delete out.RUNNER_TRACKING_ID;
  return out;
}

function exportsFor(state: Pick<CiState, 'codex_home' | 'run_dir' | 'log_path' | 'state_path' | 'port' | 'run'>, env: NodeJS.ProcessEnv): Record<string, string> {
  const ex: Record<string, string> = {
    CODEX_HOME: state.codex_home,
    BEACON_CI_RUN_DIR: state.run_dir,
    BEACON_CI_LOG_PATH: state.log_path,
    BEACON_CI_STATE_PATH: state.state_path,
    BEACON_CI_PORT: String(state.port),
    OTEL_RESOURCE_ATTRIBUTES: resourceAttributes(state.run, env.OTEL_RESOURCE_ATTRIBUTES),
  };
  // Codex honours HTTP(S)_PROXY; a runner behind a proxy would send loopback telemetry to it.
  if (env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy) {
    const current = (env.NO_PROXY ?? env.no_proxy ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    for (const h of ['127.0.0.1', 'localhost', '::1']) if (!current.includes(h)) current.push(h);
    ex.NO_PROXY = current.join(',');
    ex.no_proxy = ex.NO_PROXY;
  }
  return ex;
}

async function spawnOnFreePort(paths: CiPaths, opts: StartOptions): Promise<{ pid: number; port: number }> {
  // A picked port can be taken between picking and binding: try a few before giving up.
  const attempts = opts.port ? 1 : 3;
  let lastErr: unknown;
  for (let i = 0; i < attempts; i++) {
    const port = opts.port ?? (await pickFreePort());
    try {
      const { pid } = await spawnDetachedCollector({
        port,
        logPath: paths.logPath,
        mode: 'user',
        includeSpans: opts.includeSpans,
        content: opts.content,
        outputFile: paths.collectorOutput,
        env: collectorEnv(opts.env, paths.codexHome),
        readyTimeoutMs: opts.readyTimeoutMs ?? 15_000,
      });
      return { pid, port };
    } catch (err) {
      lastErr = err;
    }
  }
  throw lastErr;
}

export async function startCiSession(opts: StartOptions): Promise<StartResult> {
  const paths = ciPathsIn(resolveRunDir(opts.env, opts.runDir));
  const previous = await runningSession(paths);
  let state: CiState;
  if (previous) {
    state = previous;
  } else {
    const startedAt = new Date().toISOString();
    const { pid, port } = await spawnOnFreePort(paths, opts);
    const base = { codex_home: paths.codexHome, run_dir: paths.runDir, log_path: paths.logPath, state_path: paths.statePath, port, run: detectRunContext(opts.env) };
    state = {
      version: CI_STATE_VERSION,
      harness: 'codex',
      pid,
      collector_output: paths.collectorOutput,
      started_at: startedAt,
      ...base,
      exports: exportsFor(base, opts.env),
    };
  }
  try {
    // Always (re)written: an earlier agent step may have appended its own provider config, and a
    // second openai/codex-action run on the same file would fail on the duplicate keys.
    resolveHarness(state.harness).lifecycle.writeCiHome(paths.codexHome, state.port, { includeSpans: opts.includeSpans ?? false });
    writeCiState(state);
    const githubEnvWritten = opts.exportToGithubEnv ? appendGithubFile(opts.env.GITHUB_ENV, state.exports) : false;
    const githubOutputWritten = appendGithubFile(opts.env.GITHUB_OUTPUT, {
      'codex-home': state.codex_home,
      'log-path': state.log_path,
      'state-path': state.state_path,
      'run-dir': state.run_dir,
    });
    return { state, paths, reused: Boolean(previous), githubEnvWritten, githubOutputWritten };
  } catch (err) {
    // Half a session is worse than none: a later finish would wait on a collector nobody uses.
    if (!previous) {
      await stopCollectorProcess(state.pid, 5000);
      rmSync(paths.statePath, { force: true });
    }
    throw err;
  }
}
