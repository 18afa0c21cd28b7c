/** Builders for synthetic Codex log records, shaped like what the OTLP decoders produce. */
import type { Attributes, LogRecord, ResourceLogs, ResourceSpans, Span } from '../../electron/shared/otlp-types';
import { CodexNormalizer, type NormalizeContext } from '../../electron/codex/normalizer';

export const FIXED_NOW = new Date('2026-11-24T06:00:00.000Z');

export function context(overrides: Partial<NormalizeContext> = {}): NormalizeContext {
  return {
    includeSpans: false,
    endpoint: { os: 'linux', hostname: 'test-host', agent_version: '0.1.0' },
    now: () => FIXED_NOW,
    ...overrides,
  };
}

export function normalizer(overrides: Partial<NormalizeContext> = {}): CodexNormalizer {
  return new CodexNormalizer(context(overrides));
}

export const CONV = '01a20c0d-3016-7772-bb1a-000000000001';

/** The attributes Codex puts on every codex.* event. */
export function common(conversationId = CONV): Attributes {
  return {
    'event.timestamp': '2026-11-24T05:35:20.604Z',
    'conversation.id': conversationId,
    'app.version': '0.169.0',
    originator: 'codex_exec',
    'terminal.type': 'xterm',
    model: 'gpt-5-codex',
    slug: 'gpt-5-codex',
  };
}

export function record(attributes: Attributes, extra: Partial<LogRecord> = {}): LogRecord {
  return {
    timeUnixNano: '0',
    observedTimeUnixNano: '1795498520604637030',
    severityNumber: 9,
    severityText: 'INFO',
    body: null,
    attributes,
    traceId: '',
    spanId: '',
    eventName: 'event otel/src/events/session_telemetry.rs:1',
    ...extra,
  };
}

/** A codex.* event record with the common attributes. */
export function codexEvent(name: string, attrs: Attributes, conversationId = CONV): LogRecord {
  return record({ 'event.name': name, ...common(conversationId), ...attrs });
}

export function batch(records: LogRecord[], resource: Attributes = { 'service.name': 'codex_exec', 'service.version': '0.169.0', 'host.name': 'vm' }): ResourceLogs[] {
  return [{ resource, scopeLogs: [{ scope: { name: 'codex_otel.log_only', version: '' }, logRecords: records }] }];
}

export function toolResult(attrs: Attributes): LogRecord {
  return codexEvent('codex.tool_result', {
    tool_result_seq: 1,
    tool_namespace: 'functions',
    call_id: 'call_x',
    duration_ms: '25',
    success: 'true',
    output_truncated: false,
    mcp_server: '',
    mcp_server_origin: '',
    ...attrs,
  });
}

export function spans(list: Partial<Span>[], resource: Attributes = { 'service.name': 'codex_exec', 'service.version': '0.169.0' }): ResourceSpans[] {
  return [
    {
      resource,
      scopeSpans: [
        {
          scope: { name: 'codex_exec', version: '' },
          spans: list.map((s) => ({
            traceId: 'aa'.repeat(16),
            spanId: 'bb'.repeat(8),
            parentSpanId: '',
            name: 'span',
            kind: 1,
            startTimeUnixNano: '1795498520604637030',
            endTimeUnixNano: '1795498520704637030',
            attributes: {},
            status: { code: 0, message: '' },
            ...s,
          })),
        },
      ],
    },
  ];
}
