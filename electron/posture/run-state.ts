/**
 * `collector-state.json` next to the runtime log: did the last collector on this log stop
 * cleanly? Written at start (pid, started_at) and at a clean stop (stopped_at); a start that
 * finds no stopped_at knows the previous run died (SIGKILL, a crash, power loss). It also keeps
 * the last tamper state reported, so a restart does not report the same tamper again.
 *
 * "Last known alive" comes from the writer's health file (collector-health.json, which it
 * refreshes at most every 10 s while events flow): read BEFORE the new collector's writer
 * replaces it, so the caller reads the previous run first (readPreviousRun) and starts after.
 */
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { readHealthState } from '../log/health-state';
import { pidAlive } from '../log/log-lock';
import { writeFileAtomic } from '../shared/atomic-write';
import type { TelemetryConfigState } from '../shared/harness';
import { healthFileFor } from '../shared/paths';

export interface RunState {
  pid: number;
  hostname: string;
  version: string;
  started_at: string;
  stopped_at?: string;
  /** The last telemetry-config state reported (tamper events fire on changes only). */
  telemetry?: { state: TelemetryConfigState; detail: string };
}

export interface PreviousRun {
  state?: RunState;
  /** The previous run ended without a clean stop. */
  died: boolean;
  pid?: number;
  started_at?: string;
  /** The last time it was seen alive (health file updates, last write, its start), if known. */
  last_alive_at?: string;
}

export const runStateFileFor = (logPath: string): string => join(logPath, '..', 'collector-state.json');

async function readRunState(path: string): Promise<RunState | undefined> {
  try {
    const s = JSON.parse(await readFile(path, 'utf8')) as RunState;
    return typeof s === 'object' && s !== null && typeof s.pid === 'number' && typeof s.started_at === 'string' ? s : undefined;
  } catch {
    return undefined;
  }
}

const latest = (...times: (string | undefined)[]): string | undefined =>
  times.filter((t): t is string => typeof t === 'string' && Number.isFinite(Date.parse(t))).sort((a, b) => Date.parse(a) - Date.parse(b)).pop();

/** What the last run on this log left behind. Read before the new collector opens the log. */
export async function readPreviousRun(logPath: string): Promise<PreviousRun> {
  const [state, health] = await Promise.all([readRunState(runStateFileFor(logPath)), readHealthState(healthFileFor(logPath))]);
  const healthIsThatRun = health && (!state || health.pid === state.pid);
  const lastAlive = latest(state?.started_at, healthIsThatRun ? health.updatedAt : undefined, healthIsThatRun ? health.lastWriteAt : undefined);
  if (state) {
    const gone = state.hostname !== hostname() || !pidAlive(state.pid) || state.pid === process.pid;
    return { state, died: !state.stopped_at && gone, pid: state.pid, started_at: state.started_at, last_alive_at: lastAlive };
  }
  // No state file (a collector before posture signals): the health file alone can still tell.
  if (health && health.pid !== undefined && !health.closedAt && !health.running) {
    return { died: true, pid: health.pid, started_at: health.since, last_alive_at: latest(health.updatedAt, health.lastWriteAt) };
  }
  return { died: false };
}

export async function writeRunState(logPath: string, state: RunState, fileMode = 0o600): Promise<void> {
  await writeFileAtomic(runStateFileFor(logPath), JSON.stringify(state, null, 2) + '\n', { mode: fileMode });
}
