/**
 * Decoded OTLP data in one plain shape, whatever the wire encoding (protobuf or JSON).
 * Decoders produce these; the normalizer consumes them. Ids are lower-case hex ('' when
 * absent); 64-bit times are decimal strings (never JS numbers: nanoseconds exceed 2^53).
 */

export type AnyValue =
  | string
  | number
  | boolean
  | null
  | AnyValue[]
  | { [key: string]: AnyValue }
  /** bytesValue, as in OTLP/JSON: base64 */
  | { bytes: string };

export type Attributes = Record<string, AnyValue>;

export interface Scope {
  name: string;
  version: string;
}

export interface LogRecord {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber: number;
  severityText: string;
  body: AnyValue;
  attributes: Attributes;
  traceId: string;
  spanId: string;
  /** LogRecord.event_name (proto field 12). Codex puts a call site here, not the event name. */
  eventName: string;
}

/**
 * Lets the consumer drop log records before they are decoded (log-record-peek.ts): the
 * reader decodes only the attributes named in `keys` (a record's own attributes, last value
 * wins, absent keys absent) and skips the whole record when `keep` says no. A filter must give
 * the same answer as the consumer would on the fully decoded record, so it may read only those
 * keys and the severity.
 */
export interface LogRecordFilter {
  keys: readonly string[];
  keep(severityNumber: number, attrs: Attributes): boolean;
}

export interface ResourceLogs {
  resource: Attributes;
  scopeLogs: { scope: Scope; logRecords: LogRecord[] }[];
}

export interface Span {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Attributes;
  status: { code: number; message: string };
}

export interface ResourceSpans {
  resource: Attributes;
  scopeSpans: { scope: Scope; spans: Span[] }[];
}

export interface Metric {
  name: string;
  description: string;
  unit: string;
  /** gauge | sum | histogram | exponentialHistogram | summary | unknown */
  type: string;
  dataPointCount: number;
}

export interface ResourceMetrics {
  resource: Attributes;
  scopeMetrics: { scope: Scope; metrics: Metric[] }[];
}

export type Signal = 'logs' | 'traces' | 'metrics';

/**
 * `contentSkipped: true`: the receiver only checked that the body is well formed and did not
 * decode it, because the consumer said it drops this signal (otlp-server.ts, `needsContent`);
 * the item list is then empty whatever the body held.
 */
export type DecodedRequest = (
  | { signal: 'logs'; resourceLogs: ResourceLogs[]; contentSkipped?: true }
  | { signal: 'traces'; resourceSpans: ResourceSpans[]; contentSkipped?: true }
  | { signal: 'metrics'; resourceMetrics: ResourceMetrics[]; contentSkipped?: true }
) & {
  /** Attributes and array values the decoder checked but left out (its per-request limits). */
  droppedValues?: number;
};

export function itemCount(req: DecodedRequest): number {
  switch (req.signal) {
    case 'logs':
      return req.resourceLogs.reduce((n, r) => n + r.scopeLogs.reduce((m, s) => m + s.logRecords.length, 0), 0);
    case 'traces':
      return req.resourceSpans.reduce((n, r) => n + r.scopeSpans.reduce((m, s) => m + s.spans.length, 0), 0);
    case 'metrics':
      return req.resourceMetrics.reduce((n, r) => n + r.scopeMetrics.reduce((m, s) => m + s.metrics.reduce((k, x) => k + x.dataPointCount, 0), 0), 0);
  }
}
