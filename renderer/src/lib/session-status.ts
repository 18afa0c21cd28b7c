/**
 * Whether a session is still going. Codex's telemetry has no "session ended" record, so: a
 * session whose final answer came after its last prompt is finished; one with activity in the
 * last ACTIVE_MS is running; anything else has ended (quietly: exec exits, the TUI was closed).
 */
import type { SessionRollup } from '../../../electron/shared/api';
import { formatDuration } from './format';

/** Codex commands can run for minutes without an event; the tray uses the same window. */
export const ACTIVE_MS = 10 * 60_000;

export type SessionState = 'running' | 'finished' | 'ended';

export interface SessionStatus {
  state: SessionState;
  /** "Running · 3 min 12 s so far", "Finished in 2 min 5 s", "Ended after 2 min 5 s". */
  label: string;
  elapsedMs: number;
}

export function sessionStatus(s: SessionRollup, nowMs: number = Date.now()): SessionStatus {
  const started = Date.parse(s.started_at);
  const last = Date.parse(s.last_at);
  if (s.answered) return { state: 'finished', label: `Finished in ${formatDuration(s.duration_ms)}`, elapsedMs: s.duration_ms };
  if (Number.isFinite(last) && nowMs - last < ACTIVE_MS) {
    const elapsed = Math.max(0, nowMs - started);
    return { state: 'running', label: `Running · ${formatDuration(elapsed)} so far`, elapsedMs: elapsed };
  }
  return { state: 'ended', label: `Ended after ${formatDuration(s.duration_ms)}`, elapsedMs: s.duration_ms };
}
