import { describe, expect, it } from 'vitest';
import { cutString, lineBytes, serializeEvent, TRUNCATION_MARKER, type SerializedEvent } from '../../electron/log/serialize';
import { testEvent } from './helpers';

const LIMIT = 64 * 1024;

/** The line as the writer appends it. */
const lineOf = (s: SerializedEvent): string => s.json + '\n';

/** Every string anywhere in a parsed value. */
function allStrings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => allStrings(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => allStrings(x, out));
  return out;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function expectWellFormed(line: string, maxBytes: number): Record<string, unknown> {
  expect(line.endsWith('\n')).toBe(true);
  expect(line.slice(0, -1)).not.toContain('\n');
  expect(Buffer.byteLength(line)).toBeLessThanOrEqual(maxBytes);
  // Valid UTF-8: encoding and decoding gives the same text back (a split pair would not).
  expect(Buffer.from(line, 'utf8').toString('utf8')).toBe(line);
  const parsed = JSON.parse(line) as Record<string, unknown>;
  for (const s of allStrings(parsed)) expect(LONE_SURROGATE.test(s)).toBe(false);
  return parsed;
}

describe('serializeEvent', () => {
  it('writes a small event unchanged, as one line', () => {
    const ev = testEvent(1, { prompt: { text: 'list files\nplease' } });
    const s = serializeEvent(ev, LIMIT);
    expect(s.truncated).toBe(false);
    expect(lineOf(s)).toBe(JSON.stringify(ev) + '\n');
    expect(lineBytes(s.json)).toBe(Buffer.byteLength(lineOf(s)));
  });

  it('truncates a 200 KiB prompt made of multi-byte characters to a valid line under the limit', () => {
    // 4-byte emoji (surrogate pairs), 2-byte and 3-byte characters, and characters JSON escapes.
    const unit = '😀é漢"\\\n\u0001';
    const text = unit.repeat(Math.ceil((200 * 1024) / Buffer.byteLength(unit)));
    expect(Buffer.byteLength(text)).toBeGreaterThanOrEqual(200 * 1024);
    const ev = testEvent(2, { prompt: { text }, raw: { otel_signal: 'logs', attributes: { 'event.name': 'codex.user_prompt' } } });
    const s = serializeEvent(ev, LIMIT);
    expect(s.truncated).toBe(true);
    const parsed = expectWellFormed(lineOf(s), LIMIT);
    expect(parsed.field_truncated).toBe(true);
    expect(parsed.raw).toBeUndefined();
    const kept = (parsed.prompt as { text: string }).text;
    expect(kept.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(text.startsWith(kept.slice(0, -TRUNCATION_MARKER.length))).toBe(true);
    // Not cut far more than needed: most of the budget is still the prompt.
    expect(lineBytes(s.json)).toBeGreaterThan(LIMIT * 0.9);
    // The envelope survives intact.
    expect(parsed.event).toEqual(ev.event);
    expect(parsed.session).toEqual(ev.session);
    expect(parsed.run).toEqual(ev.run);
  });

  it('shortens several big fields (outputs, message, tool-call arguments) until it fits', () => {
    const big = (c: string) => c.repeat(100 * 1024);
    const ev = testEvent(3, {
      command: { command: 'cat huge.log', output: big('a') },
      tool: { name: 'shell', output: big('b') },
      message: big('c'),
      gen_ai: { tool: { name: 'shell', call: { id: 'call_1', arguments: { cmd: big('d'), workdir: '/w' } } } },
    });
    const s = serializeEvent(ev, LIMIT);
    const parsed = expectWellFormed(lineOf(s), LIMIT);
    expect(parsed.field_truncated).toBe(true);
    expect((parsed.command as { command: string }).command).toBe('cat huge.log');
    expect((parsed.command as { output: string }).output).toContain(TRUNCATION_MARKER);
    expect((parsed.tool as { output: string }).output).toContain(TRUNCATION_MARKER);
    expect(parsed.message as string).toContain(TRUNCATION_MARKER);
    const args = (parsed.gen_ai as { tool: { call: { arguments: { cmd: string; workdir: string } } } }).tool.call.arguments;
    expect(args.cmd).toContain(TRUNCATION_MARKER);
    expect(args.workdir).toBe('/w');
  });

  it('replaces a subtree made of many small values when cutting strings is not enough', () => {
    const ev = testEvent(4, { gen_ai: { tool: { call: { arguments: { values: Array.from({ length: 30_000 }, (_, i) => i) } } } } });
    const s = serializeEvent(ev, LIMIT);
    const parsed = expectWellFormed(lineOf(s), LIMIT);
    expect(parsed.field_truncated).toBe(true);
    expect(JSON.stringify(parsed.gen_ai)).toContain(TRUNCATION_MARKER);
    expect(parsed.event).toEqual(ev.event);
  });

  it('respects a small limit as well (1 KiB)', () => {
    const ev = testEvent(5, { session: { id: 's', working_directory: '/x/'.repeat(2000) }, message: 'm'.repeat(5000) });
    const s = serializeEvent(ev, 1024);
    const parsed = expectWellFormed(lineOf(s), 1024);
    expect(parsed.field_truncated).toBe(true);
    expect(parsed.timestamp).toBe(ev.timestamp);
  });

  it('rejects input that is not a JSON object with a clear TypeError', () => {
    expect(() => serializeEvent(null, LIMIT)).toThrow(/must be a JSON object, got null/);
    expect(() => serializeEvent([1], LIMIT)).toThrow(/got an array/);
    expect(() => serializeEvent('x', LIMIT)).toThrow(/got string/);
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => serializeEvent(circular, LIMIT)).toThrow(TypeError);
    expect(() => serializeEvent({ n: 10n }, LIMIT)).toThrow(/cannot be serialized/);
  });
});

describe('cutString', () => {
  it('never ends between the halves of a surrogate pair', () => {
    const s = '😀😀😀';
    for (let budget = 0; budget < 20; budget++) {
      const cut = cutString(s, budget);
      expect(LONE_SURROGATE.test(cut)).toBe(false);
      expect(Buffer.byteLength(JSON.stringify(cut))).toBeLessThanOrEqual(Math.max(2, budget));
    }
  });
});
