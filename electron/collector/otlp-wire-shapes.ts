/**
 * What the strict wire readers (protobuf-validate.ts, protobuf-logs-reader.ts) know of each
 * OTLP message: for every field number, how it is encoded, and for message fields, the shape
 * of the sub-message. This is otlp-schema.ts restated as tables a reader can index without a
 * protobufjs parse (which costs a fresh collector tens of milliseconds); a test derives the same
 * tables from protobufjs's reflection of otlp-schema.ts and checks that they are equal.
 *
 * Why field kinds and not only "which fields are messages": protobuf's rules depend on them. A
 * field the schema knows must come with the wire type of its type, a string must be UTF-8, a
 * packed list must hold whole elements (see protobuf-validate.ts for the full list).
 */

// Field kinds. 0 = not in the schema (skipped as an unknown field).
export const K_UNKNOWN = 0;
/** int64, uint64, sint64: wire type 0. */
export const K_VARINT = 1;
/** fixed64, sfixed64, double: wire type 1. */
export const K_I64 = 2;
/** fixed32, sfixed32, float: wire type 5. */
export const K_I32 = 3;
export const K_STRING = 4;
export const K_BYTES = 5;
export const K_MESSAGE = 6;
/** repeated numbers: the scalar wire type, or wire type 2 holding packed elements. */
export const K_REPEATED_VARINT = 7;
export const K_REPEATED_I64 = 8;
export const K_REPEATED_I32 = 9;
/**
 * int32, uint32, sint32, bool, enum: wire type 0, read as 32 bits. Kept apart from K_VARINT
 * because such a varint must be 1-5 bytes, or exactly 10 (a negative int32): protobufjs reads
 * 5 bytes and then skips exactly 5 more, so any other length is misread (protobuf-validate.ts).
 */
export const K_VARINT32 = 10;

export interface WireShape {
  /** The protobuf message name (for error messages). */
  readonly name: string;
  /** kinds[fieldNumber]; numbers past the end are unknown. */
  kinds: Uint8Array;
  /** children[fieldNumber] for K_MESSAGE fields. */
  children: (WireShape | undefined)[];
}

type FieldSpec = number | WireShape;

function shape(name: string): WireShape {
  return { name, kinds: new Uint8Array(0), children: [] };
}

/** Fills a shape: each entry is a kind, or a shape for a message field. */
function define(s: WireShape, fields: Record<number, FieldSpec>): void {
  const max = Math.max(0, ...Object.keys(fields).map(Number));
  s.kinds = new Uint8Array(max + 1);
  s.children = new Array(max + 1).fill(undefined);
  for (const [k, v] of Object.entries(fields)) {
    const n = Number(k);
    if (typeof v === 'number') s.kinds[n] = v;
    else {
      s.kinds[n] = K_MESSAGE;
      s.children[n] = v;
    }
  }
}

// common.v1, resource.v1
export const ANY_VALUE = shape('AnyValue');
export const ARRAY_VALUE = shape('ArrayValue');
export const KEY_VALUE_LIST = shape('KeyValueList');
export const KEY_VALUE = shape('KeyValue');
export const SCOPE = shape('InstrumentationScope');
export const RESOURCE = shape('Resource');
define(ANY_VALUE, { 1: K_STRING, 2: K_VARINT32, 3: K_VARINT, 4: K_I64, 5: ARRAY_VALUE, 6: KEY_VALUE_LIST, 7: K_BYTES });
define(ARRAY_VALUE, { 1: ANY_VALUE });
define(KEY_VALUE_LIST, { 1: KEY_VALUE });
define(KEY_VALUE, { 1: K_STRING, 2: ANY_VALUE });
define(SCOPE, { 1: K_STRING, 2: K_STRING, 3: KEY_VALUE, 4: K_VARINT32 });
define(RESOURCE, { 1: KEY_VALUE, 2: K_VARINT32 });

// logs.v1
export const LOG_RECORD = shape('LogRecord');
export const SCOPE_LOGS = shape('ScopeLogs');
export const RESOURCE_LOGS = shape('ResourceLogs');
export const EXPORT_LOGS = shape('ExportLogsServiceRequest');
define(LOG_RECORD, { 1: K_I64, 11: K_I64, 2: K_VARINT32, 3: K_STRING, 5: ANY_VALUE, 6: KEY_VALUE, 7: K_VARINT32, 8: K_I32, 9: K_BYTES, 10: K_BYTES, 12: K_STRING });
define(SCOPE_LOGS, { 1: SCOPE, 2: LOG_RECORD, 3: K_STRING });
define(RESOURCE_LOGS, { 1: RESOURCE, 2: SCOPE_LOGS, 3: K_STRING });
define(EXPORT_LOGS, { 1: RESOURCE_LOGS });

// trace.v1
const SPAN_EVENT = shape('Event');
const SPAN_LINK = shape('Link');
const SPAN_STATUS = shape('Status');
const SPAN = shape('Span');
const SCOPE_SPANS = shape('ScopeSpans');
const RESOURCE_SPANS = shape('ResourceSpans');
export const EXPORT_TRACE = shape('ExportTraceServiceRequest');
define(SPAN_EVENT, { 1: K_I64, 2: K_STRING, 3: KEY_VALUE, 4: K_VARINT32 });
define(SPAN_LINK, { 1: K_BYTES, 2: K_BYTES, 3: K_STRING, 4: KEY_VALUE, 5: K_VARINT32, 6: K_I32 });
define(SPAN_STATUS, { 2: K_STRING, 3: K_VARINT32 });
define(SPAN, {
  1: K_BYTES, 2: K_BYTES, 3: K_STRING, 4: K_BYTES, 16: K_I32, 5: K_STRING, 6: K_VARINT32, 7: K_I64, 8: K_I64,
  9: KEY_VALUE, 10: K_VARINT32, 11: SPAN_EVENT, 12: K_VARINT32, 13: SPAN_LINK, 14: K_VARINT32, 15: SPAN_STATUS,
});
define(SCOPE_SPANS, { 1: SCOPE, 2: SPAN, 3: K_STRING });
define(RESOURCE_SPANS, { 1: RESOURCE, 2: SCOPE_SPANS, 3: K_STRING });
define(EXPORT_TRACE, { 1: RESOURCE_SPANS });

// metrics.v1
const EXEMPLAR = shape('Exemplar');
const NUMBER_POINT = shape('NumberDataPoint');
const HISTOGRAM_POINT = shape('HistogramDataPoint');
const BUCKETS = shape('Buckets');
const EXP_HISTOGRAM_POINT = shape('ExponentialHistogramDataPoint');
const QUANTILE = shape('ValueAtQuantile');
const SUMMARY_POINT = shape('SummaryDataPoint');
const GAUGE = shape('Gauge');
const SUM = shape('Sum');
const HISTOGRAM = shape('Histogram');
const EXP_HISTOGRAM = shape('ExponentialHistogram');
const SUMMARY = shape('Summary');
const METRIC = shape('Metric');
const SCOPE_METRICS = shape('ScopeMetrics');
const RESOURCE_METRICS = shape('ResourceMetrics');
export const EXPORT_METRICS = shape('ExportMetricsServiceRequest');
define(EXEMPLAR, { 7: KEY_VALUE, 2: K_I64, 3: K_I64, 6: K_I64, 4: K_BYTES, 5: K_BYTES });
define(NUMBER_POINT, { 7: KEY_VALUE, 2: K_I64, 3: K_I64, 4: K_I64, 6: K_I64, 5: EXEMPLAR, 8: K_VARINT32 });
define(HISTOGRAM_POINT, {
  9: KEY_VALUE, 2: K_I64, 3: K_I64, 4: K_I64, 5: K_I64, 6: K_REPEATED_I64, 7: K_REPEATED_I64, 8: EXEMPLAR, 10: K_VARINT32, 11: K_I64, 12: K_I64,
});
define(BUCKETS, { 1: K_VARINT32, 2: K_REPEATED_VARINT });
define(EXP_HISTOGRAM_POINT, {
  1: KEY_VALUE, 2: K_I64, 3: K_I64, 4: K_I64, 5: K_I64, 6: K_VARINT32, 7: K_I64, 8: BUCKETS, 9: BUCKETS, 10: K_VARINT32, 11: EXEMPLAR,
  12: K_I64, 13: K_I64, 14: K_I64,
});
define(QUANTILE, { 1: K_I64, 2: K_I64 });
define(SUMMARY_POINT, { 7: KEY_VALUE, 2: K_I64, 3: K_I64, 4: K_I64, 5: K_I64, 6: QUANTILE, 8: K_VARINT32 });
define(GAUGE, { 1: NUMBER_POINT });
define(SUM, { 1: NUMBER_POINT, 2: K_VARINT32, 3: K_VARINT32 });
define(HISTOGRAM, { 1: HISTOGRAM_POINT, 2: K_VARINT32 });
define(EXP_HISTOGRAM, { 1: EXP_HISTOGRAM_POINT, 2: K_VARINT32 });
define(SUMMARY, { 1: SUMMARY_POINT });
define(METRIC, { 1: K_STRING, 2: K_STRING, 3: K_STRING, 5: GAUGE, 7: SUM, 9: HISTOGRAM, 10: EXP_HISTOGRAM, 11: SUMMARY, 12: KEY_VALUE });
define(SCOPE_METRICS, { 1: SCOPE, 2: METRIC, 3: K_STRING });
define(RESOURCE_METRICS, { 1: RESOURCE, 2: SCOPE_METRICS, 3: K_STRING });
define(EXPORT_METRICS, { 1: RESOURCE_METRICS });
