/**
 * The runtime.jsonl event schema: THE contract between the collector and everything that
 * reads its output (SIEMs, the dashboard, CI summaries). Compatible with the reference
 * product's schema 1.0; new optional fields may be added, existing ones keep their meaning.
 */

export const SCHEMA_VERSION = '1.0';
export const VENDOR = 'beacon';
export const PRODUCT = 'endpoint-agent';

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export type ContentPolicy = 'full' | 'redacted' | 'metadata';
export type Origin = 'local' | 'cloud' | 'ci';

export type EventCategory =
  | 'session'
  | 'prompt'
  | 'approval'
  | 'command'
  | 'file'
  | 'mcp'
  | 'tool'
  | 'usage'
  | 'response'
  | 'span'
  | 'health'
  | 'metric'
  | 'finding'
  | 'tamper'
  | 'posture'
  | 'other';

/** Actions Beacon writes. Unknown Codex events keep `codex.<name>` as their action (category `other`). */
export type KnownAction =
  | 'session.started'
  | 'session.error'
  | 'prompt.submitted'
  | 'approval.allowed'
  | 'approval.denied'
  | 'command.executed'
  | 'file.modified'
  | 'mcp.tool_invoked'
  | 'tool.completed'
  | 'tool.failed'
  | 'token.usage'
  | 'response.completed'
  | 'span.recorded'
  | 'telemetry.validation'
  | 'forward.events_lost'
  | 'finding.detected'
  | 'tamper.otel_removed'
  | 'tamper.otel_changed'
  | 'tamper.otel_overridden'
  | 'tamper.otel_restored'
  | 'collector.started'
  | 'collector.stopped'
  | 'collector.died'
  | 'posture.inventory';

export interface TokenUsage {
  /** Input tokens that were NOT served from cache (Codex's input count minus cached). */
  input_tokens: number;
  /** Input tokens served from cache. */
  cached_input_tokens: number;
  /** Output tokens that are NOT reasoning (Codex's output count minus reasoning). */
  output_tokens: number;
  reasoning_output_tokens: number;
  /** input + cached + output + reasoning: every token counted exactly once. */
  total_tokens: number;
  cache_write_input_tokens?: number;
}

/**
 * token.usage only: what the response cost at list (or override) prices. An estimate, never a
 * bill: Beacon does not see discounts, credits or plans. A model without a known price has no
 * `usd` (never 0, which would read as free) and `unpriced` says why.
 */
export interface CostEstimate {
  usd?: number;
  estimated: true;
  /** The price table and its date, e.g. "genai-prices 0.1.8, 2026-09-23", or an override file's name and date. */
  price_source: string;
  /** The price entry used, when it is not the model name itself (gpt-5-codex is priced as gpt-5). */
  priced_as?: string;
  unpriced?: 'unknown_model' | 'no_model';
}

/** The git checkout a session ran in, as the agent recorded it (credentials never kept). */
export interface SessionGit {
  repository_url?: string;
  branch?: string;
  commit?: string;
}

/**
 * finding.detected only: a detection rule matched. `event_ids` are the `event.id`s of the events
 * that triggered it (in order, for a sequence rule); the finding's own severity is also the
 * event's `severity`.
 */
export interface Finding {
  rule_id: string;
  title: string;
  severity: Severity;
  description: string;
  /** MITRE ATT&CK ("T1059.004") and ATLAS ("AML.T0051") technique ids. */
  mitre: string[];
  /** OWASP Top 10 for LLM Applications ("LLM01:2025") and Agentic ("ASI02") ids. */
  owasp: string[];
  event_ids: string[];
  /** Where the rule came from: Beacon's shipped rules, or a rules directory of config.json. */
  rule_source?: 'shipped' | 'user';
}

/**
 * tamper.* / collector.* / posture.inventory: what Beacon saw of its own telemetry path and of
 * the machine's agent setup. `config_path`: the agent config file watched; `detail`: what changed.
 */
export interface PostureFacts {
  config_path?: string;
  detail?: string;
  [key: string]: unknown;
}

export interface BeaconEvent {
  /** RFC 3339 UTC with millisecond precision, e.g. 2026-11-24T05:55:14.123Z */
  timestamp: string;
  vendor: typeof VENDOR;
  product: typeof PRODUCT;
  schema_version: typeof SCHEMA_VERSION;
  /**
   * `id`: a UUIDv7 given when the event is written (event-id.ts); the same event keeps it
   * forever, so delivered copies can be de-duplicated. Absent in logs written before Dec 2026.
   */
  event: { kind: 'agent_runtime'; action: string; category: EventCategory | string; id?: string };
  severity: Severity;
  endpoint: { os: string; hostname?: string; agent_version?: string };
  harness: { name: string; version?: string; originator?: string; service_name?: string };
  session?: {
    id?: string;
    working_directory?: string;
    /** True for every event of the Codex TUI's hidden title-generation conversation. */
    title_generation?: boolean;
    /** session.started only: how the agent was configured for this session. */
    provider?: string;
    approval_policy?: string;
    sandbox_policy?: string;
    reasoning_effort?: string;
    reasoning_summary?: string;
    /** Configured MCP server names (Codex sends them comma-joined). */
    mcp_servers?: string[];
    context_window?: number;
    /** Where the agent's own session record says the session ran (harness session context). */
    git?: SessionGit;
  };
  user?: { name?: string; uid?: string; email?: string; account_id?: string };
  origin?: Origin;
  run?: Record<string, string | number | boolean>;
  tool?: { name?: string; namespace?: string; call_id?: string; command?: string; path?: string; success?: boolean; duration_ms?: number; output?: string; output_truncated?: boolean };
  command?: { command?: string; exit_code?: number; success?: boolean; duration_ms?: number; call_id?: string; output?: string; output_truncated?: boolean };
  /**
   * tool.failed of an apply_patch call: the files the patch tried to add, update or delete.
   * Codex reported it as not applied, so there is no `file.modified` for any of them.
   */
  patch?: { files: Array<{ path: string; operation: 'add' | 'update' | 'delete'; move_to?: string }> };
  file?: { path: string; operation: 'add' | 'update' | 'delete' | 'move'; move_to?: string; diff_bytes?: number; diff_hash?: string };
  mcp?: { server?: string; tool?: string; origin?: string; call_id?: string; success?: boolean; duration_ms?: number };
  approval?: { required?: boolean; decision: string; source?: string; tool?: string; call_id?: string };
  /** `withheld`: the agent itself did not send the text (Codex `log_user_prompt = false` sends "[REDACTED]"). */
  prompt?: { text?: string; length?: number; hash?: string; withheld?: boolean };
  /** The agent's final answer (Codex `codex.agent_response`, opt-in `log_agent_responses`). */
  response?: { text?: string; length?: number; truncated?: boolean; agent_type?: string; turn_id?: string; item_id?: string };
  gen_ai?: {
    conversation?: { id?: string };
    usage?: TokenUsage;
    request?: { model?: string };
    tool?: { name?: string; call?: { id?: string; arguments?: unknown } };
  };
  model?: string;
  cost?: CostEstimate;
  message?: string;
  error?: { type?: string; message?: string; status_code?: number };
  health?: { component: string; status: string; reason?: string };
  /**
   * forward.events_lost only: a forwarding destination's backlog fell off the oldest archive
   * before it was sent. `lost_events` null: the count is unknown (the files went while this
   * destination was not running); `from` / `until`: the time range of what was lost.
   */
  forward?: { destination: string; type: string; lost_events: number | null; from?: string; until?: string };
  finding?: Finding;
  posture?: PostureFacts;
  /**
   * What the content policy did. `withheld` (metadata policy): for each removed text field, by its
   * dotted path (e.g. "prompt.text"), the length and sha256 of the secret-masked text.
   */
  content?: { retention: ContentPolicy; redacted?: boolean; truncated?: boolean; withheld?: Record<string, { length: number; sha256: string }> };
  trace?: { id?: string; span_id?: string; parent_span_id?: string };
  /** span.recorded only (opt-in `--include-codex-spans`). kind/status as OTLP enum names. */
  span?: { name: string; kind: string; status: string; status_message?: string; duration_ms?: number; scope?: string };
  raw?: Record<string, unknown>;
  field_truncated?: boolean;
}

/** Categories are derived from the action prefix so that every writer agrees. */
export function categoryForAction(action: string): EventCategory {
  const prefix = action.split('.')[0];
  switch (prefix) {
    case 'session':
    case 'prompt':
    case 'approval':
    case 'command':
    case 'file':
    case 'mcp':
    case 'tool':
    case 'response':
    case 'span':
    case 'health':
    case 'metric':
    case 'finding':
    case 'tamper':
    case 'posture':
      return prefix;
    case 'token':
      return 'usage';
    case 'telemetry':
    case 'forward':
    case 'collector':
      return 'health';
    default:
      return 'other';
  }
}
