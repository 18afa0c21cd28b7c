/**
 * The decoder's string cache must be invisible: whatever valid UTF-8 arrives, the string read is the
 * one a plain UTF-8 decode gives, including after slot collisions and for text it must not cache;
 * and bytes that are not UTF-8 are refused, never replaced.
 */
import { describe, expect, it } from 'vitest';
import { InvalidUtf8Error, WireStringCache } from '../../electron/collector/wire-string-cache';

function read(cache: WireStringCache, s: string | Buffer, pad = 3): string {
  // Put the string in the middle of a bigger buffer, like a field inside a request body.
  const bytes = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
  const buf = Buffer.concat([Buffer.alloc(pad, 0x41), bytes, Buffer.alloc(pad, 0x42)]);
  return cache.read(buf, pad, pad + bytes.length);
}

describe('WireStringCache', () => {
  it('returns the decoded string on first sight and on every later sight', () => {
    const cache = new WireStringCache(64, true);
    for (let round = 0; round < 3; round++) {
      for (const s of ['event.name', 'conversation.id', '', 'a', 'x'.repeat(64), 'gpt-5-codex']) expect(read(cache, s)).toBe(s);
    }
  });

  it('never confuses two strings that share a slot (a 1-slot table collides on everything)', () => {
    const cache = new WireStringCache(1, false);
    const words = ['model', 'slug', 'modem', 'model ', 'MODEL', 'model'];
    for (let round = 0; round < 2; round++) for (const w of words) expect(read(cache, w)).toBe(w);
  });

  it('decodes non-ASCII and long text exactly as Buffer does', () => {
    const cache = new WireStringCache(256, true);
    const long = 'y'.repeat(5000);
    for (let round = 0; round < 2; round++) {
      expect(read(cache, 'héllo wörld')).toBe('héllo wörld');
      expect(read(cache, '漢字😀')).toBe('漢字😀');
      expect(read(cache, 'a\uFFFDb')).toBe('a\uFFFDb'); // a real U+FFFD is valid text
      expect(read(cache, long)).toBe(long);
    }
  });

  it('refuses bytes that are not UTF-8 (proto3 strings must be), short or long, seen before or not', () => {
    const cache = new WireStringCache(256, true);
    for (const bad of [[0x61, 0xff, 0xfe, 0x62], [0xed, 0xa0, 0x80], [0xc0, 0x80], [0xe2, 0x82]]) {
      const invalid = Buffer.from(bad);
      for (let round = 0; round < 2; round++) expect(() => read(cache, invalid)).toThrow(InvalidUtf8Error);
      expect(() => read(cache, Buffer.concat([Buffer.alloc(100, 0x61), invalid]))).toThrow(InvalidUtf8Error);
    }
  });

  it('does not keep the request body alive or change with it', () => {
    const cache = new WireStringCache(64, false);
    const buf = Buffer.from('codex_exec');
    expect(cache.read(buf, 0, buf.length)).toBe('codex_exec');
    buf.write('codex_tui!'); // the same slot, different bytes: must not return the old string
    expect(cache.read(buf, 0, buf.length)).toBe('codex_tui!');
  });

  it('refuses a table size that is not a power of two', () => {
    expect(() => new WireStringCache(100, false)).toThrow(/power of two/);
  });
});
