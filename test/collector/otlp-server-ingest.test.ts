/**
 * The receiver against a real listening port: what the exporter is told for each ingest outcome
 * (503 + Retry-After, 500, partialSuccess), how bodies arrive (chunked, kept-alive connections),
 * and clients that hang up mid-body (peers.md B.10, items 7-9).
 */
import * as http from 'node:http';
import * as zlib from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { otlpTypes } from '../../electron/collector/otlp-schema';
import { IngestUnavailableError } from '../../electron/collector/otlp-server';
import { itemCount } from '../../electron/shared/otlp-types';
import { decodeStatus, JSON_CT, JSON_LOGS, JSON_METRICS, PB, PB_LOGS, post, listeningRecordingServer } from '../support/otlp-server-client';

describe('OTLP/HTTP receiver', () => {
  let port = 0;
  const s = listeningRecordingServer((p) => (port = p));

  describe('7-8. ingest outcomes', () => {
    it('answers 503 + Retry-After + Status when the log cannot be written', async () => {
      s.setBehaviour(async () => {
        throw new IngestUnavailableError('disk full', 7);
      });
      const pb = await post(port, '/v1/logs', PB, PB_LOGS);
      expect(pb.status).toBe(503);
      expect(pb.headers['retry-after']).toBe('7');
      expect(decodeStatus(pb)).toMatchObject({ code: 14, message: expect.stringMatching(/disk full/) });
      const js = await post(port, '/v1/logs', JSON_CT, JSON_LOGS);
      expect(js.status).toBe(503);
      expect(JSON.parse(js.body.toString())).toMatchObject({ code: 14 });
    });

    it('answers 500 to any other ingest failure and keeps serving', async () => {
      s.setBehaviour(async () => {
        throw new Error('normalizer bug');
      });
      const r = await post(port, '/v1/logs', JSON_CT, JSON_LOGS);
      expect(r.status).toBe(500);
      expect(decodeStatus(r).code).toBe(13);
      expect(decodeStatus(r).message).not.toMatch(/normalizer bug/);
      s.setBehaviour(async () => undefined);
      expect((await post(port, '/v1/logs', PB, PB_LOGS)).status).toBe(200);
    });

    it('reports rejected items as partialSuccess, per signal, in both encodings', async () => {
      s.setBehaviour(async () => ({ rejected: 3, rejectedMessage: '3 records exceeded max_event_bytes' }));
      const pb = await post(port, '/v1/logs', PB, PB_LOGS);
      expect(pb.status).toBe(200);
      const t = otlpTypes();
      const decoded = t.ExportLogsServiceResponse.toObject(t.ExportLogsServiceResponse.decode(pb.body), { longs: Number });
      expect(decoded).toEqual({ partialSuccess: { rejectedLogRecords: 3, errorMessage: '3 records exceeded max_event_bytes' } });

      const js = await post(port, '/v1/logs', JSON_CT, JSON_LOGS);
      expect(JSON.parse(js.body.toString())).toEqual({ partialSuccess: { rejectedLogRecords: '3', errorMessage: '3 records exceeded max_event_bytes' } });
      const spans = await post(port, '/v1/traces', JSON_CT, Buffer.from('{"resourceSpans":[]}'));
      expect(JSON.parse(spans.body.toString()).partialSuccess.rejectedSpans).toBe('3');
      const points = await post(port, '/v1/metrics', JSON_CT, JSON_METRICS);
      expect(JSON.parse(points.body.toString()).partialSuccess.rejectedDataPoints).toBe('3');
    });

    it('passes a warning with nothing rejected through as partialSuccess with rejected 0', async () => {
      s.setBehaviour(async () => ({ rejected: 0, rejectedMessage: '1 event truncated' }));
      const js = await post(port, '/v1/logs', JSON_CT, JSON_LOGS);
      expect(JSON.parse(js.body.toString())).toEqual({ partialSuccess: { rejectedLogRecords: '0', errorMessage: '1 event truncated' } });
    });
  });

  describe('9. transfer', () => {
    it('reads chunked bodies without Content-Length', async () => {
      const pieces = [PB_LOGS.subarray(0, 100), PB_LOGS.subarray(100, 5000), PB_LOGS.subarray(5000)];
      const r = await post(port, '/v1/logs', PB, PB_LOGS, { chunks: pieces });
      expect(r.status).toBe(200);
      expect(itemCount(s.received[0])).toBe(20);
      const gz = zlib.gzipSync(JSON_LOGS);
      const r2 = await post(port, '/v1/logs', JSON_CT, gz, { chunks: [gz.subarray(0, 10), gz.subarray(10)], headers: { 'content-encoding': 'gzip' } });
      expect(r2.status).toBe(200);
      expect(itemCount(s.received[1])).toBe(21);
    });

    it('keeps one connection alive across requests, including refused ones', async () => {
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      try {
        const a = await post(port, '/v1/logs', PB, PB_LOGS, { agent });
        const b = await post(port, '/v1/logs', 'text/plain', JSON_LOGS, { agent }); // 415, body never read by the handler
        const c = await post(port, '/v1/logs', JSON_CT, JSON_LOGS, { agent, headers: { 'content-encoding': 'zstd' } }); // 400
        const d = await post(port, '/v1/logs', JSON_CT, JSON_LOGS, { agent });
        expect([a.status, b.status, c.status, d.status]).toEqual([200, 415, 400, 200]);
        expect([b.reusedSocket, c.reusedSocket, d.reusedSocket]).toEqual([true, true, true]);
        expect(s.received.map(itemCount)).toEqual([20, 21]);
      } finally {
        agent.destroy();
      }
    });
  });

  describe('clients that hang up', () => {
    it('survives a client that disconnects halfway through the body, and keeps serving', async () => {
      await new Promise<void>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, path: '/v1/logs', method: 'POST', agent: false, headers: { 'content-type': PB, 'content-length': String(PB_LOGS.length) } });
        req.on('error', () => resolve()); // expected: we destroy it ourselves
        req.on('response', () => reject(new Error('the server answered an incomplete body')));
        req.write(PB_LOGS.subarray(0, 1000), () => setImmediate(() => req.destroy()));
      });
      const r = await post(port, '/v1/logs', PB, PB_LOGS);
      expect(r.status).toBe(200);
      expect(s.received.map(itemCount)).toEqual([20]);
    });
  });
});
