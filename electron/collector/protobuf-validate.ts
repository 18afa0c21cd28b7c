/**
 * Checks that a body is a well-formed OTLP ExportMetricsServiceRequest / ExportTraceServiceRequest
 * on the wire, without building a single object.
 *
 * Why: Beacon drops metrics (design.md: "received ... and dropped") and, unless
 * --include-codex-spans, spans too. Decoding Codex's 171 KB metrics export with protobufjs and
 * walking it took a fresh collector 50-65 ms (schema parse, decoder code generation, thousands
 * of objects) while Codex waited for the answer at exit. Walking tags and lengths is a few
 * hundred microseconds and allocates nothing, and the exporter still gets a 400 for a body
 * that is not protobuf, is cut short, or nests a length that runs past its parent.
 *
 * What is checked: every tag (field number > 0, wire type 0, 1, 2 or 5; groups are refused as
 * OTLP has none), every varint terminates, every fixed-size and length-delimited field fits in
 * its enclosing message, and every length-delimited field that the schema declares as a message
 * is itself checked the same way, recursively. Like protobufjs, string contents are not checked
 * for UTF-8 and unknown fields are skipped. Field numbers follow otlp-schema.ts.
 */
import { DecodeError } from './decode-shared';

/** Field number -> schema of that (message-typed) field. Fields absent here are scalars/strings/bytes. */
type MessageShape = Map<number, MessageShape>;

const shape = (): MessageShape => new Map();

// common.v1
const ANY_VALUE = shape();
const ARRAY_VALUE = shape();
const KEY_VALUE = shape();
const KEY_VALUE_LIST = shape();
const SCOPE = shape();
ANY_VALUE.set(5, ARRAY_VALUE).set(6, KEY_VALUE_LIST);
ARRAY_VALUE.set(1, ANY_VALUE);
KEY_VALUE.set(2, ANY_VALUE);
KEY_VALUE_LIST.set(1, KEY_VALUE);
SCOPE.set(3, KEY_VALUE);
const RESOURCE = shape().set(1, KEY_VALUE);

// trace.v1
const SPAN_EVENT = shape().set(3, KEY_VALUE);
const SPAN_LINK = shape().set(4, KEY_VALUE);
const SPAN_STATUS = shape();
const SPAN = shape().set(9, KEY_VALUE).set(11, SPAN_EVENT).set(13, SPAN_LINK).set(15, SPAN_STATUS);
const SCOPE_SPANS = shape().set(1, SCOPE).set(2, SPAN);
const RESOURCE_SPANS = shape().set(1, RESOURCE).set(2, SCOPE_SPANS);
const EXPORT_TRACE = shape().set(1, RESOURCE_SPANS);

// metrics.v1
const EXEMPLAR = shape().set(7, KEY_VALUE);
const NUMBER_POINT = shape().set(7, KEY_VALUE).set(5, EXEMPLAR);
const HISTOGRAM_POINT = shape().set(9, KEY_VALUE).set(8, EXEMPLAR);
const BUCKETS = shape();
const EXP_HISTOGRAM_POINT = shape().set(1, KEY_VALUE).set(8, BUCKETS).set(9, BUCKETS).set(11, EXEMPLAR);
const QUANTILE = shape();
const SUMMARY_POINT = shape().set(7, KEY_VALUE).set(6, QUANTILE);
const GAUGE = shape().set(1, NUMBER_POINT);
const SUM = shape().set(1, NUMBER_POINT);
const HISTOGRAM = shape().set(1, HISTOGRAM_POINT);
const EXP_HISTOGRAM = shape().set(1, EXP_HISTOGRAM_POINT);
const SUMMARY = shape().set(1, SUMMARY_POINT);
const METRIC = shape().set(5, GAUGE).set(7, SUM).set(9, HISTOGRAM).set(10, EXP_HISTOGRAM).set(11, SUMMARY).set(12, KEY_VALUE);
const SCOPE_METRICS = shape().set(1, SCOPE).set(2, METRIC);
const RESOURCE_METRICS = shape().set(1, RESOURCE).set(2, SCOPE_METRICS);
const EXPORT_METRICS = shape().set(1, RESOURCE_METRICS);

/** Nesting deeper than this is refused (AnyValue can nest without bound; recursion must not). */
const MAX_DEPTH = 64;

/** A RangeError, like protobufjs's own out-of-range errors, so callers can treat both alike. */
class WireError extends RangeError {}

/**
 * Read position shared by varint() and walk(). A module variable rather than returned tuples:
 * this code mostly runs cold (once per Codex export, often in a fresh process), where the
 * interpreter makes array destructuring many times slower than a plain variable.
 */
let pos = 0;

/** Reads a varint at `pos` (advancing it); returns its low 32 bits, unsigned. */
function varint(buf: Uint8Array, end: number): number {
  let value = 0;
  for (let shift = 0; shift < 70; shift += 7) {
    if (pos >= end) throw new WireError(`varint runs past the end of its message at offset ${pos}`);
    const b = buf[pos++];
    if (shift < 32) value = (value | ((b & 0x7f) << shift)) >>> 0;
    if (b < 0x80) return value;
  }
  throw new WireError(`varint longer than 10 bytes at offset ${pos}`);
}

function walk(buf: Uint8Array, end: number, msg: MessageShape, depth: number): void {
  if (depth > MAX_DEPTH) throw new WireError(`messages nested more than ${MAX_DEPTH} deep`);
  while (pos < end) {
    const at = pos;
    const tag = varint(buf, end);
    const field = tag >>> 3;
    if (field === 0) throw new WireError(`invalid field number 0 at offset ${at}`);
    const wire = tag & 7;
    if (wire === 0) {
      varint(buf, end);
    } else if (wire === 1) {
      pos += 8;
    } else if (wire === 5) {
      pos += 4;
    } else if (wire === 2) {
      const len = varint(buf, end);
      const stop = pos + len;
      if (stop > end) throw new WireError(`field ${field} of ${len} bytes at offset ${at} runs past the end of its message`);
      const child = msg.get(field);
      if (child) walk(buf, stop, child, depth + 1);
      pos = stop;
    } else {
      throw new WireError(`invalid wire type ${wire} at offset ${at}`);
    }
    if (pos > end) throw new WireError(`field ${field} at offset ${at} runs past the end of its message`);
  }
}

/**
 * Throws a RangeError unless buf[start, end) is a well-formed AnyValue. For readers that skip a
 * value without decoding it (protobuf-logs-reader.ts) but must still refuse malformed input.
 */
export function checkAnyValue(buf: Uint8Array, start: number, end: number): void {
  pos = start;
  walk(buf, end, ANY_VALUE, 0);
}

const ROOTS = {
  metrics: { shape: EXPORT_METRICS, name: 'ExportMetricsServiceRequest' },
  traces: { shape: EXPORT_TRACE, name: 'ExportTraceServiceRequest' },
} as const;

/**
 * Throws DecodeError (same wording as a failed decode) unless `body` is a well-formed
 * ExportMetricsServiceRequest / ExportTraceServiceRequest. An empty body is valid.
 */
export function validateOtlpProtobuf(signal: 'metrics' | 'traces', body: Uint8Array): void {
  const root = ROOTS[signal];
  try {
    pos = 0;
    walk(body, body.length, root.shape, 0);
  } catch (err) {
    if (!(err instanceof WireError)) throw err;
    throw new DecodeError(`request body is not a valid OTLP protobuf ${root.name}: ${err.message}`, { cause: err });
  }
}
