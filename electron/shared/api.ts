/**
 * The dashboard HTTP API contract, shared by the server (electron/dashboard) and the React
 * renderer. Types and constants only: the renderer imports this file, so it must never import
 * a Node module (type-only imports of other shared files are fine).
 *
 * Transport rules every client must know:
 * - Every route is GET; anything else answers 405.
 * - Auth: the HttpOnly cookie set when the printed `?token=` link is opened, or
 *   `Authorization: Bearer <token>`. Without it: 401 (`ApiError`).
 * - Errors are `{ error: string }` with a 4xx/5xx status.
 * - Event ids (`seq`) are assigned by the server's reader in write order (oldest archive
 *   first). They are stable for the life of one server process, not across restarts.
 */
import type { ForwardDestinationHealth } from './forwarding';
import type { BeaconEvent, Severity } from './event';

export const API_ROUTES = {
  health: '/api/health',
  events: '/api/events',
  sessions: '/api/sessions',
  /** `/api/sessions/:id`, id URL-encoded */
  session: (id: string) => `/api/sessions/${encodeURIComponent(id)}`,
  tokens: '/api/tokens',
  trends: '/api/trends',
  facets: '/api/facets',
  /** Findings (finding.detected) and Beacon's tamper / collector.died signals, newest first. */
  findings: '/api/findings',
  stream: '/api/stream',
} as const;

/** Names of the Server-Sent Events the stream emits (`event:` field). */
export const STREAM_EVENTS = {
  /** data: `EventRecord`. `id:` is its seq, so EventSource reconnects resume via Last-Event-ID. */
  event: 'event',
  /** data: `HealthResponse`. Sent once on connect and again whenever health changes. */
  health: 'health',
  /** data: `StreamHello`. Sent first on every connection. */
  hello: 'hello',
} as const;

/** Heartbeats are SSE comments (`: ping`) sent at most this often on an otherwise idle stream. */
export const STREAM_HEARTBEAT_MS = 15_000;

export const EVENTS_DEFAULT_LIMIT = 200;
export const EVENTS_MAX_LIMIT = 2000;

export interface ApiError {
  error: string;
}

/** One indexed event. */
export interface EventRecord {
  /** Server-assigned, increasing in write order; use as the `before` cursor and SSE id. */
  seq: number;
  event: BeaconEvent;
}

// ---------------------------------------------------------------------------------------------
// GET /api/health

export type CollectorState =
  /** /healthz answered and identified itself as beacon-collector */
  | 'up'
  /** nothing answered (connection refused, timeout) */
  | 'down'
  /** something answered on the port but it is not our collector */
  | 'foreign'
  /** no collector URL configured for this dashboard */
  | 'unknown';

export interface CollectorHealth {
  state: CollectorState;
  /** The /healthz URL that was probed, or null when none is configured. */
  url: string | null;
  /** What /healthz said about itself (when state is 'up'). */
  info?: {
    service?: string;
    version?: string;
    pid?: number;
    mode?: string;
    log_path?: string;
    started_at?: string;
  };
  /** Why it is down / foreign, in words. */
  detail?: string;
  /** Its forwarding destinations (from /healthz `consumers`), when up. */
  forwarding?: ForwardDestinationHealth[];
  /**
   * Set while Beacon's installed telemetry block is removed, changed or overridden (the
   * `posture` consumer of /healthz, electron/posture): what is wrong, in words.
   */
  telemetry_tamper?: string;
}

export type WriteState = 'ok' | 'unavailable' | 'unknown';

/** From the collector's health file next to the runtime log (collector-health.json). */
export interface WriteHealth {
  /** 'unknown' when the file is missing or unreadable; `reason` then says why. */
  state: WriteState;
  reason: string | null;
  pid: number | null;
  /**
   * false when the process that wrote the file is gone (dead pid, or it closed cleanly):
   * nobody is writing this log right now. null when unknown (no file, other host).
   */
  running: boolean | null;
  /** When the collector last updated the file (its updatedAt, else the file mtime), or null. */
  updated_at: string | null;
  file: string;
  /**
   * Set while the collector cannot rotate the log (it keeps writing, but the log grows past its
   * size limit): a failure, whatever `state` says.
   */
  rotation?: RotationProblem | null;
}

export interface RotationProblem {
  /** e.g. "cannot rotate: EACCES (rename)" */
  reason: string;
  since: string;
  log_bytes: number;
  limit_bytes: number;
}

export interface LastEventInfo {
  seq: number;
  timestamp: string;
  action: string;
  session_id: string | null;
  /** Milliseconds between the event's timestamp and `generated_at`. */
  age_ms: number;
}

export type OverallHealth = 'ok' | 'degraded' | 'down';

export interface HealthResponse {
  /**
   * ok: collector up (or not configured) and writes ok.
   * degraded: collector unknown/foreign, write state unknown, or a log-source warning.
   * down: collector down or writes unavailable.
   */
  status: OverallHealth;
  /** Human sentences explaining anything that is not ok, most important first. */
  problems: string[];
  dashboard: {
    version: string;
    pid: number;
    started_at: string;
    log_path: string;
    indexed_events: number;
    /** Lines in the log that were not Beacon events (bad JSON, other tools' lines). */
    skipped_lines: number;
    /** Set when the runtime log cannot be read at all (missing dir, permissions). */
    log_error: string | null;
  };
  collector: CollectorHealth;
  write: WriteHealth;
  /** Codex telemetry state summary, opaque to the server; null when not provided. */
  codex: unknown | null;
  /** Warning about which runtime log this dashboard reads (e.g. user vs system); null if none. */
  log_source_warning: string | null;
  last_event: LastEventInfo | null;
  /** Each forwarding destination of the collector: state, last success, backlog, last error (absent from older servers). */
  forwarding?: ForwardDestinationHealth[];
  generated_at: string;
}

// ---------------------------------------------------------------------------------------------
// GET /api/events

/**
 * Query string of /api/events. All optional; filters combine with AND.
 * since/until: RFC 3339 or epoch milliseconds, inclusive, on the event timestamp.
 * q: case-insensitive substring over message, prompt text, command, file path, tool name,
 *    MCP server/tool, error message and action.
 * before: a seq; returns only events with a smaller seq (the next page).
 */
export interface EventsQuery {
  since?: string;
  until?: string;
  session?: string;
  action?: string;
  category?: string;
  harness?: string;
  model?: string;
  q?: string;
  limit?: number;
  before?: number;
}

export interface EventsResponse {
  /** Newest first (highest seq first). */
  events: EventRecord[];
  /** How many events match the filters in total (ignoring limit and before). */
  total_matched: number;
  /** Pass as `before` to get the next (older) page; null when there is none. */
  next_before: number | null;
  limit: number;
}

// ---------------------------------------------------------------------------------------------
// GET /api/sessions, GET /api/sessions/:id

/**
 * Token counts, disjoint: every token is in exactly one of input / cached_input / output /
 * reasoning. Codex's own counts overlap (its input includes cached, its output includes
 * reasoning), which is why UIs must label these: "input (not cached)", "output (excl. reasoning)".
 */
export interface TokenTotals {
  /** Input tokens not served from cache. */
  input: number;
  cached_input: number;
  /** Output tokens excluding reasoning. */
  output: number;
  reasoning: number;
  /** input + cached_input + output + reasoning, each token once. */
  total: number;
  /**
   * The figure Codex itself prints as `tokens used` (input - cached + output in Codex's terms,
   * i.e. input + output + reasoning here): total without cached input. Shown beside the
   * breakdown so a user can reconcile Beacon with their terminal.
   */
  codex_tokens_used: number;
}

/**
 * Estimated cost of a set of token.usage events (cost.usd summed). An estimate at list prices,
 * never a bill. Responses whose model has no known price add nothing to `usd`: they are counted
 * in `unpriced_events` and their models listed, so a UI can say "price unknown for model X"
 * instead of showing a total that silently leaves them out.
 */
export interface CostTotals {
  usd: number;
  priced_events: number;
  unpriced_events: number;
  /** At most MAX_LISTED distinct names; "(no model)" for responses that named none. */
  unpriced_models: string[];
  /** The price tables / override files the estimates came from, e.g. "genai-prices 0.1.8, 2026-09-23". */
  price_sources: string[];
}

export interface SessionGitInfo {
  repository_url: string | null;
  branch: string | null;
  commit: string | null;
}

export interface SessionRollup {
  id: string;
  started_at: string;
  last_at: string;
  working_directory: string | null;
  /** `run.repository` when an event carries it, else owner/name of the git remote, else the last segment of working_directory. */
  repository: string | null;
  /** The git checkout the agent's session record names (Codex's session_meta), or null. */
  git: SessionGitInfo | null;
  /** The most recent model seen in the session. */
  model: string | null;
  /** harness.originator, e.g. codex_exec, codex_cli_rs */
  originator: string | null;
  harness: string | null;
  /** last_at - started_at */
  duration_ms: number;
  events: number;
  prompts: number;
  commands: number;
  command_failures: number;
  approvals: { allowed: number; denied: number };
  /** Distinct file paths modified (patches Codex did not apply are not changes). */
  files_changed: number;
  /** apply_patch calls Codex did not apply (each is also counted in `errors`). */
  patches_failed: number;
  /** session.error and tool.failed events (failed patches included), plus any other event that carries an `error` block. */
  errors: number;
  tokens: TokenTotals;
  cost: CostTotals;
  /** Whether the agent's final answer (response.completed) was logged after the last prompt. */
  answered: boolean;
  /** The TUI's hidden title-generation conversation: not a user session. */
  title_generation: boolean;
  /**
   * Beacon's own pipeline check (`beacon endpoint test-event`), not a Codex session: lists and
   * counts of sessions leave these out and show them apart as "Beacon validation".
   */
  beacon_validation: boolean;
  /** The text of the session's first prompt (one line, at most FIRST_PROMPT_MAX chars), or null when none was recorded. */
  first_prompt: string | null;
  /** A short title from the first prompt (at most TITLE_MAX chars); null when no prompt text was kept (metadata policy). */
  title: string | null;
}

export const FIRST_PROMPT_MAX = 160;
export const TITLE_MAX = 72;

export interface SessionsResponse {
  /** Most recently active first. Includes title-generation and Beacon validation sessions (flagged). */
  sessions: SessionRollup[];
}

export interface SessionDetailResponse {
  session: SessionRollup;
  /** Oldest first. */
  events: EventRecord[];
}

// ---------------------------------------------------------------------------------------------
// GET /api/tokens?bucket=minute|hour|day&since=&until=&session=

export type TokenBucketSize = 'minute' | 'hour' | 'day';
export const TOKEN_BUCKETS: readonly TokenBucketSize[] = ['minute', 'hour', 'day'];

export interface TokenBucket {
  /** Bucket start, RFC 3339 UTC. */
  start: string;
  /** User sessions only (title generation excluded). */
  tokens: TokenTotals;
  /** The hidden title-generation conversations, kept apart. */
  title_generation: TokenTotals;
  /** token.usage events counted in this bucket (both kinds). */
  events: number;
  /** User sessions only, like `tokens`. */
  cost: CostTotals;
}

export interface TokensResponse {
  bucket: TokenBucketSize;
  /** Oldest first; only buckets that have usage. */
  buckets: TokenBucket[];
  totals: TokenTotals;
  title_generation_totals: TokenTotals;
  cost: CostTotals;
  title_generation_cost: CostTotals;
  /** Totals per model (user sessions only), largest first. Model null when unknown. */
  by_model: Array<{ model: string | null; tokens: TokenTotals; cost: CostTotals }>;
}

// ---------------------------------------------------------------------------------------------
// GET /api/facets: distinct values for filter drop-downs, with counts, largest first.

export interface FacetCount {
  value: string;
  count: number;
}

export interface FacetsResponse {
  actions: FacetCount[];
  categories: FacetCount[];
  harnesses: FacetCount[];
  models: FacetCount[];
}

// ---------------------------------------------------------------------------------------------
// GET /api/stream

export interface StreamHello {
  /** The highest seq known when the stream opened (null when the log is empty). */
  last_seq: number | null;
  version: string;
}

// GET /api/trends: in its own file (api-trends.ts), exported from here like the rest.
export * from './api-trends';

/** GET /api/findings?min_severity=&session=&limit= */
export interface FindingsResponse {
  /** finding.detected events at or above min_severity, newest first (at most `limit`). */
  findings: EventRecord[];
  /** How many findings matched (before the limit). */
  total_matched: number;
  /** Every finding in the log by its severity (unfiltered: the filter's counts). */
  by_severity: Record<Severity, number>;
  /**
   * Beacon's own security signals, newest first (at most `limit`): tamper.* (its telemetry
   * block removed, changed or overridden) and collector.died (events lost while it was down).
   */
  signals: EventRecord[];
  limit: number;
}

export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];
