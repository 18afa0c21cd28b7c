/**
 * AnyValue, ArrayValue, KeyValue and KeyValueList off the wire (for protobuf-logs-reader.ts),
 * and the limits on how many of them one request may make us build.
 *
 * Attribute keys and short string values go through wire-string-cache.ts: every Codex record
 * repeats the same keys and many of the same values, and a key comes back already interned.
 */
import { setAttribute } from './decode-shared';
import { WireStringCache } from './wire-string-cache';
import { checkMessage, MAX_DEPTH, WireError } from './protobuf-validate';
import { ANY_VALUE, ARRAY_VALUE, KEY_VALUE, KEY_VALUE_LIST, type WireShape } from './otlp-wire-shapes';
import { Tag, type WireCursor } from './wire-cursor';
import type { AnyValue, Attributes } from '../shared/otlp-types';

/** Attribute keys (interned: they become property names) and short string values; see wire-string-cache.ts. */
const KEYS = new WireStringCache(512, true);
const VALUES = new WireStringCache(2048, false);

/**
 * Limits on what one request may make us build. Past them, attributes and array values are
 * still checked but left out, and counted: the exporter is told, and what is kept of a record
 * stays readable. Measured before (issue 11): one well-formed record with 200,000 attributes
 * took the collector past 500 MB and 30 s.
 */
export const DECODE_LIMITS = {
  /** Attributes of one record, resource or kvlist. OTel SDKs default to 128; Codex sends about 30. */
  attributesPerMap: 1024,
  /** Values of one array. */
  valuesPerArray: 1024,
  /** Attributes and array values of one request, all records together (a batch of 512 Codex records is ~15,000). */
  valuesPerRequest: 65_536,
} as const;

/** The request's budget: module variables, set by startBudget() and touched only in this file. */
let valuesLeft = 0;
let dropped = 0;

/** Starts a request's budget (DECODE_LIMITS.valuesPerRequest, nothing dropped yet). */
export function startBudget(): void {
  valuesLeft = DECODE_LIMITS.valuesPerRequest;
  dropped = 0;
}

/** Attributes and array values checked but left out since startBudget(). */
export function droppedValues(): number {
  return dropped;
}

function tooDeep(): WireError {
  return new WireError(`messages nested more than ${MAX_DEPTH} deep`);
}

/** The AnyValue message [pos, end) at nesting `depth`. */
export function anyValue(c: WireCursor, end: number, depth: number): AnyValue {
  if (depth > MAX_DEPTH) throw tooDeep();
  let value: AnyValue = null; // an AnyValue with no member set
  while (c.pos < end) {
    const at = c.pos;
    const tag = c.u32(end);
    switch (tag) {
      case Tag.F1_LEN: {
        const e = c.fieldEnd(end);
        value = VALUES.read(c.buf, c.pos, e);
        c.pos = e;
        break;
      }
      case Tag.F2_VARINT:
        value = c.varint32(end) !== 0; // as protobufjs: a bool is read as 32 bits
        break;
      case Tag.F3_VARINT:
        value = c.int64Value(end);
        break;
      case Tag.F4_I64:
        value = c.double(end);
        break;
      case Tag.F5_LEN: {
        const e = c.fieldEnd(end);
        value = arrayValue(c, e, depth + 1);
        break;
      }
      case Tag.F6_LEN: {
        const e = c.fieldEnd(end);
        const obj: Attributes = {};
        keyValueList(c, e, obj, depth + 1);
        value = obj;
        break;
      }
      case Tag.F7_LEN: {
        const e = c.fieldEnd(end);
        value = { bytes: c.buf.toString('base64', c.pos, e) };
        c.pos = e;
        break;
      }
      default:
        c.skip(end, tag, at, ANY_VALUE, depth);
    }
  }
  return value;
}

function arrayValue(c: WireCursor, end: number, depth: number): AnyValue[] {
  if (depth > MAX_DEPTH) throw tooDeep();
  const arr: AnyValue[] = [];
  while (c.pos < end) {
    const at = c.pos;
    const tag = c.u32(end);
    if (tag === Tag.F1_LEN) {
      const e = c.fieldEnd(end);
      if (arr.length < DECODE_LIMITS.valuesPerArray && --valuesLeft >= 0) arr.push(anyValue(c, e, depth + 1));
      else leaveOut(c, e, ANY_VALUE, depth + 1);
    } else c.skip(end, tag, at, ARRAY_VALUE, depth);
  }
  return arr;
}

/** One KeyValue message [pos, end) into `into`. */
function keyValue(c: WireCursor, end: number, into: Attributes, depth: number): void {
  if (depth > MAX_DEPTH) throw tooDeep();
  let key = '';
  let value: AnyValue = null;
  while (c.pos < end) {
    const at = c.pos;
    const tag = c.u32(end);
    if (tag === Tag.F1_LEN) {
      const e = c.fieldEnd(end);
      key = KEYS.read(c.buf, c.pos, e);
      c.pos = e;
    } else if (tag === Tag.F2_LEN) {
      const e = c.fieldEnd(end);
      value = anyValue(c, e, depth + 1);
    } else c.skip(end, tag, at, KEY_VALUE, depth);
  }
  setAttribute(into, key, value);
}

/** KeyValueList [pos, end): repeated KeyValue values = 1. */
function keyValueList(c: WireCursor, end: number, into: Attributes, depth: number): void {
  if (depth > MAX_DEPTH) throw tooDeep();
  let n = 0;
  while (c.pos < end) {
    const at = c.pos;
    const tag = c.u32(end);
    if (tag === Tag.F1_LEN) n = attribute(c, c.fieldEnd(end), into, n, depth + 1);
    else c.skip(end, tag, at, KEY_VALUE_LIST, depth);
  }
}

/**
 * The KeyValue [pos, e) as the n-th attribute of `into`: decoded while within the limits, else
 * checked and left out. Returns the new count.
 */
export function attribute(c: WireCursor, e: number, into: Attributes, n: number, depth: number): number {
  if (n < DECODE_LIMITS.attributesPerMap && --valuesLeft >= 0) keyValue(c, e, into, depth);
  else leaveOut(c, e, KEY_VALUE, depth);
  return n + 1;
}

/** Checks the message [pos, e) without building it, and counts it as left out. */
function leaveOut(c: WireCursor, e: number, shape: WireShape, depth: number): void {
  checkMessage(c.buf, c.pos, e, shape, depth);
  c.pos = e;
  dropped++;
}
