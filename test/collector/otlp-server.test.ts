/**
 * The receiver against a real listening port, driven with node's http client: the conformance
 * checklist of peers.md B.10 (what a request gets back: encodings, empty bodies, compression,
 * content types and methods, malformed bodies), using the real Codex captures. Ingest outcomes
 * and transfer: otlp-server-ingest.test.ts; the Host/Origin guard: otlp-server-guard.test.ts;
 * size limits and closing: otlp-server-limits.test.ts.
 */
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { otlpTypes } from '../../electron/collector/otlp-schema';
import { itemCount } from '../../electron/shared/otlp-types';
import { decodeStatus, JSON_CT, JSON_LOGS, JSON_METRICS, PB, PB_LOGS, post, listeningRecordingServer, send } from '../support/otlp-server-client';

describe('OTLP/HTTP receiver', () => {
  let port = 0;
  const s = listeningRecordingServer((p) => (port = p));

  describe('1. success: an empty Export*ServiceResponse in the request encoding', () => {
    it('accepts the real Codex protobuf logs and hands all 20 decoded records to ingest', async () => {
      const r = await post(port, '/v1/logs', PB, PB_LOGS);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe(PB);
      expect(r.body.length).toBe(0);
      expect(s.received).toHaveLength(1);
      const req = s.received[0];
      expect(req.signal).toBe('logs');
      expect(itemCount(req)).toBe(20);
      if (req.signal !== 'logs') return;
      const recs = req.resourceLogs[0].scopeLogs[0].logRecords;
      expect(recs[0].attributes['event.name']).toBe('codex.conversation_starts');
      expect(recs[0].attributes['conversation.id']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('accepts the real Codex JSON logs and answers "{}" as JSON', async () => {
      const r = await post(port, '/v1/logs', JSON_CT, JSON_LOGS);
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toBe(JSON_CT);
      expect(JSON.parse(r.body.toString())).toEqual({});
      expect(itemCount(s.received[0])).toBe(21);
    });

    it('accepts metrics and traces in both encodings', async () => {
      const t = otlpTypes();
      const metricsPb = Buffer.from(
        t.ExportMetricsServiceRequest.encode(t.ExportMetricsServiceRequest.fromObject({ resourceMetrics: [{ scopeMetrics: [{ metrics: [{ name: 'm', sum: { dataPoints: [{ asInt: 1 }] } }] }] }] })).finish(),
      );
      const tracesPb = Buffer.from(
        t.ExportTraceServiceRequest.encode(t.ExportTraceServiceRequest.fromObject({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'turn' }] }] }] })).finish(),
      );
      const tracesJson = Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [{ name: 'turn', traceId: 'AB'.repeat(16) }] }] }] }));
      const replies = [
        await post(port, '/v1/metrics', PB, metricsPb),
        await post(port, '/v1/metrics', JSON_CT, JSON_METRICS),
        await post(port, '/v1/traces', PB, tracesPb),
        await post(port, '/v1/traces', JSON_CT, tracesJson),
      ];
      expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect(replies.map((r) => r.body.toString())).toEqual(['', '{}', '', '{}']);
      expect(s.received.map((r) => r.signal)).toEqual(['metrics', 'metrics', 'traces', 'traces']);
      const spans = s.received[3];
      if (spans.signal !== 'traces') return;
      expect(spans.resourceSpans[0].scopeSpans[0].spans[0].traceId).toBe('ab'.repeat(16));
    });

    it('tolerates content type parameters such as charset', async () => {
      const r = await post(port, '/v1/logs', 'application/json; charset=utf-8', JSON_LOGS);
      expect(r.status).toBe(200);
      expect(itemCount(s.received[0])).toBe(21);
    });
  });

  describe('2. empty requests', () => {
    it('answers 200 to an empty body in both encodings without calling ingest', async () => {
      const pb = await post(port, '/v1/logs', PB, Buffer.alloc(0));
      const js = await post(port, '/v1/metrics', JSON_CT, Buffer.alloc(0));
      expect([pb.status, js.status]).toEqual([200, 200]);
      expect(js.body.toString()).toBe('{}');
      expect(s.received).toHaveLength(0);
    });

    it('answers 200 to an envelope with no resources', async () => {
      const r = await post(port, '/v1/logs', JSON_CT, Buffer.from('{"resourceLogs": []}'));
      expect(r.status).toBe(200);
    });
  });

  describe('3. compression', () => {
    it('accepts gzip bodies', async () => {
      const r = await post(port, '/v1/logs', PB, zlib.gzipSync(PB_LOGS), { headers: { 'content-encoding': 'gzip' } });
      expect(r.status).toBe(200);
      expect(itemCount(s.received[0])).toBe(20);
    });

    it('accepts deflate bodies, zlib-wrapped or raw', async () => {
      const a = await post(port, '/v1/logs', JSON_CT, zlib.deflateSync(JSON_LOGS), { headers: { 'content-encoding': 'deflate' } });
      const b = await post(port, '/v1/logs', JSON_CT, zlib.deflateRawSync(JSON_LOGS), { headers: { 'content-encoding': 'deflate' } });
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(s.received.map(itemCount)).toEqual([21, 21]);
    });

    it('answers 400 with a Status to an unknown Content-Encoding', async () => {
      const r = await post(port, '/v1/logs', JSON_CT, JSON_LOGS, { headers: { 'content-encoding': 'br' } });
      expect(r.status).toBe(400);
      expect(decodeStatus(r).message).toMatch(/unsupported Content-Encoding "br"/);
      expect(s.received).toHaveLength(0);
    });

    it('answers 400 to a body that is not the gzip it claims to be', async () => {
      const r = await post(port, '/v1/logs', PB, PB_LOGS, { headers: { 'content-encoding': 'gzip' } });
      expect(r.status).toBe(400);
      expect(decodeStatus(r).message).toMatch(/not valid gzip/);
    });
  });

  describe('5. content type and method', () => {
    it('answers 415 text/plain to other content types, including none', async () => {
      const plain = await post(port, '/v1/logs', 'text/plain', JSON_LOGS);
      expect(plain.status).toBe(415);
      expect(plain.headers['content-type']).toMatch(/^text\/plain/);
      expect(plain.body.toString()).toMatch(/supported: \[application\/json, application\/x-protobuf\]/);
      const none = await send(port, '/v1/logs', PB_LOGS);
      expect(none.status).toBe(415);
      expect(s.received).toHaveLength(0);
    });

    it('answers 405 with Allow: POST to other methods on the signal paths', async () => {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const r = await send(port, '/v1/traces', undefined, { method });
        expect(r.status, method).toBe(405);
        expect(r.headers.allow).toBe('POST');
        expect(r.headers['content-type']).toMatch(/^text\/plain/);
      }
    });

    it('answers 404 to unknown paths, including POST /', async () => {
      expect((await post(port, '/', PB, PB_LOGS)).status).toBe(404);
      expect((await post(port, '/v1/log', PB, PB_LOGS)).status).toBe(404);
      expect(s.received).toHaveLength(0);
    });
  });

  describe('6. malformed bodies', () => {
    it('answers 400 with a protobuf Status to malformed protobuf', async () => {
      const r = await post(port, '/v1/logs', PB, PB_LOGS.subarray(0, PB_LOGS.length - 50));
      expect(r.status).toBe(400);
      expect(r.headers['content-type']).toBe(PB);
      const status = decodeStatus(r);
      expect(status.code).toBe(3);
      expect(status.message).toMatch(/not a valid OTLP protobuf/);
    });

    it('answers 400 with a JSON Status to malformed JSON and to invalid ids', async () => {
      const broken = await post(port, '/v1/logs', JSON_CT, JSON_LOGS.subarray(0, 1000));
      expect(broken.status).toBe(400);
      expect(broken.headers['content-type']).toBe(JSON_CT);
      expect(JSON.parse(broken.body.toString())).toMatchObject({ code: 3, message: expect.stringMatching(/not valid JSON/) });
      const badId = await post(port, '/v1/logs', JSON_CT, Buffer.from('{"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"xyz"}]}]}]}'));
      expect(badId.status).toBe(400);
      expect(decodeStatus(badId).message).toMatch(/traceId/);
      expect(s.received).toHaveLength(0);
    });
  });
});
