/**
 * The verdict the strict-decoding tests hold the collector to: is this body a malformed OTLP
 * protobuf request? Built from protobufjs and the schema in otlp-schema.ts only, never from the
 * collector's own readers, so it can catch a wrong field number or a missing rule in them.
 *
 * Two parts, and a body is malformed when either says so:
 *  1. protobufjs's own decode throws (on a plain Uint8Array: protobufjs's Buffer reader cuts an
 *     overlong string at its message's end instead of throwing, its array reader does not);
 *  2. a rule of the protobuf wire format that protobufjs does not enforce is broken. protobufjs
 *     is lenient where protoc, Go and upb are not: it skips groups, accepts field number 0,
 *     reads a known field by its declared type whatever wire type it came with, never checks
 *     UTF-8, and lets some overlong or cut-off varints through. Those rules are checked here by
 *     a walk driven by protobufjs's reflection of the same schema (field ids, types, packed).
 *
 * The rules (the collector's readers document the same list):
 *  - a tag has field number >= 1 and wire type 0, 1, 2 or 5 (groups, 3 and 4, do not exist in
 *    proto3 or OTLP; 6 and 7 do not exist at all);
 *  - every varint ends within its message; 64-bit ones within 10 bytes (a 10th byte above 1
 *    overflows); tags, lengths and 32-bit fields (int32, uint32, sint32, bool, enum) within 5
 *    bytes, or exactly 10 for a 32-bit field (a negative int32). protobufjs reads 5 bytes of a
 *    32-bit varint and then skips exactly 5 more, so it misreads every other length;
 *  - fixed-size and length-delimited fields fit within their message;
 *  - a field the schema knows comes with the wire type of its type (repeated numbers: either
 *    that or packed); packed contents are whole elements;
 *  - string fields are valid UTF-8; messages nest at most 100 deep (protobufjs's and protoc's limit).
 */
import * as protobuf from 'protobufjs';
import { otlpTypes } from '../../electron/collector/otlp-schema';

export type OracleSignal = 'logs' | 'metrics' | 'traces';

function requestType(signal: OracleSignal): protobuf.Type {
  const t = otlpTypes();
  return signal === 'logs' ? t.ExportLogsServiceRequest : signal === 'metrics' ? t.ExportMetricsServiceRequest : t.ExportTraceServiceRequest;
}

/** protobufjs's decode: the error message when it throws, else null. */
export function protobufjsRejects(signal: OracleSignal, body: Uint8Array): string | null {
  const plain = new Uint8Array(body.byteLength);
  plain.set(body);
  try {
    requestType(signal).decode(plain);
    return null;
  } catch (err) {
    return `protobufjs: ${(err as Error).message}`;
  }
}

const MAX_DEPTH = 100;
const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

class Malformed extends Error {}

interface Cursor {
  buf: Uint8Array;
  pos: number;
}

/** A varint as [low 32 bits, high 32 bits, byte count]; throws Malformed when cut off, too long or overflowing. */
function varint(c: Cursor, end: number): [number, number, number] {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < 10; i++) {
    if (c.pos >= end) throw new Malformed(`varint cut off at ${c.pos}`);
    const b = c.buf[c.pos++];
    const bits = b & 0x7f;
    if (i < 4) lo |= bits << (7 * i);
    else if (i === 4) {
      lo |= (bits & 0x0f) << 28;
      hi |= bits >> 4;
    } else if (i < 9) hi |= bits << (7 * i - 32);
    else if (bits > 1) throw new Malformed(`varint overflows 64 bits at ${c.pos - 1}`);
    else hi |= bits << 31;
    if (b < 0x80) return [lo >>> 0, hi >>> 0, i + 1];
  }
  throw new Malformed(`varint longer than 10 bytes at ${c.pos}`);
}

/** A tag or a length: at most 5 bytes, value within 32 bits. */
function u32(c: Cursor, end: number, what: string): number {
  const [lo, hi, n] = varint(c, end);
  if (hi !== 0 || n > 5) throw new Malformed(`${what} longer than 5 bytes or beyond 32 bits`);
  return lo;
}

/** What the walk needs of one field, derived from protobufjs's reflection once per type. */
interface FieldRule {
  name: string;
  /** The wire type protobuf encodes a field of this type with (packed aside). */
  wire: number;
  packable: boolean;
  varint32: boolean;
  string: boolean;
  sub?: protobuf.Type;
}

const VARINT32_TYPES = new Set(['int32', 'uint32', 'sint32', 'bool']);
const rulesOf = new Map<protobuf.Type, Map<number, FieldRule>>();

function rules(type: protobuf.Type): Map<number, FieldRule> {
  let m = rulesOf.get(type);
  if (m) return m;
  m = new Map();
  for (const f of type.fieldsArray) {
    f.resolve();
    const isEnum = f.resolvedType instanceof protobuf.Enum;
    const sub = f.resolvedType instanceof protobuf.Type ? f.resolvedType : undefined;
    const basic = (protobuf.types.basic as Record<string, number>)[f.type];
    const wire = sub ? 2 : isEnum ? 0 : basic;
    if (wire === undefined) throw new Error(`oracle: no wire type for ${f.type}`);
    m.set(f.id, {
      name: `${type.name}.${f.name}`,
      wire,
      packable: f.repeated && (isEnum || (protobuf.types.packed as Record<string, number>)[f.type] !== undefined),
      varint32: isEnum || VARINT32_TYPES.has(f.type),
      string: f.type === 'string',
      sub,
    });
  }
  rulesOf.set(type, m);
  return m;
}

function skipScalar(c: Cursor, end: number, wire: number, rule?: FieldRule): void {
  if (wire === 0) {
    const n = varint(c, end)[2];
    if (rule?.varint32 && n > 5 && n !== 10) throw new Malformed(`32-bit varint of ${n} bytes`);
  } else {
    const n = wire === 1 ? 8 : 4;
    if (end - c.pos < n) throw new Malformed(`fixed field cut off at ${c.pos}`);
    c.pos += n;
  }
}

function walk(c: Cursor, end: number, type: protobuf.Type, depth: number): void {
  if (depth > MAX_DEPTH) throw new Malformed(`nested deeper than ${MAX_DEPTH}`);
  const fields = rules(type);
  while (c.pos < end) {
    const at = c.pos;
    const tag = u32(c, end, 'tag');
    const id = tag >>> 3;
    const wire = tag & 7;
    if (id === 0) throw new Malformed(`field number 0 at ${at}`);
    if (wire !== 0 && wire !== 1 && wire !== 2 && wire !== 5) throw new Malformed(`wire type ${wire} at ${at}`);
    const rule = fields.get(id);
    if (rule && wire !== rule.wire && !(wire === 2 && rule.packable)) throw new Malformed(`field ${rule.name} with wire type ${wire} at ${at}`);
    if (wire !== 2) {
      skipScalar(c, end, wire, rule);
      continue;
    }
    const len = u32(c, end, 'length');
    const stop = c.pos + len;
    if (stop > end) throw new Malformed(`field ${id} at ${at} runs past its message`);
    if (rule?.sub) {
      walk(c, stop, rule.sub, depth + 1);
    } else if (rule?.string) {
      try {
        fatalUtf8.decode(c.buf.subarray(c.pos, stop));
      } catch {
        throw new Malformed(`invalid UTF-8 in ${rule.name} at ${at}`);
      }
    } else if (rule && rule.wire !== 2) {
      while (c.pos < stop) skipScalar(c, stop, rule.wire, rule); // packed: whole elements only
    }
    c.pos = stop;
  }
}

/** The rules protobufjs does not enforce (see the header): the first one broken, else null. */
export function strictRulesReject(signal: OracleSignal, body: Uint8Array): string | null {
  try {
    walk({ buf: body, pos: 0 }, body.length, requestType(signal), 0);
    return null;
  } catch (err) {
    if (err instanceof Malformed) return `wire rules: ${err.message}`;
    throw err;
  }
}

/** Why the body is malformed, or null when it is a well-formed request. */
export function oracleRejects(signal: OracleSignal, body: Uint8Array): string | null {
  return protobufjsRejects(signal, body) ?? strictRulesReject(signal, body);
}
