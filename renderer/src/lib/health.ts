/**
 * Reduces the server's HealthResponse to what the health light shows: a colour, one line
 * saying why, and the command that fixes it when one exists. The order of the checks is the
 * order of importance: a lost write beats a stopped collector beats a configuration warning.
 */
import type { HealthResponse } from '../../../electron/shared/api';
import { formatRelative } from './format';

export type HealthLevel = 'ok' | 'warn' | 'error' | 'unknown';

export interface HealthView {
  level: HealthLevel;
  title: string;
  reason: string;
  /** A shell command that fixes the problem, shown with a copy button. */
  fix?: string;
  /** True when the Electron bridge's "Repair Codex config" is the right button for this problem. */
  repairable?: boolean;
  /** Technical detail (probe error, path) for a tooltip: the reason line stays one line. */
  detail?: string;
}

export const FIX = {
  repair: 'beacon endpoint repair',
  install: 'beacon endpoint install --harness codex',
  doctor: 'beacon endpoint doctor',
  status: 'beacon endpoint status',
  dashboard: 'beacon endpoint dashboard --open',
} as const;

/**
 * The `codex` block is opaque to the server (whoever hosts the dashboard fills it in), so read
 * it defensively: any of `configured: false`, or a state/status of not_configured / missing /
 * invalid means Codex will not send us anything.
 */
function codexProblem(codex: unknown): { reason: string; fix: string } | null {
  if (!codex || typeof codex !== 'object') return null;
  const c = codex as Record<string, unknown>;
  const state = String(c.state ?? c.status ?? '').toLowerCase();
  const detail = typeof c.reason === 'string' ? c.reason : typeof c.detail === 'string' ? c.detail : undefined;
  const fix = typeof c.fix === 'string' ? c.fix : undefined;
  if (c.installed === false || state === 'not_installed' || state === 'missing') {
    return { reason: detail ?? 'Codex is not configured to send telemetry to Beacon.', fix: fix ?? FIX.install };
  }
  if (c.configured === false || state === 'not_configured' || state === 'drifted' || state === 'invalid' || state === 'misconfigured') {
    return { reason: detail ?? 'Codex is not configured to send telemetry to Beacon.', fix: fix ?? FIX.repair };
  }
  return null;
}

/**
 * @param lastEventAt the newest event the page has seen live; the server pushes health only
 *   when it changes, so its `last_event` goes stale while events keep streaming in.
 */
export function healthView(h: HealthResponse | null, fetchError?: string | null, lastEventAt?: string | null, now: number = Date.now()): HealthView {
  if (!h) {
    if (fetchError) {
      return { level: 'error', title: 'Dashboard unreachable', reason: `Can't reach the Beacon dashboard server (${fetchError}).`, fix: FIX.dashboard };
    }
    return { level: 'unknown', title: 'Checking…', reason: 'Asking the Beacon dashboard for its health.' };
  }
  if (h.write.state === 'unavailable') {
    return {
      level: 'error',
      title: 'Write failure',
      reason: `Beacon can't write the runtime log${h.write.reason ? `: ${h.write.reason}` : ''}. New Codex events are being refused.`,
      fix: FIX.doctor,
    };
  }
  if (h.collector.state === 'down') {
    return {
      level: 'error',
      title: 'Collector down',
      reason: 'The Beacon collector is not running. Codex telemetry is being lost.',
      detail: h.collector.detail,
      fix: FIX.repair,
      repairable: true,
    };
  }
  if (h.collector.state === 'foreign') {
    return {
      level: 'error',
      title: 'Port taken',
      reason: 'Another program holds the collector port, so Codex telemetry does not reach Beacon.',
      detail: h.collector.detail,
      fix: FIX.doctor,
    };
  }
  if (h.dashboard.log_error) {
    return { level: 'error', title: 'Runtime log unreadable', reason: h.dashboard.log_error, fix: FIX.doctor };
  }
  const codex = codexProblem(h.codex);
  if (codex) {
    return { level: 'warn', title: 'Codex not configured', reason: codex.reason, fix: codex.fix, repairable: codex.fix === FIX.repair };
  }
  if (h.log_source_warning) {
    return { level: 'warn', title: 'Runtime log source', reason: h.log_source_warning, fix: FIX.status };
  }
  if (h.status !== 'ok') {
    return {
      level: h.status === 'down' ? 'error' : 'warn',
      title: h.status === 'down' ? 'Not healthy' : 'Degraded',
      reason: h.problems[0] ?? 'Beacon reported a problem.',
      fix: FIX.doctor,
    };
  }
  const newest = [lastEventAt, h.last_event?.timestamp].filter((t): t is string => !!t).sort().pop();
  const last = newest ? `last event ${formatRelative(newest, now)}` : 'waiting for the first Codex event';
  const collector = h.collector.state === 'up' ? 'Collector running' : 'Reading the runtime log';
  return { level: 'ok', title: 'Healthy', reason: `${collector} · ${last}` };
}
