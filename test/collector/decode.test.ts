import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeOtlpJson } from '../../electron/collector/decode-json';
import { decodeOtlpProtobuf } from '../../electron/collector/decode-protobuf';
import { DecodeError } from '../../electron/collector/decode-shared';
import { otlpTypes } from '../../electron/collector/otlp-schema';
import type { AnyValue, DecodedRequest, LogRecord, ResourceLogs } from '../../electron/shared/otlp-types';
import { itemCount } from '../../electron/shared/otlp-types';

const FIXTURES = join(__dirname, '..', 'fixtures', 'codex-0.169.0');
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

function logsOf(req: DecodedRequest): ResourceLogs[] {
  if (req.signal !== 'logs') throw new Error(`expected logs, got ${req.signal}`);
  return req.resourceLogs;
}

function records(req: DecodedRequest): LogRecord[] {
  return logsOf(req).flatMap((r) => r.scopeLogs.flatMap((s) => s.logRecords));
}

function byEvent(recs: LogRecord[], name: string): LogRecord[] {
  return recs.filter((r) => r.attributes['event.name'] === name);
}

/** The JS type of every attribute, to compare two captures of different runs by shape. */
function attributeTypes(attrs: Record<string, AnyValue>): Record<string, string> {
  return Object.fromEntries(Object.entries(attrs).map(([k, v]) => [k, Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v]));
}

describe('decodeOtlpProtobuf on the real Codex 0.169.0 capture', () => {
  const decoded = decodeOtlpProtobuf('logs', fixture('logs-otlp-http-protobuf.bin'));
  const recs = records(decoded);

  it('finds the 20 records in their two scopes with the resource attributes', () => {
    expect(itemCount(decoded)).toBe(20);
    const [rl] = logsOf(decoded);
    expect(rl.resource['service.name']).toBe('codex_exec');
    expect(rl.resource['service.version']).toBe('0.169.0');
    expect(rl.scopeLogs.map((s) => [s.scope.name, s.logRecords.length])).toEqual([
      ['codex_otel.log_only', 19],
      ['codex_otel::metrics::client', 1],
    ]);
  });

  it('keeps event names, conversation id and the call-site eventName', () => {
    const names = recs.map((r) => r.attributes['event.name']);
    expect(names.filter((n) => n === 'codex.sse_event')).toHaveLength(10);
    for (const n of ['codex.conversation_starts', 'codex.user_prompt', 'codex.tool_decision', 'codex.tool_result']) {
      expect(names).toContain(n);
    }
    const start = byEvent(recs, 'codex.conversation_starts')[0];
    expect(start.attributes['conversation.id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(start.eventName).toBe('event otel/src/events/session_telemetry.rs:703');
    expect(byEvent(recs, 'codex.user_prompt')[0].attributes.prompt).toBe('write hello to out.txt');
  });

  it('preserves attribute types: string digits stay strings, intValue becomes a number, bools stay bools', () => {
    const api = byEvent(recs, 'codex.api_request')[0];
    expect(api.attributes['http.response.status_code']).toBe(200);
    expect(api.attributes.attempt).toBe(0);
    expect(typeof api.attributes.duration_ms).toBe('string');
    expect(api.attributes.duration_ms).toMatch(/^[0-9]+$/);
    const start = byEvent(recs, 'codex.conversation_starts')[0];
    expect(start.attributes['auth.env_openai_api_key_present']).toBe(true);
    expect(start.attributes['auth.env_codex_api_key_present']).toBe(false);
  });

  it('renders ids as lower-case hex and 64-bit times as decimal strings', () => {
    const start = recs[0];
    expect(start.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(start.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(start.timeUnixNano).toBe('0');
    expect(start.observedTimeUnixNano).toMatch(/^17[0-9]{17}$/);
    expect(start.severityNumber).toBe(9);
    expect(start.severityText).toBe('INFO');
    expect(start.body).toBeNull();
    const flush = recs[19];
    expect(flush.body).toBe('flushing OTEL metrics');
    expect(flush.traceId).toBe('');
    expect(flush.spanId).toBe('');
    expect(flush.severityNumber).toBe(5);
  });

  it('agrees field for field with an independent decoder (Python opentelemetry-proto) of the same bytes', () => {
    // decoded.json was produced by protobuf's json_format: base64 ids, enum names, int64 strings.
    // Our lenient JSON decoder reads that form, so both paths must yield the identical structure.
    const reference = decodeOtlpJson('logs', fixture('logs-otlp-http-protobuf.decoded.json'));
    expect(decoded).toEqual(reference);
  });
});

describe('decodeOtlpJson on the real Codex 0.169.0 JSON capture', () => {
  const decoded = decodeOtlpJson('logs', fixture('logs-otlp-http-json.json'));
  const recs = records(decoded);

  it('finds 21 records, body null and typed attributes', () => {
    expect(itemCount(decoded)).toBe(21);
    expect(byEvent(recs, 'codex.agent_response')).toHaveLength(1);
    const start = byEvent(recs, 'codex.conversation_starts')[0];
    expect(start.body).toBeNull();
    expect(start.traceId).toBe('819eec617a9531614b585678b7e042a3');
    expect(start.attributes['conversation.id']).toBe('01a20c0d-3016-7772-bb1a-55a121c2066e');
    expect(start.observedTimeUnixNano).toBe('1795498520604637030');
    const api = byEvent(recs, 'codex.api_request')[0];
    expect(api.attributes['http.response.status_code']).toBe(200);
    expect(byEvent(recs, 'codex.user_prompt')[0].attributes.prompt_length).toBe('11');
  });

  it('has the same shape as the protobuf capture (different runs: compare shapes, not values)', () => {
    const pbRecs = records(decodeOtlpProtobuf('logs', fixture('logs-otlp-http-protobuf.bin')));
    expect(Object.keys(recs[0]).sort()).toEqual(Object.keys(pbRecs[0]).sort());
    for (const name of ['codex.conversation_starts', 'codex.user_prompt', 'codex.api_request', 'codex.tool_decision', 'codex.tool_result']) {
      const fromJson = attributeTypes(byEvent(recs, name)[0].attributes);
      const fromPb = attributeTypes(byEvent(pbRecs, name)[0].attributes);
      const common = Object.keys(fromPb).filter((k) => k in fromJson);
      expect(common.length, name).toBeGreaterThan(3);
      for (const k of common) expect(fromJson[k], `${name} ${k}`).toBe(fromPb[k]);
    }
    expect(Object.keys(logsOf(decoded)[0].resource).sort()).toEqual(Object.keys(logsOf(decodeOtlpProtobuf('logs', fixture('logs-otlp-http-protobuf.bin')))[0].resource).sort());
  });

  it('reads the real metrics capture: names, types and data point counts', () => {
    const m = decodeOtlpJson('metrics', fixture('metrics-otlp-http-json.trimmed.json'));
    if (m.signal !== 'metrics') throw new Error('wrong signal');
    const metrics = m.resourceMetrics[0].scopeMetrics[0].metrics;
    expect(metrics.map((x) => x.name)).toEqual([
      'codex.thread.started',
      'codex.api_request',
      'codex.tool.call',
      'codex.turn.e2e_duration_ms',
      'codex.turn.token_usage',
      'codex.conversation.turn.count',
    ]);
    expect(metrics.find((x) => x.name === 'codex.thread.started')).toMatchObject({ type: 'sum', dataPointCount: 1 });
    expect(metrics.find((x) => x.name === 'codex.turn.e2e_duration_ms')?.type).toBe('histogram');
    expect(itemCount(m)).toBe(metrics.reduce((n, x) => n + x.dataPointCount, 0));
    expect(itemCount(m)).toBeGreaterThan(6);
  });
});

describe('OTLP/JSON rules and tolerated deviations', () => {
  const one = (record: unknown) => {
    const req = decodeOtlpJson('logs', JSON.stringify({ resourceLogs: [{ scopeLogs: [{ logRecords: [record] }] }] }));
    return records(req)[0];
  };

  it('accepts hex ids in any case and outputs lower case; empty ids stay empty', () => {
    const r = one({ traceId: '819EEC617A9531614B585678B7E042A3', spanId: '2940F7b1a6a563DC' });
    expect(r.traceId).toBe('819eec617a9531614b585678b7e042a3');
    expect(r.spanId).toBe('2940f7b1a6a563dc');
    expect(one({ traceId: '', spanId: '' })).toMatchObject({ traceId: '', spanId: '' });
  });

  it('rejects ids of the wrong length or alphabet with a message naming the field', () => {
    expect(() => one({ traceId: 'abc' })).toThrow(DecodeError);
    expect(() => one({ spanId: 'zz40f7b1a6a563dc' })).toThrow(/logRecords\[0\]\.spanId/);
  });

  it('accepts int64 as string or number, and keeps precision beyond 2^53 as strings', () => {
    const r = one({
      timeUnixNano: 1700000000000000000,
      observedTimeUnixNano: '1795498520604637030',
      attributes: [
        { key: 'n', value: { intValue: 42 } },
        { key: 's', value: { intValue: '-7' } },
        { key: 'big', value: { intValue: '9223372036854775807' } },
      ],
    });
    expect(r.timeUnixNano).toBe('1700000000000000000');
    expect(r.observedTimeUnixNano).toBe('1795498520604637030');
    expect(r.attributes).toEqual({ n: 42, s: -7, big: '9223372036854775807' });
    expect(() => one({ timeUnixNano: '12.5' })).toThrow(/timeUnixNano/);
  });

  it('takes enums as integers and tolerates enum names', () => {
    expect(one({ severityNumber: 17 }).severityNumber).toBe(17);
    expect(one({ severityNumber: 'SEVERITY_NUMBER_WARN' }).severityNumber).toBe(13);
    expect(() => one({ severityNumber: 'LOUD' })).toThrow(/severityNumber/);
    const t = decodeOtlpJson('traces', JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: 's', kind: 'SPAN_KIND_CLIENT', status: { code: 2 } }] }] }] }));
    if (t.signal !== 'traces') throw new Error('wrong signal');
    expect(t.resourceSpans[0].scopeSpans[0].spans[0]).toMatchObject({ kind: 3, status: { code: 2, message: '' } });
  });

  it('ignores unknown fields and tolerates snake_case keys', () => {
    const req = decodeOtlpJson(
      'logs',
      JSON.stringify({
        resource_logs: [
          {
            somethingNew: { deeply: [1, 2] },
            scope_logs: [
              {
                scope: { name: 'x', extra: true },
                log_records: [{ time_unix_nano: '5', severity_number: 9, severity_text: 'INFO', trace_id: 'AA'.repeat(16), event_name: 'e', futureField: 1, attributes: [{ key: 'k', value: { string_value: 'v' } }] }],
              },
            ],
          },
        ],
      }),
    );
    expect(records(req)[0]).toMatchObject({ timeUnixNano: '5', severityNumber: 9, traceId: 'aa'.repeat(16), eventName: 'e', attributes: { k: 'v' } });
  });

  it('maps every AnyValue kind to plain JS, including empty values and null bodies', () => {
    const r = one({
      body: null,
      attributes: [
        { key: 'empty', value: {} },
        { key: 'missing' },
        { key: 'd', value: { doubleValue: 1.5 } },
        { key: 'b', value: { boolValue: false } },
        { key: 'arr', value: { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '1' }] } } },
        { key: 'kv', value: { kvlistValue: { values: [{ key: 'inner', value: { boolValue: true } }] } } },
        { key: 'raw', value: { bytesValue: 'aGVsbG8=' } },
        { key: '__proto__', value: { stringValue: 'not a prototype' } },
      ],
    });
    expect(r.body).toBeNull();
    expect(r.attributes).toEqual({
      empty: null,
      missing: null,
      d: 1.5,
      b: false,
      arr: ['a', 1],
      kv: { inner: true },
      raw: { bytes: 'aGVsbG8=' },
      ['__proto__']: 'not a prototype',
    });
    expect(Object.getPrototypeOf(r.attributes)).toBe(Object.prototype);
  });

  it('treats an empty body or {} as an empty request, and reports malformed JSON as DecodeError', () => {
    expect(decodeOtlpJson('logs', '')).toEqual({ signal: 'logs', resourceLogs: [] });
    expect(decodeOtlpJson('traces', '{}')).toEqual({ signal: 'traces', resourceSpans: [] });
    expect(() => decodeOtlpJson('logs', '{"resourceLogs": [')).toThrow(DecodeError);
    expect(() => decodeOtlpJson('logs', '[]')).toThrow(/expected an object/);
    expect(() => decodeOtlpJson('logs', '{"resourceLogs": {}}')).toThrow(/resourceLogs: expected an array/);
  });
});

describe('decodeOtlpProtobuf for traces and metrics, and malformed input', () => {
  const t = otlpTypes();

  it('decodes spans with ids, kind, times, status and large ints', () => {
    const msg = t.ExportTraceServiceRequest.fromObject({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'codex_exec' } }] },
          scopeSpans: [
            {
              scope: { name: 'codex', version: '1' },
              spans: [
                {
                  traceId: Buffer.from('0102030405060708090a0b0c0d0e0f10', 'hex'),
                  spanId: Buffer.from('a1a2a3a4a5a6a7a8', 'hex'),
                  name: 'turn',
                  kind: 2,
                  startTimeUnixNano: '1795498520604637030',
                  endTimeUnixNano: '1795498520704637030',
                  attributes: [
                    { key: 'big', value: { intValue: '9007199254740993' } },
                    { key: 'neg', value: { intValue: '-5' } },
                    { key: 'blob', value: { bytesValue: Buffer.from('hi') } },
                  ],
                  status: { code: 2, message: 'boom' },
                },
              ],
            },
          ],
        },
      ],
    });
    const decoded = decodeOtlpProtobuf('traces', t.ExportTraceServiceRequest.encode(msg).finish());
    if (decoded.signal !== 'traces') throw new Error('wrong signal');
    expect(decoded.resourceSpans[0].resource).toEqual({ 'service.name': 'codex_exec' });
    expect(decoded.resourceSpans[0].scopeSpans[0].scope).toEqual({ name: 'codex', version: '1' });
    expect(decoded.resourceSpans[0].scopeSpans[0].spans[0]).toEqual({
      traceId: '0102030405060708090a0b0c0d0e0f10',
      spanId: 'a1a2a3a4a5a6a7a8',
      parentSpanId: '',
      name: 'turn',
      kind: 2,
      startTimeUnixNano: '1795498520604637030',
      endTimeUnixNano: '1795498520704637030',
      attributes: { big: '9007199254740993', neg: -5, blob: { bytes: Buffer.from('hi').toString('base64') } },
      status: { code: 2, message: 'boom' },
    });
  });

  it('reports metric names, types and data point counts', () => {
    const msg = t.ExportMetricsServiceRequest.fromObject({
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                { name: 'a', unit: 'ms', histogram: { dataPoints: [{ count: 1 }, { count: 2 }], aggregationTemporality: 1 } },
                { name: 'b', sum: { dataPoints: [{ asInt: 3 }], isMonotonic: true } },
                { name: 'c', gauge: { dataPoints: [] } },
                { name: 'd' },
              ],
            },
          ],
        },
      ],
    });
    const decoded = decodeOtlpProtobuf('metrics', t.ExportMetricsServiceRequest.encode(msg).finish());
    if (decoded.signal !== 'metrics') throw new Error('wrong signal');
    expect(decoded.resourceMetrics[0].scopeMetrics[0].metrics).toEqual([
      { name: 'a', description: '', unit: 'ms', type: 'histogram', dataPointCount: 2 },
      { name: 'b', description: '', unit: '', type: 'sum', dataPointCount: 1 },
      { name: 'c', description: '', unit: '', type: 'gauge', dataPointCount: 0 },
      { name: 'd', description: '', unit: '', type: 'unknown', dataPointCount: 0 },
    ]);
    expect(itemCount(decoded)).toBe(3);
  });

  it('decodes an empty buffer as an empty request', () => {
    expect(decodeOtlpProtobuf('logs', Buffer.alloc(0))).toEqual({ signal: 'logs', resourceLogs: [] });
  });

  it('reads logs built by protobufjs from the schema, skipping unknown fields and keeping every AnyValue kind', () => {
    const msg = t.ExportLogsServiceRequest.fromObject({
      resourceLogs: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'codex_exec' } }], droppedAttributesCount: 3 },
          schemaUrl: 'https://example/schema',
          scopeLogs: [
            {
              scope: { name: 'codex_otel.log_only', version: '0.1', attributes: [{ key: 'ignored', value: { boolValue: true } }] },
              logRecords: [
                {
                  timeUnixNano: '1795497654251131753',
                  observedTimeUnixNano: 12345,
                  severityNumber: 17,
                  severityText: 'ERROR',
                  flags: 1,
                  body: { kvlistValue: { values: [{ key: 'msg', value: { stringValue: 'hi' } }, { key: 'list', value: { arrayValue: { values: [{ doubleValue: 2.5 }, { boolValue: true }, {}] } } }] } },
                  attributes: [
                    { key: 'max', value: { intValue: '9223372036854775807' } },
                    { key: 'min', value: { intValue: '-9223372036854775808' } },
                    { key: 'neg', value: { intValue: -3 } },
                    { key: 'raw', value: { bytesValue: Buffer.from([0, 255]) } },
                    { key: 'empty' },
                  ],
                  droppedAttributesCount: 2,
                  traceId: Buffer.alloc(16, 0xab),
                  spanId: Buffer.alloc(8, 0xcd),
                  eventName: 'codex.user_prompt',
                },
              ],
            },
          ],
        },
      ],
    });
    const decoded = decodeOtlpProtobuf('logs', t.ExportLogsServiceRequest.encode(msg).finish());
    expect(decoded).toEqual({
      signal: 'logs',
      resourceLogs: [
        {
          resource: { 'service.name': 'codex_exec' },
          scopeLogs: [
            {
              scope: { name: 'codex_otel.log_only', version: '0.1' },
              logRecords: [
                {
                  timeUnixNano: '1795497654251131753',
                  observedTimeUnixNano: '12345',
                  severityNumber: 17,
                  severityText: 'ERROR',
                  body: { msg: 'hi', list: [2.5, true, null] },
                  attributes: { max: '9223372036854775807', min: '-9223372036854775808', neg: -3, raw: { bytes: 'AP8=' }, empty: null },
                  traceId: 'ab'.repeat(16),
                  spanId: 'cd'.repeat(8),
                  eventName: 'codex.user_prompt',
                },
              ],
            },
          ],
        },
      ],
    });
  });

  it('refuses zero padding and nested lengths that run past the body', () => {
    expect(() => decodeOtlpProtobuf('logs', Buffer.alloc(64))).toThrow(/field number 0/);
    // resourceLogs (field 1, length-delimited) claiming 100 bytes with 2 present
    expect(() => decodeOtlpProtobuf('logs', Buffer.from([0x0a, 100, 0x12, 0x00]))).toThrow(DecodeError);
  });

  it('throws DecodeError with a readable message on garbage and on truncated input', () => {
    expect(() => decodeOtlpProtobuf('logs', Buffer.from('this is not protobuf at all'))).toThrow(DecodeError);
    const bin = fixture('logs-otlp-http-protobuf.bin');
    expect(() => decodeOtlpProtobuf('logs', bin.subarray(0, bin.length - 100))).toThrow(/not a valid OTLP protobuf ExportLogsServiceRequest/);
  });
});
