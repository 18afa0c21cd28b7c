/**
 * Codex spans -> `span.recorded` events, one per span (only with --include-codex-spans).
 * Codex spans are internal `tracing` spans (hundreds per run) that never carry prompt or output
 * text; what a reader wants is the name, kind, status, duration and the ids to join them with
 * the log events (which carry the same trace id when emitted inside a span).
 */
import type { Span } from '../shared/otlp-types';
import type { LayeredAttributes } from '../shared/layered-attributes';
import type { BeaconEvent } from '../shared/event';
import { nanosDurationMs, nanosToMillisUtc } from './normalize-attributes';
import { envelope, finishIdentity, type EndpointIdentity } from './normalize-envelope';
import type { RunContext } from './normalize-run';

const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUSES = ['UNSET', 'OK', 'ERROR'];

export interface SpanContext {
  endpoint: EndpointIdentity;
  run: RunContext;
  now: () => Date;
  sessionId?: string;
  titleGeneration: boolean;
}

export function spanEvent(span: Span, attrs: LayeredAttributes, scope: string | undefined, ctx: SpanContext): BeaconEvent {
  const kind = KINDS[span.kind] ?? String(span.kind);
  const status = STATUSES[span.status?.code ?? 0] ?? String(span.status?.code);
  const duration = nanosDurationMs(span.startTimeUnixNano, span.endTimeUnixNano);
  const ev = envelope({
    timestamp: nanosToMillisUtc(span.startTimeUnixNano) ?? nanosToMillisUtc(span.endTimeUnixNano) ?? ctx.now().toISOString(),
    action: 'span.recorded',
    severity: status === 'ERROR' ? 'low' : 'info',
    endpoint: ctx.endpoint,
    attrs,
    run: ctx.run,
    sessionId: ctx.sessionId,
    titleGeneration: ctx.titleGeneration,
  });
  finishIdentity(ev, attrs, ctx.sessionId, undefined);
  ev.span = { name: span.name, kind, status };
  if (span.status?.message) ev.span.status_message = span.status.message;
  if (duration !== undefined) ev.span.duration_ms = duration;
  if (scope) ev.span.scope = scope;
  const trace: NonNullable<BeaconEvent['trace']> = {};
  if (span.traceId) trace.id = span.traceId;
  if (span.spanId) trace.span_id = span.spanId;
  if (span.parentSpanId) trace.parent_span_id = span.parentSpanId;
  ev.trace = trace;
  ev.message = `Codex span ${span.name}${duration !== undefined ? ` (${duration} ms)` : ''}${status === 'ERROR' ? ' failed' : ''}`;
  ev.raw = {
    otel_signal: 'traces',
    span_name: span.name,
    span_kind: kind,
    status: { code: status, message: span.status?.message ?? '' },
    start_time_unix_nano: span.startTimeUnixNano,
    end_time_unix_nano: span.endTimeUnixNano,
    attributes: attrs,
  };
  return ev;
}
