/**
 * Codex OTLP -> Beacon events (design.md section 4, "Codex mapping").
 *
 * Codex identifies its events by the ATTRIBUTE `event.name` (LogRecord.eventName holds a source
 * location), puts everything in attributes with mixed types, and sends a lot of transport noise.
 * Per record this module: drops noise by looking only at the record's own attributes (no merge,
 * no parse: most records in a batch are per-chunk SSE records); otherwise reads the record's
 * attributes layered over its resource's (layered-attributes.ts), interprets the event (normalize-log-events.ts, normalize-tool-result.ts),
 * and wraps it in the common envelope (normalize-envelope.ts).
 *
 * Kept:    conversation_starts, user_prompt, tool_decision, tool_result, agent_response, the
 *          token-bearing sse_event, error-bearing api_request / sse_event / websocket_* records,
 *          every codex.* event we do not know (action = its event name, category other),
 *          non-event records at WARN or above (action `codex.log`).
 * Dropped: sse_event without tokens or error, successful api_request / websocket_*,
 *          startup_phase, turn_ttft, non-event records below WARN ("flushing OTEL metrics").
 *
 * Stateful across batches (hence a class): the TUI's hidden title-generation conversation is
 * recognised by its prompt (or its read-only, MCP-less conversation_starts from codex-tui) and
 * every later event of that conversation id, e.g. its token usage, is marked
 * `session.title_generation: true`.
 */
import type { Attributes, LogRecord, LogRecordFilter, ResourceLogs, ResourceSpans } from '../shared/otlp-types';
import type { BeaconEvent } from '../shared/event';
import type { HarnessNormalizer, NormalizerOptions } from '../shared/harness';
import { attrString, eventTimestamp } from './normalize-attributes';
import { LayeredAttributes } from '../shared/layered-attributes';
import { conversationIdOf, envelope, finishIdentity } from './normalize-envelope';
import {
  agentResponse,
  isTransportError,
  promptSubmitted,
  sessionStarted,
  tokenUsage,
  toolDecision,
  transportError,
  unknownEvent,
} from './normalize-log-events';
import { runContextFromResource, type RunContext } from './normalize-run';
import { spanEvent } from './normalize-spans';
import { clip, interpretToolResult, type EventDraft } from './normalize-tool-result';

/** What a Codex normalizer needs: the harness contract's normalizer options. */
export type NormalizeContext = NormalizerOptions;

/** The prompt Codex's TUI sends in its hidden conversation that names the session. */
export const TITLE_PROMPT_PREFIX = 'Generate a concise, single-line task title';

/** How many conversation ids to remember as title generation (a few per TUI session). */
const TITLE_MEMORY = 1024;

/** OTLP SeverityNumber.WARN: non-event records below it are SDK chatter. */
const SEVERITY_WARN = 13;

/** Always noise: timing records with no content. */
const ALWAYS_DROPPED = new Set(['codex.startup_phase', 'codex.turn_ttft']);
/** Transport records: noise unless they report a failure. */
const TRANSPORT = new Set(['codex.api_request', 'codex.websocket_connect', 'codex.websocket_request', 'codex.websocket_event']);

const NO_ATTRIBUTES: Attributes = Object.freeze({});

/** Decided on the record's own attributes only: cheap for the many per-chunk SSE records. */
function isNoise(name: string, recAttrs: Attributes): boolean {
  if (ALWAYS_DROPPED.has(name)) return true;
  if (name === 'codex.sse_event') {
    const tokens = recAttrs.input_token_count;
    return (tokens === undefined || tokens === '') && !recAttrs['error.message'];
  }
  if (TRANSPORT.has(name)) return !isTransportError(new LayeredAttributes(recAttrs, NO_ATTRIBUTES));
  return false;
}

/** Whether normalizeLogs() drops this record outright (no event at all). */
function isDroppedRecord(severityNumber: number, recAttrs: Attributes): boolean {
  const name = recAttrs['event.name'];
  if (typeof name !== 'string' || name === '') return severityNumber < SEVERITY_WARN;
  return isNoise(name, recAttrs);
}

/**
 * The noise rules above as a decoder-side filter (collector/log-record-peek.ts): records it drops
 * are never decoded. `keys` must list every attribute isDroppedRecord() reads.
 */
export const CODEX_LOG_RECORD_FILTER: LogRecordFilter = {
  keys: ['event.name', 'input_token_count', 'error.message', 'http.response.status_code', 'success'],
  keep: (severityNumber, attrs) => !isDroppedRecord(severityNumber, attrs),
};

/** A Map used as an insertion-ordered set with a size bound (oldest forgotten first). */
class BoundedSet {
  private readonly items = new Map<string, true>();
  constructor(private readonly limit: number) {}
  has(key: string): boolean {
    return this.items.has(key);
  }
  add(key: string): void {
    this.items.delete(key);
    this.items.set(key, true);
    if (this.items.size > this.limit) {
      const oldest = this.items.keys().next().value;
      if (oldest !== undefined) this.items.delete(oldest);
    }
  }
}

export class CodexNormalizer implements HarnessNormalizer {
  private readonly titleConversations = new BoundedSet(TITLE_MEMORY);
  private readonly now: () => Date;

  constructor(private readonly ctx: NormalizeContext) {
    this.now = ctx.now ?? (() => new Date());
  }

  /** Whether events of this conversation id are marked as the TUI's title generation. */
  isTitleGeneration(conversationId: string): boolean {
    return this.titleConversations.has(conversationId);
  }

  normalizeLogs(resourceLogs: readonly ResourceLogs[]): BeaconEvent[] {
    const out: BeaconEvent[] = [];
    let newTitleIds: Set<string> | undefined;
    for (const rl of resourceLogs) {
      const resource = rl.resource ?? {};
      let run: RunContext | undefined;
      for (const sl of rl.scopeLogs) {
        for (const rec of sl.logRecords) {
          const recAttrs = rec.attributes ?? {};
          const name = recAttrs['event.name'];
          if (typeof name !== 'string' || name === '') {
            if (rec.severityNumber >= SEVERITY_WARN) {
              run ??= runContextFromResource(resource);
              out.push(this.nonEventRecord(rec, resource, run, sl.scope?.name));
            }
            continue;
          }
          if (isNoise(name, recAttrs)) continue;
          run ??= runContextFromResource(resource);
          const attrs = new LayeredAttributes(recAttrs, resource);
          const conversationId = conversationIdOf(attrs);
          if (conversationId && this.detectTitleGeneration(name, attrs) && !this.titleConversations.has(conversationId)) {
            this.titleConversations.add(conversationId);
            (newTitleIds ??= new Set()).add(conversationId);
          }
          this.emit(out, name, attrs, rec, run, conversationId);
        }
      }
    }
    // A title conversation is often recognised only at its prompt, after its session.started
    // in the same batch: mark what came before too.
    if (newTitleIds) {
      for (const ev of out) {
        const id = ev.session?.id;
        if (id && newTitleIds.has(id)) ev.session!.title_generation = true;
      }
    }
    return out;
  }

  normalizeSpans(resourceSpans: readonly ResourceSpans[]): BeaconEvent[] {
    if (!this.ctx.includeSpans) return [];
    const out: BeaconEvent[] = [];
    for (const rs of resourceSpans) {
      const resource = rs.resource ?? {};
      const run = runContextFromResource(resource);
      for (const ss of rs.scopeSpans) {
        for (const span of ss.spans) {
          const attrs = new LayeredAttributes(span.attributes ?? {}, resource);
          const conversationId = conversationIdOf(attrs);
          out.push(
            spanEvent(span, attrs, ss.scope?.name, {
              endpoint: this.ctx.endpoint,
              run,
              now: this.now,
              sessionId: conversationId,
              titleGeneration: conversationId ? this.titleConversations.has(conversationId) : false,
            }),
          );
        }
      }
    }
    return out;
  }

  private detectTitleGeneration(name: string, attrs: LayeredAttributes): boolean {
    if (name === 'codex.user_prompt') {
      const p = attrs.get('prompt');
      return typeof p === 'string' && p.startsWith(TITLE_PROMPT_PREFIX);
    }
    if (name === 'codex.conversation_starts') {
      // The TUI's own sessions always list its internal `codex_tui` MCP server; the hidden
      // title conversation is read-only with none.
      return (
        attrString(attrs, 'originator') === 'codex-tui' &&
        attrs.get('mcp_servers') === '' &&
        String(attrs.get('sandbox_policy') ?? '').toLowerCase().replace(/[^a-z]/g, '') === 'readonly'
      );
    }
    return false;
  }

  private emit(out: BeaconEvent[], name: string, attrs: LayeredAttributes, rec: LogRecord, run: RunContext, conversationId: string | undefined): void {
    const title = conversationId ? this.titleConversations.has(conversationId) : false;
    let drafts: EventDraft[];
    let codexUsage: Record<string, number> | undefined;
    switch (name) {
      case 'codex.conversation_starts':
        drafts = [sessionStarted(attrs, title)];
        break;
      case 'codex.user_prompt':
        drafts = [promptSubmitted(attrs, title)];
        break;
      case 'codex.tool_decision':
        drafts = [toolDecision(attrs)];
        break;
      case 'codex.tool_result':
        drafts = interpretToolResult(attrs);
        break;
      case 'codex.agent_response':
        drafts = [agentResponse(attrs)];
        break;
      case 'codex.sse_event':
        if (attrString(attrs, 'error.message')) {
          drafts = [transportError(name, attrs)];
        } else {
          const usage = tokenUsage(attrs);
          codexUsage = usage.codexUsage;
          drafts = [usage];
        }
        break;
      default:
        drafts = TRANSPORT.has(name) ? [transportError(name, attrs)] : [unknownEvent(name)];
    }
    const timestamp = eventTimestamp(attrs.get('event.timestamp'), rec.observedTimeUnixNano, rec.timeUnixNano, this.now);
    for (const d of drafts) {
      const ev = envelope({
        timestamp,
        action: d.action,
        severity: d.severity,
        endpoint: this.ctx.endpoint,
        attrs,
        run,
        sessionId: conversationId,
        titleGeneration: title,
      });
      if (d.fields.session) ev.session = { ...ev.session, ...d.fields.session };
      const { session: _s, gen_ai, ...blocks } = d.fields;
      Object.assign(ev, blocks);
      finishIdentity(ev, attrs, conversationId, gen_ai);
      if (rec.traceId) ev.trace = rec.spanId ? { id: rec.traceId, span_id: rec.spanId } : { id: rec.traceId };
      ev.message = d.message;
      const raw: Record<string, unknown> = { otel_signal: 'logs', event_name: name };
      if (rec.severityText) raw.severity = rec.severityText;
      if (codexUsage) raw.codex_usage = codexUsage;
      raw.attributes = attrs;
      ev.raw = raw;
      out.push(ev);
    }
  }

  /** A WARN/ERROR record without event.name (an SDK or exporter complaint): keep it visible. */
  private nonEventRecord(rec: LogRecord, resource: Attributes, run: RunContext, scope: string | undefined): BeaconEvent {
    const attrs = new LayeredAttributes(rec.attributes ?? {}, resource);
    const conversationId = conversationIdOf(attrs);
    const ev = envelope({
      timestamp: eventTimestamp(attrs.get('event.timestamp'), rec.observedTimeUnixNano, rec.timeUnixNano, this.now),
      action: 'codex.log',
      severity: rec.severityNumber >= 17 ? 'high' : 'medium',
      endpoint: this.ctx.endpoint,
      attrs,
      run,
      sessionId: conversationId,
      titleGeneration: conversationId ? this.titleConversations.has(conversationId) : false,
    });
    finishIdentity(ev, attrs, conversationId, undefined);
    const body = typeof rec.body === 'string' ? rec.body : rec.body == null ? '' : JSON.stringify(rec.body);
    ev.message = body ? `Codex ${rec.severityText || 'log'}: ${clip(body, 300)}` : `Codex ${rec.severityText || 'log'} record`;
    const raw: Record<string, unknown> = { otel_signal: 'logs' };
    if (rec.severityText) raw.severity = rec.severityText;
    if (scope) raw.scope = scope;
    if (body) raw.body = body;
    raw.attributes = attrs;
    ev.raw = raw;
    return ev;
  }
}

/** One-shot helpers for callers that do not need title-generation memory across batches. */
export function normalizeCodexLogs(resourceLogs: readonly ResourceLogs[], ctx: NormalizeContext): BeaconEvent[] {
  return new CodexNormalizer(ctx).normalizeLogs(resourceLogs);
}

export function normalizeCodexSpans(resourceSpans: readonly ResourceSpans[], ctx: NormalizeContext): BeaconEvent[] {
  return new CodexNormalizer(ctx).normalizeSpans(resourceSpans);
}
