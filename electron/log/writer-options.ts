/** The runtime-log writer's options, their defaults, and the checks made before anything is opened. */
import type { WriterHealth } from './health-state';
import { MIN_EVENT_BYTES } from './serialize';

export const DEFAULT_MAX_EVENT_BYTES = 64 * 1024;
export const DEFAULT_FSYNC_INTERVAL_MS = 1000;
export const DEFAULT_RETRY_AFTER_SECONDS = 5;

export interface RuntimeLogWriterOptions {
  /** The active log, e.g. ~/.beacon/endpoint/logs/runtime.jsonl. */
  path: string;
  /** Rotate before a write would make the file bigger than this (default 10 MiB). */
  rotateBytes?: number;
  /** Archives kept: runtime.jsonl.1 ... .N (default 5; 0 = no archive, the log restarts empty). */
  rotateArchives?: number;
  /** Largest line, newline included (default 64 KiB, at least 1 KiB). */
  maxEventBytes?: number;
  /** Mode of the log, its archives, the lock and the health file (default 0600). */
  fileMode?: number;
  /** Mode of directories this writer creates (default 0700). */
  dirMode?: number;
  /** Longest time between a write and its fsync (default 1000 ms; 0 = fsync before append() resolves). */
  fsyncIntervalMs?: number;
  /** Health file; default healthFileFor(path); false for none. */
  healthFile?: string | false;
  /** Minimum time between health-file updates caused only by new writes (default 10 s). */
  healthIntervalMs?: number;
  /** Written into the lock so a second writer's error names the first (default 'beacon-collector'). */
  purpose?: string;
  /** Suggested Retry-After for LogUnavailableError (default 5 s). */
  retryAfterSeconds?: number;
  onHealthChange?: (health: WriterHealth) => void;
  /** Non-fatal problems (loose directory mode, failed rotation, health file not writable). */
  onWarning?: (message: string) => void;
}

/** Errors that a freed disk or a fixed device can cure without restarting. */
export function isTransient(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'EIO' || code === 'EAGAIN';
}

export function validateOptions(o: RuntimeLogWriterOptions): void {
  const bad = (what: string): never => {
    throw new TypeError(`RuntimeLogWriter: ${what}`);
  };
  if (!o || typeof o.path !== 'string' || o.path.length === 0) bad('path is required');
  const posInt = (v: number | undefined, name: string, min: number): void => {
    if (v !== undefined && (!Number.isInteger(v) || v < min)) bad(`${name} must be an integer >= ${min}, got ${v}`);
  };
  posInt(o.rotateBytes, 'rotateBytes', 1);
  posInt(o.rotateArchives, 'rotateArchives', 0);
  posInt(o.maxEventBytes, 'maxEventBytes', MIN_EVENT_BYTES);
  posInt(o.fsyncIntervalMs, 'fsyncIntervalMs', 0);
  posInt(o.healthIntervalMs, 'healthIntervalMs', 0);
  for (const [name, m] of [['fileMode', o.fileMode], ['dirMode', o.dirMode]] as const) {
    if (m !== undefined && (!Number.isInteger(m) || m < 0 || m > 0o777)) bad(`${name} must be a permission mode like 0o600, got ${m}`);
  }
}
