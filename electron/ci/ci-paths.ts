/**
 * Where one CI run keeps its files. On GitHub Actions that is $RUNNER_TEMP/beacon: the runner
 * empties RUNNER_TEMP at the end of every job, and every step of the job (start, the agent,
 * finish) sees the same directory. Elsewhere a fresh private temporary directory.
 *
 *   <run>/state.json         what `ci finish` needs: pid, port, paths, started_at, run context
 *   <run>/codex-home/        CODEX_HOME for the agent step (config.toml with only [otel])
 *   <run>/logs/runtime.jsonl the events (0600 in a 0700 dir, the writer's defaults)
 *   <run>/collector.out      the detached collector's stdout/stderr (never the step's output)
 *   <run>/summary.json|.md   written by `ci finish`
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export interface CiPaths {
  runDir: string;
  statePath: string;
  codexHome: string;
  logPath: string;
  collectorOutput: string;
  summaryJson: string;
  summaryMarkdown: string;
}

export function ciPathsIn(runDir: string): CiPaths {
  const dir = resolve(runDir);
  return {
    runDir: dir,
    statePath: join(dir, 'state.json'),
    codexHome: join(dir, 'codex-home'),
    logPath: join(dir, 'logs', 'runtime.jsonl'),
    collectorOutput: join(dir, 'collector.out'),
    summaryJson: join(dir, 'summary.json'),
    summaryMarkdown: join(dir, 'summary.md'),
  };
}

/**
 * The run directory for `ci start`: --run-dir, else $RUNNER_TEMP/beacon, else a new temp dir.
 * 0755, not 0700: an agent action may run Codex as another user (openai/codex-action's
 * unprivileged-user strategy) and must reach codex-home; the log itself stays private.
 */
export function resolveRunDir(env: NodeJS.ProcessEnv, override?: string): string {
  if (override) {
    mkdirSync(override, { recursive: true, mode: 0o755 });
    return resolve(override);
  }
  if (env.RUNNER_TEMP) {
    const dir = join(env.RUNNER_TEMP, 'beacon');
    mkdirSync(dir, { recursive: true, mode: 0o755 });
    return dir;
  }
  return mkdtempSync(join(tmpdir(), 'beacon-ci-'));
}

/** Where `ci finish` looks for the state when --state is not given. */
export function defaultStatePath(env: NodeJS.ProcessEnv): string | undefined {
  if (env.BEACON_CI_STATE_PATH) return env.BEACON_CI_STATE_PATH;
  if (env.RUNNER_TEMP) return ciPathsIn(join(env.RUNNER_TEMP, 'beacon')).statePath;
  return undefined;
}
