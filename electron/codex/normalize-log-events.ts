/**
 * One interpreter per Codex log event (`event.name`), each turning the merged attributes into
 * an EventDraft (action, severity, message, action-specific blocks). `codex.tool_result` lives
 * in normalize-tool-result.ts. Which records are noise is decided in normalizer.ts, before any
 * of this runs.
 *
 * Messages are short sentences for people and NEVER contain prompt or response text. Only
 * `command.executed` (the command line), `session.error` (the error text) and generic events
 * carry free text in their message; the content policy relies on that.
 */
import type { LayeredAttributes } from '../shared/layered-attributes';
import type { BeaconEvent, TokenUsage } from '../shared/event';
import { attrBool, attrNumber, attrString, attrText } from './normalize-attributes';
import type { EventDraft } from './normalize-tool-result';

/** What Codex sends instead of the prompt when `log_user_prompt = false`. */
export const CODEX_WITHHELD_PROMPT = '[REDACTED]';

export function sessionStarted(attrs: LayeredAttributes, titleGeneration: boolean): EventDraft {
  const session: NonNullable<BeaconEvent['session']> = {};
  const set = (key: 'provider' | 'approval_policy' | 'sandbox_policy' | 'reasoning_effort' | 'reasoning_summary', attr: string): void => {
    const v = attrString(attrs, attr);
    if (v) session[key] = v;
  };
  set('provider', 'provider_name');
  set('approval_policy', 'approval_policy');
  set('sandbox_policy', 'sandbox_policy');
  set('reasoning_effort', 'reasoning_effort');
  set('reasoning_summary', 'reasoning_summary');
  const servers = mcpServerList(attrs.get('mcp_servers'));
  if (servers) session.mcp_servers = servers;
  const window = attrNumber(attrs, 'context_window');
  if (window !== undefined) session.context_window = window;

  const details: string[] = [];
  const model = attrString(attrs, 'model');
  if (model) details.push(`model ${model}`);
  if (session.sandbox_policy) details.push(`sandbox ${session.sandbox_policy}`);
  if (session.approval_policy) details.push(`approvals ${session.approval_policy}`);
  const what = titleGeneration ? 'Codex title-generation session started' : 'Codex session started';
  return {
    action: 'session.started',
    severity: 'info',
    message: details.length ? `${what} (${details.join(', ')})` : what,
    fields: { session },
  };
}

/** Codex sends MCP server names comma-joined ("" for none); an array reads and filters better. */
function mcpServerList(v: unknown): string[] | undefined {
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string' && x !== '');
  if (typeof v !== 'string') return undefined;
  return v.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

export function promptSubmitted(attrs: LayeredAttributes, titleGeneration: boolean): EventDraft {
  const text = attrText(attrs, 'prompt');
  const withheld = text === CODEX_WITHHELD_PROMPT;
  const prompt: NonNullable<BeaconEvent['prompt']> = {};
  if (text !== undefined) prompt.text = text;
  const length = attrNumber(attrs, 'prompt_length') ?? (text !== undefined && !withheld ? text.length : undefined);
  if (length !== undefined) prompt.length = length;
  if (withheld) prompt.withheld = true;
  const what = titleGeneration ? 'Codex title-generation prompt submitted' : 'Codex prompt submitted';
  const notes: string[] = [];
  if (length !== undefined) notes.push(`${length} chars`);
  if (withheld) notes.push('text withheld by Codex');
  return {
    action: 'prompt.submitted',
    severity: 'info',
    message: notes.length ? `${what} (${notes.join(', ')})` : what,
    fields: { prompt },
  };
}

/**
 * Codex's ReviewDecision, lower-cased: approved, approved_for_session, approved_execpolicy_amendment,
 * approved_mcp_policy_amendment (all "allowed"), denied, abort ("denied"). Anything new is kept
 * as `approval.decided` with the decision verbatim: never guessed into allowed or denied, and
 * never `approval.requested`, which the reference wrote even for approvals.
 */
export function approvalAction(decision: string | undefined): string {
  const d = (decision ?? '').toLowerCase();
  if (d.startsWith('approved') || d === 'allow' || d === 'allowed') return 'approval.allowed';
  if (d === 'denied' || d === 'deny' || d === 'abort' || d === 'aborted' || d === 'rejected') return 'approval.denied';
  return 'approval.decided';
}

export function toolDecision(attrs: LayeredAttributes): EventDraft {
  const decision = attrString(attrs, 'decision');
  const action = approvalAction(decision);
  const approval: NonNullable<BeaconEvent['approval']> = { decision: decision ?? 'unknown' };
  const source = attrString(attrs, 'source');
  if (source) approval.source = source;
  const toolName = attrString(attrs, 'tool_name');
  if (toolName) approval.tool = toolName;
  const callId = attrString(attrs, 'call_id');
  if (callId) approval.call_id = callId;
  const tool: NonNullable<BeaconEvent['tool']> = {};
  if (toolName) tool.name = toolName;
  const ns = attrString(attrs, 'tool_namespace');
  if (ns) tool.namespace = ns;
  if (callId) tool.call_id = callId;
  const verb = action === 'approval.allowed' ? 'allowed' : action === 'approval.denied' ? 'denied' : 'decided on';
  const by = source ? `, source ${source}` : '';
  return {
    action,
    severity: action === 'approval.denied' ? 'medium' : 'info',
    message: `Codex ${verb} ${toolName ?? 'a tool call'} (${approval.decision}${by})`,
    fields: { approval, tool, gen_ai: { tool: { name: toolName, call: callId ? { id: callId } : {} } } },
  };
}

/** An error-bearing transport record (api_request, sse_event, websocket_*) -> session.error. */
export function transportError(eventName: string, attrs: LayeredAttributes): EventDraft {
  const status = attrNumber(attrs, 'http.response.status_code');
  const text = attrString(attrs, 'error.message');
  const error: NonNullable<BeaconEvent['error']> = { type: eventName.startsWith('codex.') ? eventName.slice(6) : eventName };
  if (text) error.message = text;
  if (status !== undefined) error.status_code = status;
  const what =
    eventName === 'codex.api_request' ? 'Codex API request failed'
    : eventName === 'codex.sse_event' ? 'Codex response stream failed'
    : 'Codex connection failed';
  const parts: string[] = [];
  if (text) parts.push(text);
  if (status !== undefined && !(text && text.includes(String(status)))) parts.push(`HTTP ${status}`);
  const attempt = attrNumber(attrs, 'attempt');
  if (attempt !== undefined && attempt > 0) parts.push(`attempt ${attempt + 1}`);
  return {
    action: 'session.error',
    severity: 'high',
    message: parts.length ? `${what}: ${parts.join(', ')}` : what,
    fields: { error },
  };
}

/** Whether a transport record reports a failure (and so must not be dropped as noise). */
export function isTransportError(attrs: LayeredAttributes): boolean {
  if (attrString(attrs, 'error.message')) return true;
  const status = attrNumber(attrs, 'http.response.status_code');
  if (status !== undefined && status >= 400) return true;
  return attrBool(attrs, 'success') === false;
}

/**
 * Token usage as DISJOINT counts. Codex's input_token_count includes the cached tokens and its
 * output_token_count includes reasoning, so: input = input - cached, output = output - reasoning,
 * total = input + cached + output + reasoning (each token exactly once), floored at 0 when
 * Codex's numbers disagree with each other. Codex's own counts stay in raw.codex_usage.
 */
export function tokenUsage(attrs: LayeredAttributes): EventDraft & { codexUsage: Record<string, number> } {
  const input = attrNumber(attrs, 'input_token_count') ?? 0;
  const cached = attrNumber(attrs, 'cached_token_count') ?? 0;
  const output = attrNumber(attrs, 'output_token_count') ?? 0;
  const reasoning = attrNumber(attrs, 'reasoning_token_count') ?? 0;
  const nonNeg = (n: number): number => (n > 0 ? n : 0);
  const usage: TokenUsage = {
    input_tokens: nonNeg(input - nonNeg(cached)),
    cached_input_tokens: nonNeg(cached),
    output_tokens: nonNeg(output - nonNeg(reasoning)),
    reasoning_output_tokens: nonNeg(reasoning),
    total_tokens: 0,
  };
  usage.total_tokens = usage.input_tokens + usage.cached_input_tokens + usage.output_tokens + usage.reasoning_output_tokens;
  const cacheWrite = attrNumber(attrs, 'cache_write_token_count');
  if (cacheWrite !== undefined) usage.cache_write_input_tokens = nonNeg(cacheWrite);

  const codexUsage: Record<string, number> = {};
  for (const key of ['input_token_count', 'cached_token_count', 'output_token_count', 'reasoning_token_count', 'cache_write_token_count', 'tool_token_count']) {
    const n = attrNumber(attrs, key);
    if (n !== undefined) codexUsage[key] = n;
  }
  const model = attrString(attrs, 'model') ?? attrString(attrs, 'slug');
  const genAi: NonNullable<BeaconEvent['gen_ai']> = { usage };
  if (model) genAi.request = { model };
  return {
    action: 'token.usage',
    severity: 'info',
    message:
      `Codex used ${usage.total_tokens} tokens (${usage.input_tokens} input, ${usage.cached_input_tokens} cached, ` +
      `${usage.output_tokens} output, ${usage.reasoning_output_tokens} reasoning)`,
    fields: { gen_ai: genAi },
    codexUsage,
  };
}

export function agentResponse(attrs: LayeredAttributes): EventDraft {
  const text = attrText(attrs, 'response');
  const response: NonNullable<BeaconEvent['response']> = {};
  if (text !== undefined) response.text = text;
  const length = attrNumber(attrs, 'response_length') ?? text?.length;
  if (length !== undefined) response.length = length;
  const truncated = attrBool(attrs, 'response_truncated');
  if (truncated !== undefined) response.truncated = truncated;
  const agentType = attrString(attrs, 'agent.type');
  if (agentType) response.agent_type = agentType;
  const turnId = attrString(attrs, 'turn.id');
  if (turnId) response.turn_id = turnId;
  const itemId = attrString(attrs, 'item.id');
  if (itemId) response.item_id = itemId;
  return {
    action: 'response.completed',
    severity: 'info',
    message: `Codex responded${length !== undefined ? ` (${length} chars)` : ''}`,
    fields: { response },
  };
}

/** A codex.* event this version does not know: kept whole (everything is in raw). */
export function unknownEvent(eventName: string): EventDraft {
  const action = eventName.startsWith('codex.') ? eventName : `otel.${eventName}`;
  return { action, severity: 'info', message: `Codex event ${eventName}`, fields: {} };
}
