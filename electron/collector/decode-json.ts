/**
 * OTLP/JSON -> the plain shapes of otlp-types.ts.
 *
 * OTLP/JSON is not plain proto3 JSON (spec "JSON Protobuf Encoding"): trace/span ids are
 * case-insensitive hex instead of base64, enums are integers, 64-bit integers may be strings
 * or numbers, and receivers must ignore unknown fields. Like the reference Collector we are
 * lenient where senders are known to stray: enum names, snake_case keys, base64 ids of the
 * right length, `null` for absent messages. Anything structurally wrong is a DecodeError whose
 * message names the offending field, because it is sent back to the exporter in the 400 body.
 */
import { otlpTypes } from './otlp-schema';
import { DecodeError, setAttribute } from './decode-shared';
import type {
  AnyValue,
  Attributes,
  DecodedRequest,
  LogRecord,
  Metric,
  ResourceLogs,
  ResourceMetrics,
  ResourceSpans,
  Scope,
  Signal,
  Span,
} from '../shared/otlp-types';

type Obj = Record<string, unknown>;

/** A field by its lowerCamelCase name, or the snake_case spelling some senders use. */
function field(o: Obj, camel: string, snake: string): unknown {
  const v = o[camel];
  return v !== undefined ? v : o[snake];
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function obj(v: unknown, where: string): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) throw new DecodeError(`${where}: expected an object, got ${describe(v)}`);
  return v;
}

function arr(v: unknown, where: string): unknown[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) throw new DecodeError(`${where}: expected an array, got ${describe(v)}`);
  return v;
}

function str(v: unknown, where: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new DecodeError(`${where}: expected a string, got ${describe(v)}`);
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return typeof v === 'object' ? 'an object' : `${typeof v} ${String(v)}`;
}

const CANONICAL_INT = /^(0|[1-9][0-9]*)$/;
const ANY_INT = /^[+-]?[0-9]+$/;

/** A 64-bit integer field (string or number on the wire) as a decimal string. */
function int64String(v: unknown, where: string): string {
  if (v === undefined || v === null) return '0';
  if (typeof v === 'string') {
    if (CANONICAL_INT.test(v)) return v;
    if (ANY_INT.test(v)) return BigInt(v).toString();
  } else if (typeof v === 'number' && Number.isInteger(v)) {
    return Number.isSafeInteger(v) ? String(v) : BigInt(v).toString();
  }
  throw new DecodeError(`${where}: expected a 64-bit integer (string or number), got ${describe(v)}`);
}

/** AnyValue.intValue: a number when exactly representable, else its decimal string. */
function int64Value(v: unknown, where: string): number | string {
  if (typeof v === 'number' && Number.isInteger(v)) return Number.isSafeInteger(v) ? v : BigInt(v).toString();
  const s = int64String(v, where);
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : s;
}

function double(v: unknown, where: string): number {
  if (typeof v === 'number') return v;
  // proto3 JSON spells non-finite doubles as strings; some senders quote ordinary numbers too.
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    if (!Number.isNaN(n) || v === 'NaN') return n;
  }
  throw new DecodeError(`${where}: expected a number, got ${describe(v)}`);
}

function bool(v: unknown, where: string): boolean {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new DecodeError(`${where}: expected a boolean, got ${describe(v)}`);
}

let enumCache: { severity: Record<string, number>; spanKind: Record<string, number>; statusCode: Record<string, number> } | undefined;
function enums() {
  if (!enumCache) {
    const root = otlpTypes().root;
    enumCache = {
      severity: root.lookupEnum('opentelemetry.proto.logs.v1.SeverityNumber').values,
      spanKind: root.lookupEnum('opentelemetry.proto.trace.v1.Span.SpanKind').values,
      statusCode: root.lookupEnum('opentelemetry.proto.trace.v1.Status.StatusCode').values,
    };
  }
  return enumCache;
}

/** Enums must be integers in OTLP/JSON; names are tolerated, as the Collector does. */
function enumValue(v: unknown, names: Record<string, number>, where: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string') {
    const byName = names[v];
    if (byName !== undefined && Object.prototype.hasOwnProperty.call(names, v)) return byName;
    if (ANY_INT.test(v)) return Number(v);
  }
  throw new DecodeError(`${where}: expected an enum integer, got ${describe(v)}`);
}

const HEX = /^[0-9a-fA-F]*$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * traceId (16 bytes) / spanId (8 bytes): hex per the spec, any case, '' when absent. A few old
 * exporters sent base64 (the generic proto3 JSON rule); accept that only when it decodes to the
 * exact id length, so a wrong-length hex id is still an error.
 */
function id(v: unknown, bytes: number, where: string): string {
  if (v === undefined || v === null || v === '') return '';
  if (typeof v === 'string') {
    if (v.length === bytes * 2 && HEX.test(v)) return v.toLowerCase();
    if (BASE64.test(v)) {
      const b = Buffer.from(v, 'base64');
      if (b.length === bytes) return b.toString('hex');
    }
  }
  throw new DecodeError(`${where}: expected ${bytes * 2} hex digits, got ${describe(v)}`);
}

function anyValue(v: unknown, where: string): AnyValue {
  if (v === undefined || v === null) return null;
  if (!isObj(v)) throw new DecodeError(`${where}: expected an AnyValue object, got ${describe(v)}`);
  let x: unknown;
  if ((x = field(v, 'stringValue', 'string_value')) !== undefined) return str(x, where);
  if ((x = field(v, 'intValue', 'int_value')) !== undefined) return int64Value(x, where);
  if ((x = field(v, 'boolValue', 'bool_value')) !== undefined) return bool(x, where);
  if ((x = field(v, 'doubleValue', 'double_value')) !== undefined) return double(x, where);
  if ((x = field(v, 'arrayValue', 'array_value')) !== undefined) {
    const values = arr(obj(x, where)?.values, `${where}.arrayValue.values`);
    return values.map((e, i) => anyValue(e, `${where}.arrayValue.values[${i}]`));
  }
  if ((x = field(v, 'kvlistValue', 'kvlist_value')) !== undefined) {
    return attributes(obj(x, where)?.values, `${where}.kvlistValue.values`);
  }
  if ((x = field(v, 'bytesValue', 'bytes_value')) !== undefined) {
    const s = str(x, where);
    if (!BASE64.test(s)) throw new DecodeError(`${where}.bytesValue: expected base64, got ${describe(x)}`);
    return { bytes: s };
  }
  return null; // `{}`: an attribute whose value is unset (allowed, e.g. an empty AnyValue)
}

function attributes(v: unknown, where: string): Attributes {
  const out: Attributes = {};
  const kvs = arr(v, where);
  for (let i = 0; i < kvs.length; i++) {
    const kv = obj(kvs[i], `${where}[${i}]`);
    if (!kv) continue;
    setAttribute(out, str(kv.key, `${where}[${i}].key`), anyValue(kv.value, `${where}[${i}].value`));
  }
  return out;
}

function resource(v: unknown, where: string): Attributes {
  const r = obj(v, where);
  return r ? attributes(r.attributes, `${where}.attributes`) : {};
}

function scope(v: unknown, where: string): Scope {
  const s = obj(v, where);
  return s ? { name: str(s.name, `${where}.name`), version: str(s.version, `${where}.version`) } : { name: '', version: '' };
}

function logRecord(v: unknown, where: string): LogRecord {
  const r = obj(v, where) ?? {};
  return {
    timeUnixNano: int64String(field(r, 'timeUnixNano', 'time_unix_nano'), `${where}.timeUnixNano`),
    observedTimeUnixNano: int64String(field(r, 'observedTimeUnixNano', 'observed_time_unix_nano'), `${where}.observedTimeUnixNano`),
    severityNumber: enumValue(field(r, 'severityNumber', 'severity_number'), enums().severity, `${where}.severityNumber`),
    severityText: str(field(r, 'severityText', 'severity_text'), `${where}.severityText`),
    body: anyValue(r.body, `${where}.body`),
    attributes: attributes(r.attributes, `${where}.attributes`),
    traceId: id(field(r, 'traceId', 'trace_id'), 16, `${where}.traceId`),
    spanId: id(field(r, 'spanId', 'span_id'), 8, `${where}.spanId`),
    eventName: str(field(r, 'eventName', 'event_name'), `${where}.eventName`),
  };
}

function span(v: unknown, where: string): Span {
  const s = obj(v, where) ?? {};
  const status = obj(s.status, `${where}.status`);
  return {
    traceId: id(field(s, 'traceId', 'trace_id'), 16, `${where}.traceId`),
    spanId: id(field(s, 'spanId', 'span_id'), 8, `${where}.spanId`),
    parentSpanId: id(field(s, 'parentSpanId', 'parent_span_id'), 8, `${where}.parentSpanId`),
    name: str(s.name, `${where}.name`),
    kind: enumValue(s.kind, enums().spanKind, `${where}.kind`),
    startTimeUnixNano: int64String(field(s, 'startTimeUnixNano', 'start_time_unix_nano'), `${where}.startTimeUnixNano`),
    endTimeUnixNano: int64String(field(s, 'endTimeUnixNano', 'end_time_unix_nano'), `${where}.endTimeUnixNano`),
    attributes: attributes(s.attributes, `${where}.attributes`),
    status: status
      ? { code: enumValue(status.code, enums().statusCode, `${where}.status.code`), message: str(status.message, `${where}.status.message`) }
      : { code: 0, message: '' },
  };
}

const METRIC_KINDS: [string, string, string][] = [
  ['gauge', 'gauge', 'gauge'],
  ['sum', 'sum', 'sum'],
  ['histogram', 'histogram', 'histogram'],
  ['exponentialHistogram', 'exponential_histogram', 'exponentialHistogram'],
  ['summary', 'summary', 'summary'],
];

function metric(v: unknown, where: string): Metric {
  const m = obj(v, where) ?? {};
  const base = { name: str(m.name, `${where}.name`), description: str(m.description, `${where}.description`), unit: str(m.unit, `${where}.unit`) };
  for (const [camel, snake, type] of METRIC_KINDS) {
    const data = obj(field(m, camel, snake), `${where}.${camel}`);
    if (data) {
      const points = arr(field(data, 'dataPoints', 'data_points'), `${where}.${camel}.dataPoints`);
      return { ...base, type, dataPointCount: points.length };
    }
  }
  return { ...base, type: 'unknown', dataPointCount: 0 };
}

/** ResourceX[] -> scopes -> items, shared by the three signals. */
function resources<T>(
  list: unknown,
  listName: string,
  scopeCamel: string,
  scopeSnake: string,
  itemsCamel: string,
  itemsSnake: string,
  item: (v: unknown, where: string) => T,
): { resource: Attributes; scopes: { scope: Scope; items: T[] }[] }[] {
  return arr(list, listName).map((rv, i) => {
    const rw = `${listName}[${i}]`;
    const r = obj(rv, rw) ?? {};
    const scopes = arr(field(r, scopeCamel, scopeSnake), `${rw}.${scopeCamel}`).map((sv, j) => {
      const sw = `${rw}.${scopeCamel}[${j}]`;
      const s = obj(sv, sw) ?? {};
      const items = arr(field(s, itemsCamel, itemsSnake), `${sw}.${itemsCamel}`).map((x, k) => item(x, `${sw}.${itemsCamel}[${k}]`));
      return { scope: scope(s.scope, `${sw}.scope`), items };
    });
    return { resource: resource(r.resource, `${rw}.resource`), scopes };
  });
}

/**
 * Decodes the body of a POST /v1/{logs,traces,metrics} sent as application/json. An empty
 * (or all-whitespace) body is a valid, empty request. Throws DecodeError on malformed input.
 */
export function decodeOtlpJson(signal: Signal, input: string | Uint8Array): DecodedRequest {
  const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  let parsed: unknown = {};
  if (text.trim() !== '') {
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new DecodeError(`request body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  const root = obj(parsed, 'request');
  if (!root) throw new DecodeError('request: expected a JSON object, got null');
  switch (signal) {
    case 'logs': {
      const resourceLogs: ResourceLogs[] = resources(
        field(root, 'resourceLogs', 'resource_logs'), 'resourceLogs', 'scopeLogs', 'scope_logs', 'logRecords', 'log_records', logRecord,
      ).map((r) => ({ resource: r.resource, scopeLogs: r.scopes.map((s) => ({ scope: s.scope, logRecords: s.items })) }));
      return { signal, resourceLogs };
    }
    case 'traces': {
      const resourceSpans: ResourceSpans[] = resources(
        field(root, 'resourceSpans', 'resource_spans'), 'resourceSpans', 'scopeSpans', 'scope_spans', 'spans', 'spans', span,
      ).map((r) => ({ resource: r.resource, scopeSpans: r.scopes.map((s) => ({ scope: s.scope, spans: s.items })) }));
      return { signal, resourceSpans };
    }
    case 'metrics': {
      const resourceMetrics: ResourceMetrics[] = resources(
        field(root, 'resourceMetrics', 'resource_metrics'), 'resourceMetrics', 'scopeMetrics', 'scope_metrics', 'metrics', 'metrics', metric,
      ).map((r) => ({ resource: r.resource, scopeMetrics: r.scopes.map((s) => ({ scope: s.scope, metrics: s.items })) }));
      return { signal, resourceMetrics };
    }
  }
}
