/**
 * Strict protobuf wire checks for OTLP bodies, without building a single object: the whole of
 * an ExportMetricsServiceRequest / ExportTraceServiceRequest, and the fields the logs reader
 * (protobuf-logs-reader.ts) skips rather than decodes.
 *
 * Why a walker of our own: Beacon drops metrics (design.md: "received ... and dropped") and,
 * unless --include-codex-spans, spans too. Decoding Codex's 171 KB metrics export with protobufjs
 * and walking it took a fresh collector 50-65 ms (schema parse, decoder code generation,
 * thousands of objects) while Codex waited for the answer at exit; walking tags and lengths is a
 * few hundred microseconds. And protobufjs is not strict enough to be the gate: it skips groups,
 * takes field number 0, reads a known field by its declared type whatever wire type it came with,
 * never checks UTF-8, and lets some overlong or cut-off varints through (issue 11: 132 of 20,500
 * mutated bodies that protobuf rejects were answered 200).
 *
 * A body is malformed, and gets 400, when any of these rules is broken (protoc, Go and upb apply
 * the same ones; test/support/otlp-oracle.ts checks them independently):
 *  - a tag is a varint with field number >= 1 and wire type 0, 1, 2 or 5 (groups, 3 and 4, do
 *    not exist in proto3 or OTLP; 6 and 7 do not exist at all);
 *  - every varint ends within its message; 64-bit ones within 10 bytes (a 10th byte above 1
 *    overflows); tags, lengths and 32-bit fields within 5 bytes (a negative int32 takes exactly
 *    10). No encoder writes longer ones, and protobufjs misreads them: after 5 bytes of a
 *    32-bit varint it skips 5 more without looking;
 *  - fixed-size and length-delimited fields fit within their enclosing message;
 *  - a field the schema knows (otlp-wire-shapes.ts) comes with the wire type of its type
 *    (repeated numbers: that one, or packed), and packed contents are whole elements;
 *  - string fields are valid UTF-8 (proto3), and messages nest at most 100 deep (protobufjs's and
 *    protoc's limit; AnyValue can nest without bound, recursion must not).
 * Unknown fields that break none of these are skipped, as protobuf says.
 */
import { isUtf8 } from 'node:buffer';
import { DecodeError } from './decode-shared';
import {
  ANY_VALUE,
  EXPORT_LOGS,
  EXPORT_METRICS,
  EXPORT_TRACE,
  K_BYTES,
  K_I32,
  K_I64,
  K_MESSAGE,
  K_REPEATED_I32,
  K_REPEATED_I64,
  K_REPEATED_VARINT,
  K_STRING,
  K_UNKNOWN,
  K_VARINT,
  K_VARINT32,
  type WireShape,
} from './otlp-wire-shapes';

/** Deepest message nesting accepted: the top-level request is depth 0. */
export const MAX_DEPTH = 100;

/** A RangeError, like protobufjs's own out-of-range errors, so callers can treat both alike. */
export class WireError extends RangeError {}

/**
 * True when buf[start, end) is valid UTF-8. Most OTLP strings are short ASCII (attribute keys,
 * ids, names): for those a JS loop that ORs the bytes together beats the native call's set-up;
 * longer text goes straight to Node's SIMD validator.
 */
export function isUtf8Range(buf: Uint8Array, start: number, end: number): boolean {
  if (end - start > 64) return isUtf8(buf.subarray(start, end));
  let acc = 0;
  for (let i = start; i < end; i++) acc |= buf[i];
  return acc < 0x80 || isUtf8(buf.subarray(start, end));
}

/**
 * Read position shared by the functions below. A module variable rather than returned tuples:
 * this code mostly runs cold (once per Codex export, often in a fresh process), where the
 * interpreter makes array destructuring many times slower than a plain variable.
 */
let pos = 0;

/** A tag or a length: a varint of at most 5 bytes whose value fits 32 bits. */
function u32(buf: Uint8Array, end: number, what: string): number {
  let value = 0;
  for (let shift = 0; shift < 28; shift += 7) {
    if (pos >= end) throw new WireError(`${what} varint runs past the end of its message at offset ${pos}`);
    const b = buf[pos++];
    value |= (b & 0x7f) << shift;
    if (b < 0x80) return value;
  }
  if (pos >= end) throw new WireError(`${what} varint runs past the end of its message at offset ${pos}`);
  const b = buf[pos++];
  if (b > 0x0f) throw new WireError(`${what} at offset ${pos - 5} is longer than 5 bytes or does not fit 32 bits`);
  return (value | (b << 28)) >>> 0;
}

/** A 64-bit varint: at most 10 bytes, and a 10th byte of 0 or 1. Returns its length in bytes. */
function skipVarint(buf: Uint8Array, end: number): number {
  for (let i = 0; i < 10; i++) {
    if (pos >= end) throw new WireError(`varint runs past the end of its message at offset ${pos}`);
    const b = buf[pos++];
    if (b < 0x80) {
      if (i === 9 && b > 1) throw new WireError(`varint at offset ${pos - 10} overflows 64 bits`);
      return i + 1;
    }
  }
  throw new WireError(`varint longer than 10 bytes at offset ${pos}`);
}

/** A 32-bit field's varint: 1-5 bytes, or 10 (a negative int32, sign-extended). */
function skipVarint32(buf: Uint8Array, end: number, at: number): void {
  const n = skipVarint(buf, end);
  if (n > 5 && n !== 10) throw new WireError(`32-bit varint of ${n} bytes at offset ${at}`);
}

function wrongWireType(msg: WireShape, field: number, wire: number, at: number): WireError {
  return new WireError(`field ${field} of ${msg.name} has wire type ${wire}, which its type never uses, at offset ${at}`);
}

/** Checks and skips one field whose tag was just read (pos is after the tag). */
function skipField(buf: Uint8Array, end: number, tag: number, at: number, msg: WireShape, depth: number): void {
  const field = tag >>> 3;
  const wire = tag & 7;
  if (field === 0) throw new WireError(`invalid field number 0 at offset ${at}`);
  const kind = field < msg.kinds.length ? msg.kinds[field] : K_UNKNOWN;
  switch (wire) {
    case 0:
      if (kind === K_VARINT32) skipVarint32(buf, end, at);
      else if (kind === K_UNKNOWN || kind === K_VARINT || kind === K_REPEATED_VARINT) skipVarint(buf, end);
      else throw wrongWireType(msg, field, wire, at);
      return;
    case 1:
      if (kind !== K_UNKNOWN && kind !== K_I64 && kind !== K_REPEATED_I64) throw wrongWireType(msg, field, wire, at);
      if (end - pos < 8) throw new WireError(`field ${field} at offset ${at} runs past the end of its message`);
      pos += 8;
      return;
    case 5:
      if (kind !== K_UNKNOWN && kind !== K_I32 && kind !== K_REPEATED_I32) throw wrongWireType(msg, field, wire, at);
      if (end - pos < 4) throw new WireError(`field ${field} at offset ${at} runs past the end of its message`);
      pos += 4;
      return;
    case 2: {
      const len = u32(buf, end, 'length');
      if (len > end - pos) throw new WireError(`field ${field} of ${len} bytes at offset ${at} runs past the end of its message`);
      const stop = pos + len;
      switch (kind) {
        case K_UNKNOWN:
        case K_BYTES:
          break;
        case K_STRING:
          if (!isUtf8Range(buf, pos, stop)) throw new WireError(`field ${field} of ${msg.name} at offset ${at} is not valid UTF-8`);
          break;
        case K_MESSAGE:
          walk(buf, stop, msg.children[field]!, depth + 1);
          break;
        case K_REPEATED_VARINT:
          while (pos < stop) skipVarint(buf, stop);
          break;
        case K_REPEATED_I64:
          if (len % 8 !== 0) throw new WireError(`packed field ${field} at offset ${at} is not a whole number of 8-byte values`);
          break;
        case K_REPEATED_I32:
          if (len % 4 !== 0) throw new WireError(`packed field ${field} at offset ${at} is not a whole number of 4-byte values`);
          break;
        default:
          throw wrongWireType(msg, field, wire, at);
      }
      pos = stop;
      return;
    }
    case 3:
    case 4:
      throw new WireError(`group (wire type ${wire}) at offset ${at}: OTLP has no groups`);
    default:
      throw new WireError(`invalid wire type ${wire} at offset ${at}`);
  }
}

function walk(buf: Uint8Array, end: number, msg: WireShape, depth: number): void {
  if (depth > MAX_DEPTH) throw new WireError(`messages nested more than ${MAX_DEPTH} deep`);
  while (pos < end) {
    const at = pos;
    const tag = u32(buf, end, 'tag');
    skipField(buf, end, tag, at, msg, depth);
  }
}

/**
 * For readers that decode some fields themselves: checks and skips the field whose tag (read at
 * `at`) ends at `p`, as a field of `msg` (a message at nesting `depth`). Returns the position
 * after the field; throws WireError if it breaks a rule.
 */
export function skipFieldAt(buf: Uint8Array, p: number, end: number, tag: number, at: number, msg: WireShape, depth: number): number {
  pos = p;
  skipField(buf, end, tag, at, msg, depth);
  return pos;
}

/** Throws WireError unless buf[start, end) is a well-formed `msg` at nesting `depth`. */
export function checkMessage(buf: Uint8Array, start: number, end: number, msg: WireShape, depth: number): void {
  pos = start;
  walk(buf, end, msg, depth);
}

/** Throws WireError unless buf[start, end) is a well-formed AnyValue at nesting `depth`. */
export function checkAnyValue(buf: Uint8Array, start: number, end: number, depth: number): void {
  checkMessage(buf, start, end, ANY_VALUE, depth);
}

const ROOTS = {
  logs: { shape: EXPORT_LOGS, name: 'ExportLogsServiceRequest' },
  metrics: { shape: EXPORT_METRICS, name: 'ExportMetricsServiceRequest' },
  traces: { shape: EXPORT_TRACE, name: 'ExportTraceServiceRequest' },
} as const;

/**
 * Throws DecodeError (same wording as a failed decode) unless `body` is a well-formed OTLP
 * Export*ServiceRequest of that signal. An empty body is valid.
 */
export function validateOtlpProtobuf(signal: 'logs' | 'metrics' | 'traces', body: Uint8Array): void {
  const root = ROOTS[signal];
  try {
    checkMessage(body, 0, body.length, root.shape, 0);
  } catch (err) {
    if (!(err instanceof WireError)) throw err;
    throw new DecodeError(`request body is not a valid OTLP protobuf ${root.name}: ${err.message}`, { cause: err });
  }
}
