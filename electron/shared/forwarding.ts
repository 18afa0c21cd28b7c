/**
 * What a forwarding destination reports about itself (design.md section 7, "Forwarding"): the
 * contract between electron/forward (which produces it, inside the collector's /healthz
 * `consumers`) and everything that shows it: `endpoint status` / `doctor`, the dashboard's
 * /api/health, the tray and the renderer. Types and two pure helpers only.
 */
import type { ContentPolicy } from './event';
import type { ConsumerHealth } from './harness';

export const FORWARD_TYPES = ['otlp-http', 'splunk-hec', 'http-ndjson'] as const;
export type ForwardType = (typeof FORWARD_TYPES)[number];

/**
 * starting: reading its checkpoint; delivering: sending a backlog; idle: caught up;
 * retrying: the last attempt failed, the next one waits (backoff or Retry-After);
 * failed: stopped by an answer that retrying cannot fix (4xx), or a configuration problem;
 * stopped: the collector is shutting down.
 */
export type ForwardState = 'starting' | 'delivering' | 'idle' | 'retrying' | 'failed' | 'stopped';

export interface ForwardBacklog {
  /** Complete lines in the runtime log (and its archives) not yet acknowledged by the destination. */
  events: number;
  bytes: number;
  /** Timestamp of the oldest event not yet acknowledged (null when caught up or not yet read). */
  oldest_at: string | null;
  age_seconds: number | null;
}

export interface ForwardDestinationHealth extends ConsumerHealth {
  kind: 'forwarder';
  /** `forward:<destination name>` */
  name: string;
  destination: string;
  type: ForwardType;
  /** The URL posted to, without credentials or query string. */
  url: string;
  state: ForwardState;
  /** The content policy events get before they leave (null: as written locally). */
  content: ContentPolicy | null;
  last_success_at: string | null;
  last_error: { at: string; message: string } | null;
  next_attempt_at: string | null;
  backlog: ForwardBacklog;
  /** Events acknowledged by the destination since the collector started. */
  delivered_events: number;
  /** Events that fell off the oldest archive before they could be sent, since the collector started. */
  lost_events: number;
  /** Where the work runs: a worker thread (normal) or the collector's own thread (fallback). */
  thread: 'worker' | 'inline';
}

export function isForwardHealth(value: unknown): value is ForwardDestinationHealth {
  const v = value as Partial<ForwardDestinationHealth> | null;
  return !!v && typeof v === 'object' && v.kind === 'forwarder' && typeof v.destination === 'string' && typeof v.state === 'string';
}

function age(seconds: number): string {
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)} h`;
  return `${Math.round(seconds / 86_400)} d`;
}

/** One line a person reads: "siem (splunk-hec): retrying, backlog 120 events (3 min), last error: HTTP 503". */
export function describeForward(h: ForwardDestinationHealth, now: number = Date.now()): string {
  const parts = [`${h.destination} (${h.type}): ${h.state}`];
  if (h.backlog.events > 0) parts.push(`backlog ${h.backlog.events} event(s)${h.backlog.age_seconds !== null ? ` (${age(h.backlog.age_seconds)} old)` : ''}`);
  else if (h.state === 'idle') parts.push('caught up');
  if (h.last_success_at) parts.push(`last success ${age(Math.max(0, (now - Date.parse(h.last_success_at)) / 1000))} ago`);
  else parts.push('no delivery yet');
  if (h.lost_events > 0) parts.push(`${h.lost_events} event(s) lost`);
  if (h.last_error && h.state !== 'idle' && h.state !== 'delivering') parts.push(`last error: ${h.last_error.message}`);
  return parts.join(', ');
}
