/**
 * ExportLogsServiceRequest bytes -> ResourceLogs[] in one pass, with protobufjs's wire Reader.
 *
 * Why not Type.decode + a conversion walk (what decode-protobuf.ts does for traces/metrics):
 * logs are Beacon's hot path (every Codex event), and the benchmark holds the whole pipeline
 * to half the speed of a bare protobufjs decode. Decoding into protobufjs message objects and
 * then copying them into plain shapes measured at roughly 0.35-0.7x the bare decode rate on
 * the Codex capture; reading the wire straight into the plain shapes measured 0.65-0.9x (the
 * remaining cost is building attribute maps with arbitrary keys; string decoding dominates
 * both), which leaves the normalizer and the writer a budget.
 *
 * Field numbers are those of otlp-schema.ts (opentelemetry-proto v1.x); unknown fields and
 * fields of an unexpected wire type are skipped, as protobuf says. A test checks the result
 * against an independent decoder (Python opentelemetry-proto) of the real Codex capture.
 */
import * as protobuf from 'protobufjs';
import { setAttribute } from './decode-shared';
import type { AnyValue, Attributes, LogRecord, ResourceLogs, Scope } from './otlp-types';

type Reader = protobuf.Reader;

// Wire types.
const VARINT = 0;
const I64 = 1;
const LEN = 2;

/** Start of an embedded message: returns its end offset, checked against the buffer. */
function messageEnd(r: Reader): number {
  const len = r.uint32();
  const end = r.pos + len;
  if (end > r.len) throw new RangeError(`embedded message of ${len} bytes at offset ${r.pos} runs past the end of the body`);
  return end;
}

function checkEnd(r: Reader, end: number): void {
  if (r.pos !== end) throw new RangeError(`field overruns its embedded message ending at offset ${end}`);
}

/** Skips an unknown field; field number 0 is never valid (and is what zero padding looks like). */
function skip(r: Reader, tag: number): void {
  if (tag >>> 3 === 0) throw new RangeError(`invalid field number 0 at offset ${r.pos}`);
  r.skipType(tag & 7);
}

const TWO_32 = 4294967296;

/** fixed64 (unsigned) as a decimal string, without allocating a Long. */
function fixed64String(r: Reader): string {
  const lo = r.fixed32();
  const hi = r.fixed32();
  if (hi < 0x200000) return String(hi * TWO_32 + lo); // below 2^53: exact as a double
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** int64 varint as a number when exactly representable, else its decimal string. */
function int64Value(r: Reader): number | string {
  const v = r.int64() as unknown as { toNumber(): number; toString(): string } | number;
  if (typeof v === 'number') return v;
  const n = v.toNumber();
  return Number.isSafeInteger(n) ? n : v.toString();
}

function anyValue(r: Reader, end: number): AnyValue {
  let value: AnyValue = null; // an AnyValue with no member set
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | LEN:
        value = r.string();
        break;
      case (2 << 3) | VARINT:
        value = r.bool();
        break;
      case (3 << 3) | VARINT:
        value = int64Value(r);
        break;
      case (4 << 3) | I64:
        value = r.double();
        break;
      case (5 << 3) | LEN: {
        const e = messageEnd(r);
        const arr: AnyValue[] = [];
        while (r.pos < e) {
          const t = r.uint32();
          if (t === ((1 << 3) | LEN)) {
            const ve = messageEnd(r);
            arr.push(anyValue(r, ve));
            checkEnd(r, ve);
          } else skip(r, t);
        }
        checkEnd(r, e);
        value = arr;
        break;
      }
      case (6 << 3) | LEN: {
        const e = messageEnd(r);
        const obj: Attributes = {};
        readKeyValues(r, e, obj);
        checkEnd(r, e);
        value = obj;
        break;
      }
      case (7 << 3) | LEN:
        value = { bytes: (r.bytes() as Buffer).toString('base64') };
        break;
      default:
        skip(r, tag);
    }
  }
  return value;
}

function keyValue(r: Reader, end: number, into: Attributes): void {
  let key = '';
  let value: AnyValue = null;
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | LEN)) key = r.string();
    else if (tag === ((2 << 3) | LEN)) {
      const e = messageEnd(r);
      value = anyValue(r, e);
      checkEnd(r, e);
    } else skip(r, tag);
  }
  setAttribute(into, key, value);
}

/** Repeated KeyValue with field number 1 (KeyValueList.values) until `end`. */
function readKeyValues(r: Reader, end: number, into: Attributes): void {
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | LEN)) {
      const e = messageEnd(r);
      keyValue(r, e, into);
      checkEnd(r, e);
    } else skip(r, tag);
  }
}

/** One `repeated KeyValue attributes = n` element. */
function attribute(r: Reader, into: Attributes): void {
  const e = messageEnd(r);
  keyValue(r, e, into);
  checkEnd(r, e);
}

function hex(b: Uint8Array): string {
  return b.length === 0 ? '' : (b as Buffer).toString('hex');
}

function logRecord(r: Reader, end: number): LogRecord {
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
  while (r.pos < end) {
    const tag = r.uint32();
    switch (tag) {
      case (1 << 3) | I64:
        rec.timeUnixNano = fixed64String(r);
        break;
      case (11 << 3) | I64:
        rec.observedTimeUnixNano = fixed64String(r);
        break;
      case (2 << 3) | VARINT:
        rec.severityNumber = r.int32();
        break;
      case (3 << 3) | LEN:
        rec.severityText = r.string();
        break;
      case (5 << 3) | LEN: {
        const e = messageEnd(r);
        rec.body = anyValue(r, e);
        checkEnd(r, e);
        break;
      }
      case (6 << 3) | LEN:
        attribute(r, rec.attributes);
        break;
      case (9 << 3) | LEN:
        rec.traceId = hex(r.bytes());
        break;
      case (10 << 3) | LEN:
        rec.spanId = hex(r.bytes());
        break;
      case (12 << 3) | LEN:
        rec.eventName = r.string();
        break;
      default:
        skip(r, tag);
    }
  }
  return rec;
}

function scope(r: Reader, end: number): Scope {
  const s: Scope = { name: '', version: '' };
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | LEN)) s.name = r.string();
    else if (tag === ((2 << 3) | LEN)) s.version = r.string();
    else skip(r, tag);
  }
  return s;
}

function scopeLogs(r: Reader, end: number): { scope: Scope; logRecords: LogRecord[] } {
  const out = { scope: { name: '', version: '' } as Scope, logRecords: [] as LogRecord[] };
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | LEN)) {
      const e = messageEnd(r);
      out.scope = scope(r, e);
      checkEnd(r, e);
    } else if (tag === ((2 << 3) | LEN)) {
      const e = messageEnd(r);
      out.logRecords.push(logRecord(r, e));
      checkEnd(r, e);
    } else skip(r, tag);
  }
  return out;
}

function resourceLogs(r: Reader, end: number): ResourceLogs {
  const out: ResourceLogs = { resource: {}, scopeLogs: [] };
  while (r.pos < end) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | LEN)) {
      // Resource: only attributes (field 1) matter to us.
      const e = messageEnd(r);
      while (r.pos < e) {
        const t = r.uint32();
        if (t === ((1 << 3) | LEN)) attribute(r, out.resource);
        else skip(r, t);
      }
      checkEnd(r, e);
    } else if (tag === ((2 << 3) | LEN)) {
      const e = messageEnd(r);
      out.scopeLogs.push(scopeLogs(r, e));
      checkEnd(r, e);
    } else skip(r, tag);
  }
  return out;
}

/** Reads a whole ExportLogsServiceRequest. Throws (RangeError/Error) on malformed input. */
export function readExportLogsRequest(buf: Buffer): ResourceLogs[] {
  const r = protobuf.Reader.create(buf);
  const out: ResourceLogs[] = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    if (tag === ((1 << 3) | LEN)) {
      const e = messageEnd(r);
      out.push(resourceLogs(r, e));
      checkEnd(r, e);
    } else skip(r, tag);
  }
  return out;
}
