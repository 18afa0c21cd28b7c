/**
 * Strings read off the protobuf wire, reused when the same bytes come again.
 *
 * Every Codex log record repeats the same ~25 attribute keys (`event.name`, `conversation.id`,
 * `app.version`...) and many of the same short values (the conversation id, the model, the
 * originator). Decoding each one again costs a native UTF-8 decode, and a fresh key string must
 * then be hashed and interned by V8 when it becomes a property name; together these were the
 * largest items of the decode profile. Looking the bytes up here is a short loop in JS, and a
 * key comes back already interned.
 *
 * Bounded: a fixed-size table where a new string takes over its slot, so a sender making up
 * endless keys costs nothing but misses. Only short ASCII strings are cached (the comparison is
 * then byte against char code, and no copy of the request body is kept): long strings are
 * unique text (prompts, tool output) that would only evict the useful entries.
 *
 * Strict: protobuf strings (proto3) must be UTF-8, and the collector answers 400 when one is not
 * (protobuf-validate.ts). Checking costs nearly nothing here: a cache hit is ASCII by
 * construction, and a decoded string without U+FFFD came from valid UTF-8 (the decoder turns
 * every invalid sequence into U+FFFD), so the exact check runs only for the rare string that
 * holds a U+FFFD, sent or made.
 */
import { isUtf8 } from 'node:buffer';

/** Longest string (in bytes) worth caching. */
const MAX_CACHED_BYTES = 64;

const utf8Slice = (Buffer.prototype as unknown as { utf8Slice(this: Uint8Array, start: number, end: number): string }).utf8Slice;

/** Thrown for a string field that is not valid UTF-8 (a RangeError, like the wire readers' errors). */
export class InvalidUtf8Error extends RangeError {
  constructor(at: number) {
    super(`string at offset ${at} is not valid UTF-8`);
  }
}

/** The UTF-8 string in buf[start, end); throws InvalidUtf8Error when those bytes are not UTF-8. */
export function readUtf8(buf: Uint8Array, start: number, end: number): string {
  const s = utf8Slice.call(buf, start, end);
  if (s.indexOf('\uFFFD') !== -1 && !isUtf8(buf.subarray(start, end))) throw new InvalidUtf8Error(start);
  return s;
}

export class WireStringCache {
  private readonly strings: string[];
  private readonly mask: number;

  /**
   * `slots` must be a power of two. `intern`: make cached strings V8-internal strings (worth it
   * for strings used as property names).
   */
  constructor(
    slots: number,
    private readonly intern: boolean,
  ) {
    if (slots <= 0 || (slots & (slots - 1)) !== 0) throw new RangeError('WireStringCache: slots must be a power of two');
    this.strings = new Array<string>(slots).fill('');
    this.mask = slots - 1;
  }

  /** The UTF-8 string in buf[start, end); throws InvalidUtf8Error when those bytes are not UTF-8. */
  read(buf: Uint8Array, start: number, end: number): string {
    const len = end - start;
    if (len === 0) return '';
    if (len > MAX_CACHED_BYTES) return readUtf8(buf, start, end);
    // FNV-1a over the bytes.
    let h = 0x811c9dc5;
    for (let i = start; i < end; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    const slot = (h ^ (h >>> 15)) & this.mask;
    const known = this.strings[slot];
    if (known.length === len) {
      let i = 0;
      while (i < len && known.charCodeAt(i) === buf[start + i]) i++;
      if (i === len) return known;
    }
    let s = readUtf8(buf, start, end);
    // Valid UTF-8 of the same length in bytes and in UTF-16 units: all ASCII, so the
    // char-by-byte check above holds.
    if (s.length === len) {
      if (this.intern) s = internalize(s);
      this.strings[slot] = s;
    }
    return s;
  }
}

/**
 * V8 interns a string used as a property name (in place); returning the key V8 stored gives the
 * interned string itself, so no later property store or lookup with it has to hash it again.
 */
function internalize(s: string): string {
  const o: Record<string, number> = {};
  o[s] = 0;
  return Object.keys(o)[0];
}
