/**
 * The read position in a protobuf body and the wire primitives the logs reader
 * (protobuf-logs-reader.ts) decodes with: tags, lengths, varints, fixed-size numbers, strings.
 *
 * Why a cursor object: the reader is split over several modules (the message walk, AnyValue
 * decoding, the record filter's peek) that all move one position through one body, and an ES
 * module cannot assign another module's variables. One instance is reused for every request, so
 * its fields keep one hidden class and every access stays monomorphic; nothing here allocates
 * except the strings it returns.
 *
 * Strict as protobuf-validate.ts is: every read is checked against the end of its message, and a
 * field the caller does not decode goes to skipFieldAt, which checks and skips it. Our own
 * cursor rather than protobufjs's Reader: that reader skips a 32-bit varint's bytes 6-10
 * unchecked and its Buffer flavour cuts an overlong string at the end of its message.
 */
import { readUtf8 } from './wire-string-cache';
import { skipFieldAt, WireError } from './protobuf-validate';
import type { WireShape } from './otlp-wire-shapes';

/**
 * Tags (field number << 3 | wire type) of the fields the logs reader decodes. A const enum, so
 * that tsc and esbuild inline them as literals and the readers' switches compare constants.
 */
export const enum Tag {
  F1_I64 = 0x09,
  F1_LEN = 0x0a,
  F2_VARINT = 0x10,
  F2_LEN = 0x12,
  F3_VARINT = 0x18,
  F3_LEN = 0x1a,
  F4_I64 = 0x21,
  F5_LEN = 0x2a,
  F6_LEN = 0x32,
  F7_LEN = 0x3a,
  F9_LEN = 0x4a,
  F10_LEN = 0x52,
  F11_I64 = 0x59,
  F12_LEN = 0x62,
}

const EMPTY = Buffer.alloc(0);
const TWO_32 = 4294967296;

export class WireCursor {
  /** The body being read; reset by release() so a finished body is not kept alive. */
  buf: Buffer = EMPTY;
  pos = 0;
  /** The last 64-bit varint read by varint64(): low and high 32 bits. */
  lo = 0;
  hi = 0;

  start(body: Buffer): void {
    this.buf = body;
    this.pos = 0;
  }

  release(): void {
    this.buf = EMPTY;
  }

  cutOff(what: string): WireError {
    return new WireError(`${what} runs past the end of its message at offset ${this.pos}`);
  }

  /** A tag or a length: at most 5 bytes, value within 32 bits (the one-byte case inline). */
  u32(end: number): number {
    const buf = this.buf;
    if (this.pos < end) {
      const b = buf[this.pos];
      if (b < 0x80) {
        this.pos++;
        return b;
      }
    }
    let value = 0;
    for (let shift = 0; shift < 28; shift += 7) {
      if (this.pos >= end) throw this.cutOff('varint');
      const b = buf[this.pos++];
      value |= (b & 0x7f) << shift;
      if (b < 0x80) return value;
    }
    if (this.pos >= end) throw this.cutOff('varint');
    const b = buf[this.pos++];
    if (b > 0x0f) throw new WireError(`tag or length at offset ${this.pos - 5} is longer than 5 bytes or does not fit 32 bits`);
    return (value | (b << 28)) >>> 0;
  }

  /** Reads a length prefix and returns where the field it announces ends, checked against `end`. */
  fieldEnd(end: number): number {
    const len = this.u32(end);
    if (len > end - this.pos) throw new WireError(`field of ${len} bytes at offset ${this.pos} runs past the end of its message`);
    return this.pos + len;
  }

  /** A 64-bit varint into lo/hi. */
  varint64(end: number): void {
    const buf = this.buf;
    let p = this.pos;
    let l = 0;
    let h = 0;
    for (let i = 0; i < 10; i++) {
      if (p >= end) {
        this.pos = p;
        throw this.cutOff('varint');
      }
      const b = buf[p++];
      const bits = b & 0x7f;
      if (i < 4) l |= bits << (7 * i);
      else if (i === 4) {
        l |= (bits & 0x0f) << 28;
        h = bits >> 4;
      } else if (i < 9) h |= bits << (7 * i - 32);
      else if (bits > 1) throw new WireError(`varint at offset ${p - 10} overflows 64 bits`);
      else h |= bits << 31;
      if (b < 0x80) {
        this.pos = p;
        this.lo = l >>> 0;
        this.hi = h >>> 0;
        return;
      }
    }
    throw new WireError(`varint longer than 10 bytes at offset ${p}`);
  }

  /** A 32-bit field (int32, enum, bool): 1-5 bytes or exactly 10 (see otlp-wire-shapes.ts K_VARINT32); its low 32 bits. */
  varint32(end: number): number {
    const start = this.pos;
    this.varint64(end);
    const n = this.pos - start;
    if (n > 5 && n !== 10) throw new WireError(`32-bit varint of ${n} bytes at offset ${start}`);
    return this.lo;
  }

  fixed32(end: number): number {
    if (end - this.pos < 4) throw this.cutOff('fixed-size field');
    const buf = this.buf;
    const p = this.pos;
    const v = (buf[p] | (buf[p + 1] << 8) | (buf[p + 2] << 16) | (buf[p + 3] << 24)) >>> 0;
    this.pos = p + 4;
    return v;
  }

  /** fixed64 (unsigned) as a decimal string, without allocating a Long. */
  fixed64String(end: number): string {
    if (end - this.pos < 8) throw this.cutOff('fixed-size field');
    const l = this.fixed32(end);
    const h = this.fixed32(end);
    if (h < 0x200000) return String(h * TWO_32 + l); // below 2^53: exact as a double
    return ((BigInt(h) << 32n) | BigInt(l)).toString();
  }

  /** Steps over a fixed64 / double that is not decoded. */
  skip64(end: number): void {
    if (end - this.pos < 8) throw this.cutOff('fixed-size field');
    this.pos += 8;
  }

  double(end: number): number {
    if (end - this.pos < 8) throw this.cutOff('fixed-size field');
    const v = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return v;
  }

  /** int64 as a number when exactly representable, else its decimal string. */
  int64Value(end: number): number | string {
    this.varint64(end);
    const lo = this.lo;
    const hi = this.hi;
    const n = (hi | 0) * TWO_32 + lo;
    if (Number.isSafeInteger(n)) return n;
    return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
  }

  /** A string field's bytes [pos, e) as a string (no cache), pos moved to e. */
  str(e: number): string {
    const s = readUtf8(this.buf, this.pos, e);
    this.pos = e;
    return s;
  }

  hexOf(e: number): string {
    const s = e === this.pos ? '' : this.buf.toString('hex', this.pos, e);
    this.pos = e;
    return s;
  }

  /** Checks and skips a field the caller does not decode (pos is after its tag, read at `at`). */
  skip(end: number, tag: number, at: number, shape: WireShape, depth: number): void {
    this.pos = skipFieldAt(this.buf, this.pos, end, tag, at, shape, depth);
  }
}
