/**
 * ExportLogsServiceRequest bytes -> ResourceLogs[] in one pass, reading the wire directly.
 *
 * Why not Type.decode + a conversion walk (what decode-protobuf.ts does for traces): logs are
 * Beacon's hot path (every Codex event), and the benchmark holds the whole pipeline to half the
 * speed of a bare protobufjs decode. Decoding into protobufjs message objects and then copying
 * them into plain shapes measured at roughly 0.35-0.7x the bare decode rate on the Codex
 * capture; reading the wire straight into the plain shapes measured 0.65-0.9x (the remaining
 * cost is building attribute maps with arbitrary keys; string decoding dominates both), which
 * leaves the normalizer and the writer a budget.
 *
 * Strict, in the same pass: every rule of protobuf-validate.ts holds for every byte of the body,
 * decoded or skipped (tags, wire types per field, lengths, varints, UTF-8, nesting), so a body
 * protobuf calls malformed is refused with 400 and never half-read into events. Fields decoded
 * here are matched on their exact tag (number and wire type); anything else goes to
 * protobuf-validate.ts's skipFieldAt with the message's shape, which checks it and skips it. Our
 * own cursor rather than protobufjs's Reader: that reader skips a 32-bit varint's bytes 6-10
 * unchecked and its Buffer flavour cuts an overlong string at the end of its message.
 *
 * With a LogRecordFilter (the normalizer's noise rules), each record is first peeked at: its
 * severity and only the few attributes the filter names are decoded, keys compared as bytes, and
 * a record the filter drops is checked but never built. Most of a Codex batch is per-chunk SSE
 * records that are dropped, so this is where most of the decode time went.
 *
 * Field numbers are those of otlp-schema.ts (opentelemetry-proto v1.x). A test checks the result
 * against an independent decoder (Python opentelemetry-proto) of the real Codex capture.
 */
import { setAttribute } from './decode-shared';
import { InvalidUtf8Error, readUtf8, WireStringCache } from './wire-string-cache';
import { checkMessage, isUtf8Range, MAX_DEPTH, skipFieldAt, WireError } from './protobuf-validate';
import { ANY_VALUE, ARRAY_VALUE, EXPORT_LOGS, KEY_VALUE, KEY_VALUE_LIST, LOG_RECORD, RESOURCE, RESOURCE_LOGS, SCOPE, SCOPE_LOGS, type WireShape } from './otlp-wire-shapes';
import type { AnyValue, Attributes, LogRecord, LogRecordFilter, ResourceLogs, Scope } from '../shared/otlp-types';

/** Attribute keys (interned: they become property names) and short string values; see wire-string-cache.ts. */
const KEYS = new WireStringCache(512, true);
const VALUES = new WireStringCache(2048, false);

// Tags (field number << 3 | wire type) of the fields decoded here.
const T1_LEN = 0x0a;
const T2_LEN = 0x12;
const T2_VARINT = 0x10;
const T3_VARINT = 0x18;
const T3_LEN = 0x1a;
const T4_I64 = 0x21;
const T5_LEN = 0x2a;
const T6_LEN = 0x32;
const T7_LEN = 0x3a;
const T1_I64 = 0x09;
const T9_LEN = 0x4a;
const T10_LEN = 0x52;
const T11_I64 = 0x59;
const T12_LEN = 0x62;

const EMPTY = Buffer.alloc(0);

/**
 * The body being read and the read position: module variables, as in protobuf-validate.ts,
 * because they are touched for every byte and a variable is cheaper than an object's property.
 * `buf` is reset after each request so the body is not kept alive.
 */
let buf: Buffer = EMPTY;
let pos = 0;
/** The last 64-bit varint read by varint64(): low and high 32 bits. */
let lo = 0;
let hi = 0;

/**
 * Limits on what one request may make us build (see DECODE_LIMITS). Past them, attributes and
 * array values are still checked but left out, and counted: the exporter is told, and what
 * is kept of a record stays readable. Measured before (issue 11): one well-formed record with
 * 200,000 attributes took the collector past 500 MB and 30 s.
 */
export const DECODE_LIMITS = {
  /** Attributes of one record, resource or kvlist. OTel SDKs default to 128; Codex sends about 30. */
  attributesPerMap: 1024,
  /** Values of one array. */
  valuesPerArray: 1024,
  /** Attributes and array values of one request, all records together (a batch of 512 Codex records is ~15,000). */
  valuesPerRequest: 65_536,
} as const;
let valuesLeft = 0;
let dropped = 0;

function cutOff(what: string): WireError {
  return new WireError(`${what} runs past the end of its message at offset ${pos}`);
}

/** A tag or a length: at most 5 bytes, value within 32 bits (the one-byte case inline). */
function u32(end: number): number {
  if (pos < end) {
    const b = buf[pos];
    if (b < 0x80) {
      pos++;
      return b;
    }
  }
  let value = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (pos >= end) throw cutOff('varint');
    const b = buf[pos++];
    value |= (b & 0x7f) << shift;
    if (b < 0x80) return value;
  }
  if (pos >= end) throw cutOff('varint');
  const b = buf[pos++];
  if (b > 0x0f) throw new WireError(`tag or length at offset ${pos - 5} is longer than 5 bytes or does not fit 32 bits`);
  return (value | (b << 28)) >>> 0;
}

/** Reads a length prefix and returns where the field it announces ends, checked against `end`. */
function fieldEnd(end: number): number {
  const len = u32(end);
  if (len > end - pos) throw new WireError(`field of ${len} bytes at offset ${pos} runs past the end of its message`);
  return pos + len;
}

/** A 64-bit varint into lo/hi. */
function varint64(end: number): void {
  let l = 0;
  let h = 0;
  for (let i = 0; i < 10; i++) {
    if (pos >= end) throw cutOff('varint');
    const b = buf[pos++];
    const bits = b & 0x7f;
    if (i < 4) l |= bits << (7 * i);
    else if (i === 4) {
      l |= (bits & 0x0f) << 28;
      h = bits >> 4;
    } else if (i < 9) h |= bits << (7 * i - 32);
    else if (bits > 1) throw new WireError(`varint at offset ${pos - 10} overflows 64 bits`);
    else h |= bits << 31;
    if (b < 0x80) {
      lo = l >>> 0;
      hi = h >>> 0;
      return;
    }
  }
  throw new WireError(`varint longer than 10 bytes at offset ${pos}`);
}

/** A 32-bit field (int32, enum, bool): 1-5 bytes or exactly 10 (see otlp-wire-shapes.ts K_VARINT32); its low 32 bits. */
function varint32(end: number): number {
  const start = pos;
  varint64(end);
  const n = pos - start;
  if (n > 5 && n !== 10) throw new WireError(`32-bit varint of ${n} bytes at offset ${start}`);
  return lo;
}

function fixed32(end: number): number {
  if (end - pos < 4) throw cutOff('fixed-size field');
  const v = (buf[pos] | (buf[pos + 1] << 8) | (buf[pos + 2] << 16) | (buf[pos + 3] << 24)) >>> 0;
  pos += 4;
  return v;
}

const TWO_32 = 4294967296;

/** fixed64 (unsigned) as a decimal string, without allocating a Long. */
function fixed64String(end: number): string {
  if (end - pos < 8) throw cutOff('fixed-size field');
  const l = fixed32(end);
  const h = fixed32(end);
  if (h < 0x200000) return String(h * TWO_32 + l); // below 2^53: exact as a double
  return ((BigInt(h) << 32n) | BigInt(l)).toString();
}

function double(end: number): number {
  if (end - pos < 8) throw cutOff('fixed-size field');
  const v = buf.readDoubleLE(pos);
  pos += 8;
  return v;
}

/** int64 as a number when exactly representable, else its decimal string. */
function int64Value(end: number): number | string {
  varint64(end);
  const n = (hi | 0) * TWO_32 + lo;
  if (Number.isSafeInteger(n)) return n;
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** A string field's bytes [pos, e) as a string (no cache), pos moved to e. */
function str(e: number): string {
  const s = readUtf8(buf, pos, e);
  pos = e;
  return s;
}

function hexOf(e: number): string {
  const s = e === pos ? '' : buf.toString('hex', pos, e);
  pos = e;
  return s;
}

/** Checks and skips a field this reader does not decode (pos is after its tag, read at `at`). */
function skip(end: number, tag: number, at: number, shape: WireShape, depth: number): void {
  pos = skipFieldAt(buf, pos, end, tag, at, shape, depth);
}

function tooDeep(): WireError {
  return new WireError(`messages nested more than ${MAX_DEPTH} deep`);
}

function anyValue(end: number, depth: number): AnyValue {
  if (depth > MAX_DEPTH) throw tooDeep();
  let value: AnyValue = null; // an AnyValue with no member set
  while (pos < end) {
    const at = pos;
    const tag = u32(end);
    switch (tag) {
      case T1_LEN: {
        const e = fieldEnd(end);
        value = VALUES.read(buf, pos, e);
        pos = e;
        break;
      }
      case T2_VARINT:
        value = varint32(end) !== 0; // as protobufjs: a bool is read as 32 bits
        break;
      case T3_VARINT:
        value = int64Value(end);
        break;
      case T4_I64:
        value = double(end);
        break;
      case T5_LEN: {
        const e = fieldEnd(end);
        value = arrayValue(e, depth + 1);
        break;
      }
      case T6_LEN: {
        const e = fieldEnd(end);
        const obj: Attributes = {};
        keyValueList(e, obj, depth + 1);
        value = obj;
        break;
      }
      case T7_LEN: {
        const e = fieldEnd(end);
        value = { bytes: buf.toString('base64', pos, e) };
        pos = e;
        break;
      }
      default:
        skip(end, tag, at, ANY_VALUE, depth);
    }
  }
  return value;
}

function arrayValue(end: number, depth: number): AnyValue[] {
  if (depth > MAX_DEPTH) throw tooDeep();
  const arr: AnyValue[] = [];
  while (pos < end) {
    const at = pos;
    const tag = u32(end);
    if (tag === T1_LEN) {
      const e = fieldEnd(end);
      if (arr.length < DECODE_LIMITS.valuesPerArray && --valuesLeft >= 0) arr.push(anyValue(e, depth + 1));
      else leaveOut(e, ANY_VALUE, depth + 1);
    } else skip(end, tag, at, ARRAY_VALUE, depth);
  }
  return arr;
}

/** One KeyValue message [pos, end) into `into`. */
function keyValue(end: number, into: Attributes, depth: number): void {
  if (depth > MAX_DEPTH) throw tooDeep();
  let key = '';
  let value: AnyValue = null;
  while (pos < end) {
    const at = pos;
    const tag = u32(end);
    if (tag === T1_LEN) {
      const e = fieldEnd(end);
      key = KEYS.read(buf, pos, e);
      pos = e;
    } else if (tag === T2_LEN) {
      const e = fieldEnd(end);
      value = anyValue(e, depth + 1);
    } else skip(end, tag, at, KEY_VALUE, depth);
  }
  setAttribute(into, key, value);
}

/** KeyValueList [pos, end): repeated KeyValue values = 1. */
function keyValueList(end: number, into: Attributes, depth: number): void {
  if (depth > MAX_DEPTH) throw tooDeep();
  let n = 0;
  while (pos < end) {
    const at = pos;
    const tag = u32(end);
    if (tag === T1_LEN) n = attribute(fieldEnd(end), into, n, depth + 1);
    else skip(end, tag, at, KEY_VALUE_LIST, depth);
  }
}

/**
 * The KeyValue [pos, e) as the n-th attribute of `into`: decoded while within the limits, else
 * checked and left out. Returns the new count.
 */
function attribute(e: number, into: Attributes, n: number, depth: number): number {
  if (n < DECODE_LIMITS.attributesPerMap && --valuesLeft >= 0) keyValue(e, into, depth);
  else leaveOut(e, KEY_VALUE, depth);
  return n + 1;
}

/** Checks the message [pos, e) without building it, and counts it as left out. */
function leaveOut(e: number, shape: WireShape, depth: number): void {
  checkMessage(buf, pos, e, shape, depth);
  pos = e;
  dropped++;
}

/** A filter with its keys pre-encoded for byte comparison. */
interface PreparedFilter {
  filter: LogRecordFilter;
  keys: Buffer[];
}

const prepared = new WeakMap<LogRecordFilter, PreparedFilter>();

function prepare(filter: LogRecordFilter): PreparedFilter {
  let p = prepared.get(filter);
  if (!p) {
    p = { filter, keys: filter.keys.map((k) => Buffer.from(k, 'utf8')) };
    prepared.set(filter, p);
  }
  return p;
}

/** Index of the wanted key equal to buf[start, end), or -1. */
function wantedKey(start: number, end: number, keys: Buffer[]): number {
  const len = end - start;
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    if (key.length !== len) continue;
    let i = 0;
    while (i < len && buf[start + i] === key[i]) i++;
    if (i === len) return k;
  }
  return -1;
}

/**
 * The attribute nearly every dropped record is made of, checked in one pass: a KeyValue [s, e)
 * that is exactly { key: ASCII, value: { string_value: ASCII } } with one-byte lengths, whose key
 * the filter does not want. False (nothing consumed) for anything else, which then takes the
 * general path. Worth its lines: the general walk of these values cost dropped records a
 * quarter of their time once every string had to be checked for UTF-8.
 */
function isPlainUnwantedAttribute(s: number, e: number, keys: Buffer[]): boolean {
  if (buf[s] !== T1_LEN) return false;
  const klen = buf[s + 1];
  const ke = s + 2 + klen;
  if (klen >= 0x80 || ke + 4 > e || buf[ke] !== T2_LEN) return false;
  const vlen = buf[ke + 1];
  if (vlen >= 0x80 || ke + 2 + vlen !== e || buf[ke + 2] !== T1_LEN || buf[ke + 3] !== vlen - 2) return false;
  if (wantedKey(s + 2, ke, keys) >= 0) return false;
  let acc = 0;
  for (let i = s + 2; i < ke; i++) acc |= buf[i];
  for (let i = ke + 4; i < e; i++) acc |= buf[i];
  return acc < 0x80;
}

/**
 * Whether the filter keeps the LogRecord in [pos, end) (a message at nesting `depth`). Leaves
 * pos where it found it. Decodes the severity and the wanted attributes only, and checks all the
 * rest: a malformed record is refused whether or not it would be kept.
 */
function peekKeeps(end: number, depth: number, pf: PreparedFilter): boolean {
  const start = pos;
  let severity = 0;
  let attrs: Attributes | undefined;
  while (pos < end) {
    const at = pos;
    const tag = u32(end);
    if (tag === T2_VARINT) {
      severity = varint32(end) | 0;
    } else if (tag === T6_LEN) {
      // KeyValue: find the key's bytes; decode the value only for a wanted key.
      const e = fieldEnd(end);
      if (isPlainUnwantedAttribute(pos, e, pf.keys)) {
        pos = e;
        continue;
      }
      let want = -1;
      let valueAt = -1;
      let valueEnd = -1;
      while (pos < e) {
        const kvAt = pos;
        const t = u32(e);
        if (t === T1_LEN) {
          const ke = fieldEnd(e);
          want = wantedKey(pos, ke, pf.keys);
          if (want < 0 && !isUtf8Range(buf, pos, ke)) throw new InvalidUtf8Error(pos);
          pos = ke;
        } else if (t === T2_LEN) {
          const ve = fieldEnd(e);
          // A repeated value field: the last one counts, but every one must be well-formed.
          if (valueAt >= 0) checkMessage(buf, valueAt, valueEnd, ANY_VALUE, depth + 2);
          valueAt = pos;
          valueEnd = ve;
          pos = ve;
        } else skip(e, t, kvAt, KEY_VALUE, depth + 1);
      }
      if (valueAt >= 0) {
        if (want >= 0) {
          pos = valueAt;
          (attrs ??= {})[pf.filter.keys[want]] = anyValue(valueEnd, depth + 2);
        } else {
          checkMessage(buf, valueAt, valueEnd, ANY_VALUE, depth + 2); // not decoded, but a malformed value is still refused
        }
        pos = e;
      } else if (want >= 0) {
        (attrs ??= {})[pf.filter.keys[want]] = null;
      }
    } else if (tag === T1_I64 || tag === T11_I64) {
      if (end - pos < 8) throw cutOff('fixed-size field');
      pos += 8;
    } else if (tag === T3_LEN || tag === T12_LEN) {
      const e = fieldEnd(end);
      if (!isUtf8Range(buf, pos, e)) throw new InvalidUtf8Error(pos);
      pos = e;
    } else if (tag === T9_LEN || tag === T10_LEN) {
      pos = fieldEnd(end);
    } else skip(end, tag, at, LOG_RECORD, depth); // the body, and fields Beacon never reads
  }
  pos = start;
  return pf.filter.keep(severity, attrs ?? {});
}

function logRecord(end: number, depth: number): LogRecord {
  const rec: LogRecord = {
    timeUnixNano: '0',
    observedTimeUnixNano: '0',
    severityNumber: 0,
    severityText: '',
    body: null,
    attributes: {},
    traceId: '',
    spanId: '',
    eventName: '',
  };
  let attrs = 0;
  while (pos < end) {
    const at = pos;
    const tag = u32(end);
    switch (tag) {
      case T1_I64:
        rec.timeUnixNano = fixed64String(end);
        break;
      case T11_I64:
        rec.observedTimeUnixNano = fixed64String(end);
        break;
      case T2_VARINT:
        rec.severityNumber = varint32(end) | 0;
        break;
      case T3_LEN:
        rec.severityText = str(fieldEnd(end));
        break;
      case T5_LEN:
        rec.body = anyValue(fieldEnd(end), depth + 1);
        break;
      case T6_LEN:
        attrs = attribute(fieldEnd(end), rec.attributes, attrs, depth + 1);
        break;
      case T9_LEN:
        rec.traceId = hexOf(fieldEnd(end));
        break;
      case T10_LEN:
        rec.spanId = hexOf(fieldEnd(end));
        break;
      case T12_LEN:
        rec.eventName = str(fieldEnd(end));
        break;
      default:
        skip(end, tag, at, LOG_RECORD, depth);
    }
  }
  return rec;
}

function scope(end: number, depth: number): Scope {
  const s: Scope = { name: '', version: '' };
  while (pos < end) {
    const at = pos;
    const tag = u32(end);
    if (tag === T1_LEN) s.name = str(fieldEnd(end));
    else if (tag === T2_LEN) s.version = str(fieldEnd(end));
    else skip(end, tag, at, SCOPE, depth); // attributes, dropped count: checked, not kept
  }
  return s;
}

function scopeLogs(end: number, depth: number, pf: PreparedFilter | undefined): { scope: Scope; logRecords: LogRecord[] } {
  const out = { scope: { name: '', version: '' } as Scope, logRecords: [] as LogRecord[] };
  while (pos < end) {
    const at = pos;
    const tag = u32(end);
    if (tag === T1_LEN) {
      out.scope = scope(fieldEnd(end), depth + 1);
    } else if (tag === T2_LEN) {
      const e = fieldEnd(end);
      if (pf && !peekKeeps(e, depth + 1, pf)) {
        pos = e;
        continue;
      }
      out.logRecords.push(logRecord(e, depth + 1));
    } else skip(end, tag, at, SCOPE_LOGS, depth);
  }
  return out;
}

function resourceLogs(end: number, depth: number, pf: PreparedFilter | undefined): ResourceLogs {
  const out: ResourceLogs = { resource: {}, scopeLogs: [] };
  while (pos < end) {
    const at = pos;
    const tag = u32(end);
    if (tag === T1_LEN) {
      // Resource: only attributes (field 1) matter to us.
      const e = fieldEnd(end);
      let n = 0;
      while (pos < e) {
        const rAt = pos;
        const t = u32(e);
        if (t === T1_LEN) n = attribute(fieldEnd(e), out.resource, n, depth + 2);
        else skip(e, t, rAt, RESOURCE, depth + 1);
      }
    } else if (tag === T2_LEN) {
      out.scopeLogs.push(scopeLogs(fieldEnd(end), depth + 1, pf));
    } else skip(end, tag, at, RESOURCE_LOGS, depth);
  }
  return out;
}

/** What a read left out under DECODE_LIMITS. */
export interface ReadStats {
  /** Attributes and array values checked but not decoded. */
  droppedValues: number;
}

/**
 * Reads a whole ExportLogsServiceRequest, leaving out the records `filter` drops (see
 * LogRecordFilter) and what passes DECODE_LIMITS (counted in `stats`). Throws a RangeError
 * (WireError, InvalidUtf8Error) on malformed input, dropped records included.
 */
export function readExportLogsRequest(body: Buffer, filter?: LogRecordFilter, stats?: ReadStats): ResourceLogs[] {
  const pf = filter ? prepare(filter) : undefined;
  buf = body;
  pos = 0;
  valuesLeft = DECODE_LIMITS.valuesPerRequest;
  dropped = 0;
  try {
    const end = body.length;
    const out: ResourceLogs[] = [];
    while (pos < end) {
      const at = pos;
      const tag = u32(end);
      if (tag === T1_LEN) out.push(resourceLogs(fieldEnd(end), 1, pf));
      else skip(end, tag, at, EXPORT_LOGS, 0);
    }
    if (stats) stats.droppedValues = dropped;
    return out;
  } finally {
    buf = EMPTY;
  }
}
