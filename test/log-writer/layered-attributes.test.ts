/**
 * raw.attributes travels from the normalizer to the writer as LayeredAttributes (a record's
 * attributes over its resource's, never merged in memory). What a SIEM reads must be exactly
 * the merged object the reference schema describes, whichever way the event is serialized.
 */
import { describe, expect, it } from 'vitest';
import { applyContentPolicy } from '../../electron/log/content-policy';
import { lineBytes, serializeEvent, type SerializedEvent } from '../../electron/log/serialize';
import type { BeaconEvent } from '../../electron/shared/event';
import { LayeredAttributes } from '../../electron/shared/layered-attributes';
import { testEvent } from './helpers';

const LIMIT = 64 * 1024;

/** The line as the writer appends it. */
const lineOf = (s: SerializedEvent): string => s.json + '\n';
const RESOURCE = { 'service.name': 'codex_exec', 'host.name': 'vm', env: 'dev' };

function withRaw(attrs: LayeredAttributes, extra: Record<string, unknown> = {}): BeaconEvent {
  return testEvent(1, { message: 'hello', raw: { otel_signal: 'logs', event_name: 'codex.tool_result', ...extra, attributes: attrs } }) as unknown as BeaconEvent;
}

function written(ev: BeaconEvent): Record<string, unknown> {
  const s = serializeEvent(ev, LIMIT);
  expect(lineBytes(s.json)).toBe(Buffer.byteLength(lineOf(s)));
  return JSON.parse(lineOf(s)) as Record<string, unknown>;
}

describe('LayeredAttributes', () => {
  it('reads the record first, then the resource, like the merged object', () => {
    const a = new LayeredAttributes({ model: 'gpt-5', env: 'prod', empty: null }, RESOURCE);
    expect(a.get('model')).toBe('gpt-5');
    expect(a.get('env')).toBe('prod'); // the record wins
    expect(a.get('host.name')).toBe('vm'); // only in the resource
    expect(a.get('empty')).toBeNull(); // an empty AnyValue on the record still hides nothing below it
    expect(a.get('missing')).toBeUndefined();
    expect(a.shadowedResourceKeys()).toEqual(['env']);
    expect(a.toJSON()).toEqual({ 'service.name': 'codex_exec', 'host.name': 'vm', env: 'prod', model: 'gpt-5', empty: null });
  });

  it('keeps a "__proto__" attribute as data, never as a prototype', () => {
    const record = JSON.parse('{"__proto__": {"polluted": true}, "ok": 1}') as Record<string, never>;
    const merged = new LayeredAttributes(record, {}).toJSON();
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.keys(merged)).toEqual(['__proto__', 'ok']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('serializeEvent with raw.attributes as LayeredAttributes', () => {
  it('writes the same JSON object as serializing the merged attributes', () => {
    const ev = withRaw(new LayeredAttributes({ 'event.name': 'codex.tool_result', output: 'line 1\nline "2"', n: 3, ok: true }, RESOURCE), { severity: 'INFO' });
    const parsed = written(ev);
    expect(parsed).toEqual(JSON.parse(JSON.stringify(ev)));
    expect((parsed.raw as Record<string, unknown>).attributes).toEqual({ ...RESOURCE, 'event.name': 'codex.tool_result', output: 'line 1\nline "2"', n: 3, ok: true });
    // The event itself is left as it was given.
    expect(ev.raw?.attributes).toBeInstanceOf(LayeredAttributes);
    expect(ev.message).toBe('hello');
  });

  it('writes a key the record and the resource both set once, with the record value', () => {
    const line = lineOf(serializeEvent(withRaw(new LayeredAttributes({ env: 'prod', a: 1 }, RESOURCE)), LIMIT));
    expect(line.match(/"env":/g)).toHaveLength(1);
    expect((JSON.parse(line).raw as { attributes: Record<string, unknown> }).attributes).toEqual({ 'service.name': 'codex_exec', 'host.name': 'vm', env: 'prod', a: 1 });
  });

  it('handles an empty record, an empty resource, and a raw with nothing but attributes', () => {
    expect((written(withRaw(new LayeredAttributes({}, RESOURCE))).raw as { attributes: unknown }).attributes).toEqual(RESOURCE);
    expect((written(withRaw(new LayeredAttributes({ a: 'x' }, {}))).raw as { attributes: unknown }).attributes).toEqual({ a: 'x' });
    expect((written(withRaw(new LayeredAttributes({}, {}))).raw as { attributes: unknown }).attributes).toEqual({});
    const ev = testEvent(2, { raw: { attributes: new LayeredAttributes({ a: 1 }, { b: 2 }) } }) as unknown as BeaconEvent;
    expect(written(ev).raw).toEqual({ attributes: { b: 2, a: 1 } });
  });

  it('gives each event of an export its own record while sharing the resource', () => {
    const a = written(withRaw(new LayeredAttributes({ call_id: 'one' }, RESOURCE)));
    const b = written(withRaw(new LayeredAttributes({ call_id: 'two' }, RESOURCE)));
    expect((a.raw as { attributes: Record<string, unknown> }).attributes.call_id).toBe('one');
    expect((b.raw as { attributes: Record<string, unknown> }).attributes.call_id).toBe('two');
  });

  it('still truncates an oversized event, dropping raw first', () => {
    const ev = withRaw(new LayeredAttributes({ output: 'x'.repeat(70_000) }, RESOURCE));
    const s = serializeEvent(ev, LIMIT);
    expect(s.truncated).toBe(true);
    expect(lineBytes(s.json)).toBeLessThanOrEqual(LIMIT);
    const parsed = JSON.parse(lineOf(s)) as Record<string, unknown>;
    expect(parsed.raw).toBeUndefined();
    expect(parsed.field_truncated).toBe(true);
  });
});

describe('content policy on layered attributes', () => {
  it('masks a secret in a resource attribute for every event of the export, and says so each time', () => {
    const resource = { 'service.name': 'codex_exec', 'deployment.token': 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB' };
    for (const callId of ['one', 'two']) {
      const ev = applyContentPolicy(withRaw(new LayeredAttributes({ call_id: callId }, resource)), 'redacted');
      const line = lineOf(serializeEvent(ev, LIMIT));
      expect(line).not.toContain('ghp_0123456789');
      expect(line).toContain(`"call_id":"${callId}"`);
      expect(ev.content?.redacted).toBe(true);
    }
    // The decoded resource object itself is never edited (it is shared).
    expect(resource['deployment.token']).toContain('ghp_');
  });

  it('removes text attributes from both layers under metadata', () => {
    const ev = applyContentPolicy(withRaw(new LayeredAttributes({ prompt: 'my secret plan', call_id: 'c' }, { ...RESOURCE, output: 'resource text' })), 'metadata');
    const attrs = (written(ev).raw as { attributes: Record<string, unknown> }).attributes;
    expect(attrs).not.toHaveProperty('prompt');
    expect(attrs).not.toHaveProperty('output');
    expect(attrs.call_id).toBe('c');
    expect(attrs['host.name']).toBe('vm');
  });
});
