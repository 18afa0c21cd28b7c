/**
 * OTLP binary protobuf -> the plain shapes of otlp-types.ts.
 *
 * Logs (every Codex event, the hot path) are read straight off the wire by
 * protobuf-logs-reader.ts. Traces and metrics are checked by protobuf-validate.ts (protobufjs
 * lets malformed bodies through), then go through protobufjs's generated decoder and
 * the walk below, which copies only what the normalizer reads into plain objects (ids as
 * lower-case hex, 64-bit numbers as decimal strings, AnyValue as plain JS). The walk avoids
 * generic reflection (toObject) and checks own properties directly: a decoded protobufjs
 * message keeps proto3 defaults on its prototype, so "is this oneof member set" is an own-key
 * question, not a truthiness one.
 */
import { otlpTypes } from './otlp-schema';
import { DecodeError, setAttribute } from './decode-shared';
import { readExportLogsRequest, type ReadStats } from './protobuf-logs-reader';
import { validateOtlpProtobuf } from './protobuf-validate';
import type {
  AnyValue,
  Attributes,
  DecodedRequest,
  Metric,
  ResourceLogs,
  ResourceMetrics,
  LogRecordFilter,
  ResourceSpans,
  Scope,
  Signal,
  Span,
} from '../shared/otlp-types';

/** protobufjs gives 64-bit fields as Long (from its `long` dependency), or number without it. */
type Int64 = { toNumber(): number; toString(): string } | number;

// Minimal views of the decoded protobufjs messages (only the fields we read).
interface PbAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: Int64;
  doubleValue?: number;
  arrayValue?: { values: PbAnyValue[] };
  kvlistValue?: { values: PbKeyValue[] };
  bytesValue?: Uint8Array;
}
interface PbKeyValue {
  key: string;
  value?: PbAnyValue | null;
}
interface PbScope {
  name: string;
  version: string;
}
interface PbResource {
  attributes: PbKeyValue[];
}
interface PbSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  parentSpanId: Uint8Array;
  name: string;
  kind: number;
  startTimeUnixNano: Int64;
  endTimeUnixNano: Int64;
  attributes: PbKeyValue[];
  status?: { code: number; message: string } | null;
}
interface PbMetric {
  name: string;
  description: string;
  unit: string;
  gauge?: { dataPoints: unknown[] };
  sum?: { dataPoints: unknown[] };
  histogram?: { dataPoints: unknown[] };
  exponentialHistogram?: { dataPoints: unknown[] };
  summary?: { dataPoints: unknown[] };
}
/** ResourceLogs / ResourceSpans / ResourceMetrics: a resource plus its scope list. */
interface PbResourceEntry {
  resource?: PbResource | null;
  [scopeList: string]: unknown;
}

const own = Object.prototype.hasOwnProperty;

function int64String(v: Int64): string {
  if (typeof v === 'number') return String(v);
  // BigInt from the two halves is ~4x faster than Long's own toString.
  const l = v as unknown as { low: number; high: number; unsigned: boolean };
  if (typeof l.low === 'number' && typeof l.high === 'number') {
    const big = (BigInt(l.high >>> 0) << 32n) | BigInt(l.low >>> 0);
    return (l.unsigned ? big : BigInt.asIntN(64, big)).toString();
  }
  return v.toString();
}

/** intValue as a number when exactly representable, otherwise its decimal string. */
function int64Value(v: Int64): number | string {
  if (typeof v === 'number') return v;
  const n = v.toNumber();
  return Number.isSafeInteger(n) ? n : v.toString();
}

function hex(b: Uint8Array | undefined | null): string {
  if (!b || b.length === 0) return '';
  return Buffer.isBuffer(b) ? b.toString('hex') : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

function base64(b: Uint8Array): string {
  return Buffer.isBuffer(b) ? b.toString('base64') : Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

function anyValue(v: PbAnyValue | null | undefined): AnyValue {
  if (v == null) return null;
  // Most Codex attributes are strings: test that first.
  if (own.call(v, 'stringValue')) return v.stringValue as string;
  if (own.call(v, 'intValue')) return int64Value(v.intValue as Int64);
  if (own.call(v, 'boolValue')) return v.boolValue as boolean;
  if (own.call(v, 'doubleValue')) return v.doubleValue as number;
  if (own.call(v, 'arrayValue')) {
    const values = v.arrayValue?.values ?? [];
    const out: AnyValue[] = new Array(values.length);
    for (let i = 0; i < values.length; i++) out[i] = anyValue(values[i]);
    return out;
  }
  if (own.call(v, 'kvlistValue')) return attributes(v.kvlistValue?.values ?? []);
  if (own.call(v, 'bytesValue')) return { bytes: base64(v.bytesValue as Uint8Array) };
  return null; // an AnyValue with no member set
}

function attributes(kvs: PbKeyValue[]): Attributes {
  const out: Attributes = {};
  for (let i = 0; i < kvs.length; i++) {
    const kv = kvs[i];
    setAttribute(out, kv.key, anyValue(kv.value));
  }
  return out;
}

function scope(s: PbScope | null | undefined): Scope {
  return s ? { name: s.name, version: s.version } : { name: '', version: '' };
}

function resource(r: PbResource | null | undefined): Attributes {
  return r ? attributes(r.attributes) : {};
}

function span(s: PbSpan): Span {
  return {
    traceId: hex(s.traceId),
    spanId: hex(s.spanId),
    parentSpanId: hex(s.parentSpanId),
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: int64String(s.startTimeUnixNano),
    endTimeUnixNano: int64String(s.endTimeUnixNano),
    attributes: attributes(s.attributes),
    status: s.status ? { code: s.status.code, message: s.status.message } : { code: 0, message: '' },
  };
}

const METRIC_KINDS = ['gauge', 'sum', 'histogram', 'exponentialHistogram', 'summary'] as const;

function metric(m: PbMetric): Metric {
  for (const kind of METRIC_KINDS) {
    if (own.call(m, kind)) {
      return { name: m.name, description: m.description, unit: m.unit, type: kind, dataPointCount: m[kind]?.dataPoints.length ?? 0 };
    }
  }
  return { name: m.name, description: m.description, unit: m.unit, type: 'unknown', dataPointCount: 0 };
}

function decodeMessage(signal: Signal, buf: Buffer, logFilter: LogRecordFilter | undefined, stats: ReadStats): unknown {
  // Logs, the hot path, are read straight off the wire, strictly (see protobuf-logs-reader.ts).
  // protobufjs's decoder is lenient (protobuf-validate.ts says where), so traces and metrics are
  // checked by the strict walker before protobufjs reads them.
  if (signal !== 'logs') validateOtlpProtobuf(signal, buf);
  const t = otlpTypes();
  const type = signal === 'logs' ? t.ExportLogsServiceRequest : signal === 'traces' ? t.ExportTraceServiceRequest : t.ExportMetricsServiceRequest;
  try {
    return signal === 'logs' ? readExportLogsRequest(buf, logFilter, stats) : type.decode(buf);
  } catch (err) {
    const detail = err instanceof Error ? err.message : String(err);
    throw new DecodeError(`request body is not a valid OTLP protobuf ${type.name}: ${detail}`, { cause: err });
  }
}

/**
 * Decodes the body of a POST /v1/{logs,traces,metrics} sent as application/x-protobuf.
 * An empty buffer is a valid, empty request. Throws DecodeError on malformed input.
 * `logFilter` leaves out log records its consumer would drop, without decoding them.
 */
export function decodeOtlpProtobuf(signal: Signal, input: Uint8Array, logFilter?: LogRecordFilter): DecodedRequest {
  // protobufjs yields Buffer slices for bytes fields only when it reads from a Buffer.
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  const stats: ReadStats = { droppedValues: 0 };
  const decoded = decodeMessage(signal, buf, logFilter, stats);
  const msg = decoded as Record<string, unknown>;
  switch (signal) {
    case 'logs':
      return stats.droppedValues > 0 ? { signal, resourceLogs: decoded as ResourceLogs[], droppedValues: stats.droppedValues } : { signal, resourceLogs: decoded as ResourceLogs[] };
    case 'traces': {
      const rss = (msg.resourceSpans ?? []) as PbResourceEntry[];
      const resourceSpans: ResourceSpans[] = rss.map((rs) => ({
        resource: resource(rs.resource),
        scopeSpans: ((rs.scopeSpans ?? []) as { scope?: PbScope | null; spans: PbSpan[] }[]).map((ss) => ({
          scope: scope(ss.scope),
          spans: ss.spans.map(span),
        })),
      }));
      return { signal, resourceSpans };
    }
    case 'metrics': {
      const rms = (msg.resourceMetrics ?? []) as PbResourceEntry[];
      const resourceMetrics: ResourceMetrics[] = rms.map((rm) => ({
        resource: resource(rm.resource),
        scopeMetrics: ((rm.scopeMetrics ?? []) as { scope?: PbScope | null; metrics: PbMetric[] }[]).map((sm) => ({
          scope: scope(sm.scope),
          metrics: sm.metrics.map(metric),
        })),
      }));
      return { signal, resourceMetrics };
    }
  }
}
