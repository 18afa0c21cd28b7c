/**
 * The receiver's shortcuts for data Beacon drops: metrics (and spans when not kept) are only
 * checked on the wire, never decoded; Codex's noise log records are skipped before decoding.
 * Each shortcut must give the same answers as the full decode: 200 for good bodies, 400 for
 * malformed ones, and exactly the same events in runtime.jsonl.
 */
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeOtlpProtobuf } from '../../electron/collector/decode-protobuf';
import { DecodeError } from '../../electron/collector/decode-shared';
import { otlpTypes } from '../../electron/collector/otlp-schema';
import { createOtlpServer } from '../../electron/collector/otlp-server';
import type { DecodedRequest, ResourceLogs } from '../../electron/shared/otlp-types';
import { validateOtlpProtobuf } from '../../electron/collector/protobuf-validate';
import { CODEX_LOG_RECORD_FILTER, CodexNormalizer } from '../../electron/codex/normalizer';

const FIXTURES = join(__dirname, '..', 'fixtures');
const PB_LOGS = readFileSync(join(FIXTURES, 'codex-0.169.0', 'logs-otlp-http-protobuf.bin'));
const PB_RUN = readFileSync(join(FIXTURES, 'codex-0.169.0-scenario', 'logs.bin'));

/** The real Codex metrics export (captured as OTLP/JSON) re-encoded as protobuf. */
function metricsProtobuf(): Buffer {
  const t = otlpTypes().ExportMetricsServiceRequest;
  const json = JSON.parse(readFileSync(join(FIXTURES, 'codex-0.169.0', 'metrics-otlp-http-json.trimmed.json'), 'utf8'));
  return Buffer.from(t.encode(t.fromObject(json)).finish());
}

function tracesProtobuf(): Buffer {
  const t = otlpTypes().ExportTraceServiceRequest;
  const msg = t.fromObject({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'codex_exec' } }] },
        scopeSpans: [{ spans: [{ name: 'turn', traceId: Buffer.alloc(16, 1), spanId: Buffer.alloc(8, 2), attributes: [{ key: 'a', value: { arrayValue: { values: [{ intValue: 3 }] } } }] }] }],
      },
    ],
  });
  return Buffer.from(t.encode(msg).finish());
}

describe('validateOtlpProtobuf (wire check without decoding)', () => {
  const metrics = metricsProtobuf();

  it('accepts the real Codex metrics export, a span export and an empty body', () => {
    expect(metrics.length).toBeGreaterThan(1000);
    expect(() => validateOtlpProtobuf('metrics', metrics)).not.toThrow();
    expect(() => validateOtlpProtobuf('traces', tracesProtobuf())).not.toThrow();
    expect(() => validateOtlpProtobuf('metrics', Buffer.alloc(0))).not.toThrow();
  });

  it('refuses every truncation of the metrics export that protobufjs refuses, and garbage', () => {
    const t = otlpTypes().ExportMetricsServiceRequest;
    let refused = 0;
    for (let cut = 1; cut < metrics.length; cut += 97) {
      const body = metrics.subarray(0, metrics.length - cut);
      let pbjsRefuses = false;
      try {
        t.decode(body);
      } catch {
        pbjsRefuses = true;
      }
      if (pbjsRefuses) {
        refused++;
        expect(() => validateOtlpProtobuf('metrics', body), `cut ${cut}`).toThrow(DecodeError);
      }
    }
    expect(refused).toBeGreaterThan(10);
    expect(() => validateOtlpProtobuf('metrics', Buffer.from('this is not protobuf at all'))).toThrow(/not a valid OTLP protobuf ExportMetricsServiceRequest/);
    expect(() => validateOtlpProtobuf('traces', Buffer.alloc(64))).toThrow(/field number 0/);
  });

  it('checks nested messages: a data point length running past its metric is refused', () => {
    // Metric (ScopeMetrics field 2) holding gauge (field 5) that claims 50 bytes with 2 present.
    const metric = Buffer.from([0x2a, 50, 0x0a, 0x00]);
    const scopeMetrics = Buffer.concat([Buffer.from([0x12, metric.length]), metric]);
    const resourceMetrics = Buffer.concat([Buffer.from([0x12, scopeMetrics.length]), scopeMetrics]);
    const body = Buffer.concat([Buffer.from([0x0a, resourceMetrics.length]), resourceMetrics]);
    expect(() => validateOtlpProtobuf('metrics', body)).toThrow(/runs past the end/);
  });
});

describe('Codex noise filter in the protobuf log reader', () => {
  const ctx = { includeSpans: false, endpoint: { os: 'linux', hostname: 'h', agent_version: 't' }, now: () => new Date('2026-01-01T00:00:00Z') };
  const logsOf = (d: DecodedRequest): ResourceLogs[] => (d.signal === 'logs' ? d.resourceLogs : []);

  it('skips exactly the records the normalizer drops: the events are identical', () => {
    for (const body of [PB_LOGS, PB_RUN]) {
      const full = logsOf(decodeOtlpProtobuf('logs', body));
      const filtered = logsOf(decodeOtlpProtobuf('logs', body, CODEX_LOG_RECORD_FILTER));
      const count = (rl: ResourceLogs[]) => rl.reduce((n, r) => n + r.scopeLogs.reduce((m, s) => m + s.logRecords.length, 0), 0);
      expect(count(filtered)).toBeLessThan(count(full) / 2); // most of a Codex batch is SSE chunk noise
      const a = new CodexNormalizer(ctx).normalizeLogs(full);
      const b = new CodexNormalizer(ctx).normalizeLogs(filtered);
      expect(b.length).toBeGreaterThan(3);
      expect(b).toEqual(a);
    }
  });

  it('still refuses malformed input inside a record it skips', () => {
    expect(() => decodeOtlpProtobuf('logs', PB_LOGS.subarray(0, PB_LOGS.length - 100), CODEX_LOG_RECORD_FILTER)).toThrow(DecodeError);
    // A startup_phase record (always dropped) whose other attribute's AnyValue holds field number 0.
    const t = otlpTypes().ExportLogsServiceRequest;
    const kv = (key: string, s: string) => ({ key, value: { stringValue: s } });
    const good = Buffer.from(
      t.encode(t.fromObject({ resourceLogs: [{ scopeLogs: [{ logRecords: [{ attributes: [kv('event.name', 'codex.startup_phase'), kv('phase', 'xxxx')] }] }] }] })).finish(),
    );
    expect(logsOf(decodeOtlpProtobuf('logs', good, CODEX_LOG_RECORD_FILTER))[0].scopeLogs[0].logRecords).toHaveLength(0);
    // Replace the 'xxxx' string value's tag (0x0a = field 1, LEN) with 0x02 (field 0): malformed.
    const bad = Buffer.from(good);
    const at = bad.indexOf(Buffer.from('xxxx')) - 2;
    expect(bad[at]).toBe(0x0a);
    bad[at] = 0x02;
    expect(() => decodeOtlpProtobuf('logs', bad)).toThrow(DecodeError);
    expect(() => decodeOtlpProtobuf('logs', bad, CODEX_LOG_RECORD_FILTER)).toThrow(DecodeError);
  });
});

describe('receiver with needsContent = logs only', () => {
  const received: DecodedRequest[] = [];
  const server = createOtlpServer({
    port: 0,
    ingest: async (req) => {
      received.push(req);
    },
    needsContent: (signal) => signal === 'logs',
    logRecordFilter: CODEX_LOG_RECORD_FILTER,
    healthz: () => ({}),
  });
  let port = 0;
  beforeAll(async () => {
    port = (await server.listen()).port;
  });
  afterAll(() => server.close());

  const post = (path: string, body: Buffer, headers: Record<string, string> = {}) =>
    new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, path, method: 'POST', agent: false, headers: { 'content-type': 'application/x-protobuf', 'content-length': String(body.length), ...headers } },
        (res) => {
          const parts: Buffer[] = [];
          res.on('data', (c: Buffer) => parts.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts) }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });

  it('answers 200 to the metrics export, plain and gzip, without decoding it', async () => {
    const metrics = metricsProtobuf();
    expect((await post('/v1/metrics', metrics)).status).toBe(200);
    expect((await post('/v1/metrics', zlib.gzipSync(metrics), { 'content-encoding': 'gzip' })).status).toBe(200);
    expect((await post('/v1/traces', tracesProtobuf())).status).toBe(200);
    expect(received.map((r) => [r.signal, r.contentSkipped])).toEqual([
      ['metrics', true],
      ['metrics', true],
      ['traces', true],
    ]);
  });

  it('answers 400 with a Status to a malformed metrics body', async () => {
    const before = received.length;
    const metrics = metricsProtobuf();
    const r = await post('/v1/metrics', metrics.subarray(0, metrics.length - 7));
    expect(r.status).toBe(400);
    const Status = otlpTypes().Status;
    const status = Status.toObject(Status.decode(r.body), { defaults: true }) as { code: number; message: string };
    expect(status.code).toBe(3);
    expect(status.message).toMatch(/not a valid OTLP protobuf ExportMetricsServiceRequest/);
    expect(received.length).toBe(before);
  });

  it('hands logs on decoded, without the noise records', async () => {
    received.length = 0;
    expect((await post('/v1/logs', PB_LOGS)).status).toBe(200);
    const req = received[0];
    if (req.signal !== 'logs') throw new Error('expected logs');
    const names = req.resourceLogs[0].scopeLogs[0].logRecords.map((r) => r.attributes['event.name']);
    expect(names).toContain('codex.user_prompt');
    expect(names).not.toContain('codex.startup_phase');
  });
});
