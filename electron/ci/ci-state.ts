/**
 * The state file `ci start` leaves for `ci finish` (a later step, a new process): which collector
 * to stop, which log to validate, since when. JSON, 0600, replaced atomically.
 */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { RunContext } from './run-context';

export const CI_STATE_VERSION = 1;

export interface CiState {
  version: typeof CI_STATE_VERSION;
  harness: 'codex';
  pid: number;
  port: number;
  run_dir: string;
  log_path: string;
  codex_home: string;
  collector_output: string;
  state_path: string;
  /** When this collector started: `ci finish` counts only events from then on. */
  started_at: string;
  run: RunContext;
  /** The variables exported to later steps. */
  exports: Record<string, string>;
}

export class CiStateError extends Error {}

export function writeCiState(state: CiState): void {
  const tmp = `${state.state_path}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, state.state_path);
}

/** Read and check a state file; a clear error names what is wrong with it. */
export function readCiState(path: string): CiState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CiStateError(code === 'ENOENT' ? `no CI session state at ${path} (did \`beacon ci start\` run in this job?)` : `cannot read CI session state ${path}: ${(err as Error).message}`);
  }
  let value: Partial<CiState>;
  try {
    value = JSON.parse(text) as Partial<CiState>;
  } catch {
    throw new CiStateError(`CI session state ${path} is not valid JSON`);
  }
  const ok =
    value &&
    value.version === CI_STATE_VERSION &&
    Number.isInteger(value.pid) &&
    Number.isInteger(value.port) &&
    typeof value.log_path === 'string' &&
    typeof value.started_at === 'string' &&
    Number.isFinite(Date.parse(value.started_at));
  if (!ok) throw new CiStateError(`CI session state ${path} is not a Beacon CI state file (version ${CI_STATE_VERSION})`);
  return { ...value, state_path: path } as CiState;
}
