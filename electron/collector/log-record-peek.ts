/**
 * The decoder-side LogRecordFilter (the normalizer's noise rules, see otlp-types.ts): before a
 * LogRecord is built, it is peeked at. Only its severity and the few attributes the filter names
 * are decoded, keys compared as bytes, and a record the filter drops is checked but never built.
 * Most of a Codex batch is per-chunk SSE records that are dropped, so this is where most of the
 * decode time went.
 *
 * Strict all the same: every byte of a dropped record is checked as protobuf-validate.ts would,
 * so a malformed record is refused whether or not it would be kept.
 */
import { InvalidUtf8Error } from './wire-string-cache';
import { checkMessage, isUtf8Range } from './protobuf-validate';
import { ANY_VALUE, KEY_VALUE, LOG_RECORD } from './otlp-wire-shapes';
import { anyValue } from './protobuf-any-value';
import { Tag, type WireCursor } from './wire-cursor';
import type { Attributes, LogRecordFilter } from '../shared/otlp-types';

/** A filter with its keys pre-encoded for byte comparison. */
export interface PreparedFilter {
  filter: LogRecordFilter;
  keys: Buffer[];
}

const prepared = new WeakMap<LogRecordFilter, PreparedFilter>();

export function prepareFilter(filter: LogRecordFilter): PreparedFilter {
  let p = prepared.get(filter);
  if (!p) {
    p = { filter, keys: filter.keys.map((k) => Buffer.from(k, 'utf8')) };
    prepared.set(filter, p);
  }
  return p;
}

/** Index of the wanted key equal to buf[start, end), or -1. */
function wantedKey(buf: Buffer, start: number, end: number, keys: Buffer[]): number {
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
function isPlainUnwantedAttribute(buf: Buffer, s: number, e: number, keys: Buffer[]): boolean {
  if (buf[s] !== Tag.F1_LEN) return false;
  const klen = buf[s + 1];
  const ke = s + 2 + klen;
  if (klen >= 0x80 || ke + 4 > e || buf[ke] !== Tag.F2_LEN) return false;
  const vlen = buf[ke + 1];
  if (vlen >= 0x80 || ke + 2 + vlen !== e || buf[ke + 2] !== Tag.F1_LEN || buf[ke + 3] !== vlen - 2) return false;
  if (wantedKey(buf, s + 2, ke, keys) >= 0) return false;
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
export function peekKeeps(c: WireCursor, end: number, depth: number, pf: PreparedFilter): boolean {
  const start = c.pos;
  const buf = c.buf;
  let severity = 0;
  let attrs: Attributes | undefined;
  while (c.pos < end) {
    const at = c.pos;
    const tag = c.u32(end);
    if (tag === Tag.F2_VARINT) {
      severity = c.varint32(end) | 0;
    } else if (tag === Tag.F6_LEN) {
      // KeyValue: find the key's bytes; decode the value only for a wanted key.
      const e = c.fieldEnd(end);
      if (isPlainUnwantedAttribute(buf, c.pos, e, pf.keys)) {
        c.pos = e;
        continue;
      }
      let want = -1;
      let valueAt = -1;
      let valueEnd = -1;
      while (c.pos < e) {
        const kvAt = c.pos;
        const t = c.u32(e);
        if (t === Tag.F1_LEN) {
          const ke = c.fieldEnd(e);
          want = wantedKey(buf, c.pos, ke, pf.keys);
          if (want < 0 && !isUtf8Range(buf, c.pos, ke)) throw new InvalidUtf8Error(c.pos);
          c.pos = ke;
        } else if (t === Tag.F2_LEN) {
          const ve = c.fieldEnd(e);
          // A repeated value field: the last one counts, but every one must be well-formed.
          if (valueAt >= 0) checkMessage(buf, valueAt, valueEnd, ANY_VALUE, depth + 2);
          valueAt = c.pos;
          valueEnd = ve;
          c.pos = ve;
        } else c.skip(e, t, kvAt, KEY_VALUE, depth + 1);
      }
      if (valueAt >= 0) {
        if (want >= 0) {
          c.pos = valueAt;
          (attrs ??= {})[pf.filter.keys[want]] = anyValue(c, valueEnd, depth + 2);
        } else {
          checkMessage(buf, valueAt, valueEnd, ANY_VALUE, depth + 2); // not decoded, but a malformed value is still refused
        }
        c.pos = e;
      } else if (want >= 0) {
        (attrs ??= {})[pf.filter.keys[want]] = null;
      }
    } else if (tag === Tag.F1_I64 || tag === Tag.F11_I64) {
      c.skip64(end);
    } else if (tag === Tag.F3_LEN || tag === Tag.F12_LEN) {
      const e = c.fieldEnd(end);
      if (!isUtf8Range(buf, c.pos, e)) throw new InvalidUtf8Error(c.pos);
      c.pos = e;
    } else if (tag === Tag.F9_LEN || tag === Tag.F10_LEN) {
      c.pos = c.fieldEnd(end);
    } else c.skip(end, tag, at, LOG_RECORD, depth); // the body, and fields Beacon never reads
  }
  c.pos = start;
  return pf.filter.keep(severity, attrs ?? {});
}
