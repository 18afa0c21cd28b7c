/**
 * The receiver against a real listening port, driven with node's http client: the conformance
 * checklist of peers.md B.10 plus the DNS-rebinding guard, using the real Codex captures.
 */
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { otlpTypes } from '../../electron/collector/otlp-schema';
import { createOtlpServer, IngestUnavailableError, type IngestResult, type OtlpServer } from '../../electron/collector/otlp-server';
import { itemCount, type DecodedRequest } from '../../electron/shared/otlp-types';
import { rawGet, rawRequest } from '../support/raw-http';

const FIXTURES = join(__dirname, '..', 'fixtures', 'codex-0.169.0');
const PB_LOGS = readFileSync(join(FIXTURES, 'logs-otlp-http-protobuf.bin'));
const JSON_LOGS = readFileSync(join(FIXTURES, 'logs-otlp-http-json.json'));
const JSON_METRICS = readFileSync(join(FIXTURES, 'metrics-otlp-http-json.trimmed.json'));
const PB = 'application/x-protobuf';
const JSON_CT = 'application/json';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  reusedSocket: boolean;
}

interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Send the body in these pieces with Transfer-Encoding: chunked (no Content-Length). */
  chunks?: Buffer[];
  agent?: http.Agent;
}

function send(port: number, path: string, body: Buffer | undefined, opts: SendOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (body && !opts.chunks) headers['content-length'] = String(body.length);
    const req = http.request({ host: '127.0.0.1', port, path, method: opts.method ?? 'POST', headers, agent: opts.agent ?? false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts), reusedSocket: req.reusedSocket }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (opts.chunks) {
      // Write the pieces on separate turns of the event loop so they leave as separate chunks.
      const pieces = [...opts.chunks];
      const next = () => {
        const piece = pieces.shift();
        if (piece === undefined) return void req.end();
        req.write(piece, () => setImmediate(next));
      };
      next();
    } else {
      req.end(body);
    }
  });
}

const post = (port: number, path: string, contentType: string, body: Buffer, opts: SendOptions = {}) =>
  send(port, path, body, { ...opts, headers: { 'content-type': contentType, ...opts.headers } });

function decodeStatus(reply: Reply): { code: number; message: string } {
  if (String(reply.headers['content-type']).startsWith(JSON_CT)) return JSON.parse(reply.body.toString('utf8'));
  const Status = otlpTypes().Status;
  return Status.toObject(Status.decode(reply.body), { defaults: true }) as { code: number; message: string };
}

/** A server whose ingest records what it got and answers what the test sets. */
function recordingServer(extra: { maxBodyBytes?: number } = {}) {
  const received: DecodedRequest[] = [];
  let behaviour: (req: DecodedRequest) => Promise<IngestResult | void> = async () => undefined;
  const server = createOtlpServer({
    port: 0,
    maxBodyBytes: extra.maxBodyBytes,
    ingest: (req) => {
      received.push(req);
      return behaviour(req);
    },
    healthz: () => ({ service: 'beacon-collector', pid: 4242, mode: 'user' }),
  });
  return {
    server,
    received,
    setBehaviour(fn: typeof behaviour) {
      behaviour = fn;
    },
  };
}

describe('OTLP/HTTP receiver', () => {
  const s = recordingServer();
  let port = 0;

  beforeAll(async () => {
    port = (await s.server.listen()).port;
  });
  afterAll(() => s.server.close());
  afterEach(() => {
    s.received.length = 0;
    s.setBehaviour(async () => undefined);
  });

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

  describe('health and the DNS-rebinding guard', () => {
    it('serves exactly what healthz() returns at GET /healthz', async () => {
      const r = await send(port, '/healthz', undefined, { method: 'GET' });
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toMatch(/^application\/json/);
      expect(JSON.parse(r.body.toString())).toEqual({ service: 'beacon-collector', pid: 4242, mode: 'user' });
    });

    it('accepts loopback Host names with any port', async () => {
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, 'LOCALHOST', '127.0.0.1']) {
        const r = await post(port, '/v1/logs', PB, Buffer.alloc(0), { headers: { host } });
        expect(r.status, host).toBe(200);
      }
    });

    it('refuses a non-loopback Host with 403, before reading anything', async () => {
      for (const host of [`evil.example:${port}`, 'attacker.localhost.example', '127.0.0.1.nip.io', `192.168.1.5:${port}`]) {
        const r = await post(port, '/v1/logs', PB, PB_LOGS, { headers: { host } });
        expect(r.status, host).toBe(403);
      }
      const health = await send(port, '/healthz', undefined, { method: 'GET', headers: { host: 'evil.example' } });
      expect(health.status).toBe(403);
      expect(s.received).toHaveLength(0);
    });

    it('refuses browser Origins that are not loopback, accepts loopback ones', async () => {
      for (const origin of ['http://evil.example', 'null', `http://evil.example:${port}`, 'https://127.0.0.1.evil.example']) {
        const r = await post(port, '/v1/logs', JSON_CT, JSON_LOGS, { headers: { origin } });
        expect(r.status, origin).toBe(403);
      }
      expect(s.received).toHaveLength(0);
      const ok = await post(port, '/v1/logs', JSON_CT, JSON_LOGS, { headers: { origin: 'http://127.0.0.1:8765' } });
      expect(ok.status).toBe(200);
    });

    it('answers 400 to an absolute-form target naming another host and to a second Host header (RFC 9112 3.2), raw on the socket', async () => {
      const host = `Host: 127.0.0.1:${port}`;
      const pb = ['Content-Type: application/x-protobuf', 'Content-Length: 0'];
      const post = (target: string, lines: string[]) => [`POST ${target} HTTP/1.1`, ...lines, ...pb, 'Connection: close', '', ''].join('\r\n');
      for (const [what, text] of [
        ['absolute-form, other host', post('http://evil.example/v1/logs', [host])],
        ['absolute-form, other host on our port', post(`http://evil.example:${port}/v1/logs`, [host])],
        ['a second Host after a loopback one', post('/v1/logs', [host, 'Host: evil.example'])],
        ['two loopback Host headers', post('/v1/logs', [host, host])],
        ['a malformed Host', post('/v1/logs', ['Host: 127.0.0.1:80:80'])],
        ['asterisk-form', post('*', [host])],
        ['healthz through another host', rawGet('http://evil.example/healthz', [host])],
      ] as const) {
        const r = await rawRequest(port, text);
        expect(r.status, what).toBe(400);
        expect(r.body, what).not.toContain('beacon-collector');
      }
      expect(s.received).toHaveLength(0);
      // An absolute-form target naming loopback is a valid way to say the same thing.
      expect((await rawRequest(port, post(`http://127.0.0.1:${port}/v1/logs`, [host]))).status).toBe(200);
      expect((await rawRequest(port, rawGet(`http://localhost:${port}/healthz`, [host]))).body).toContain('beacon-collector');
    });
  });
});

describe('4. request size limits (413)', () => {
  const LIMIT = 20_000; // between the protobuf capture (9,823 B) and the JSON capture (57,379 B)
  const s = recordingServer({ maxBodyBytes: LIMIT });
  let port = 0;
  beforeAll(async () => {
    port = (await s.server.listen()).port;
  });
  afterAll(() => s.server.close());

  it('accepts a body under the limit', async () => {
    expect((await post(port, '/v1/logs', PB, PB_LOGS)).status).toBe(200);
  });

  it('refuses a declared Content-Length over the limit with a Status in the request encoding', async () => {
    const r = await post(port, '/v1/logs', JSON_CT, JSON_LOGS);
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body.toString()).message).toMatch(/exceeds the limit of 20000 bytes/);
  });

  it('refuses a chunked body over the limit while it streams', async () => {
    const r = await post(port, '/v1/logs', PB, JSON_LOGS, { chunks: [JSON_LOGS.subarray(0, 15_000), JSON_LOGS.subarray(15_000)] });
    expect(r.status).toBe(413);
    expect(r.headers['content-type']).toBe(PB);
  });

  it('refuses a small gzip body that inflates past the limit', async () => {
    const gz = zlib.gzipSync(JSON_LOGS);
    expect(gz.length).toBeLessThan(LIMIT);
    const r = await post(port, '/v1/logs', JSON_CT, gz, { headers: { 'content-encoding': 'gzip' } });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body.toString()).message).toMatch(/after decompression/);
  });

  it('the server is still healthy after refusing', async () => {
    expect((await send(port, '/healthz', undefined, { method: 'GET' })).status).toBe(200);
  });
});

describe('close', () => {
  it('closes while an idle keep-alive connection is still open', async () => {
    const s = recordingServer();
    const { port } = await s.server.listen();
    const agent = new http.Agent({ keepAlive: true });
    try {
      expect((await post(port, '/v1/logs', PB, PB_LOGS, { agent })).status).toBe(200);
      await s.server.close(); // would hang until the keep-alive timeout if idle sockets were not closed
      await expect(post(port, '/v1/logs', PB, PB_LOGS)).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      agent.destroy();
    }
  });
});

describe('gzip bomb', () => {
  const s = recordingServer(); // default limit: 16 MiB
  let port = 0;
  beforeAll(async () => {
    port = (await s.server.listen()).port;
  });
  afterAll(() => s.server.close());

  /** 100 MiB of zeros, gzipped by streaming so the test itself never holds 100 MiB. */
  function bomb(): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const gz = zlib.createGzip({ level: 9 });
      const out: Buffer[] = [];
      gz.on('data', (c: Buffer) => out.push(c));
      gz.on('end', () => resolve(Buffer.concat(out)));
      gz.on('error', reject);
      const mib = Buffer.alloc(1024 * 1024);
      let left = 100;
      const pump = () => {
        while (left > 0) {
          left--;
          if (!gz.write(mib)) return void gz.once('drain', pump);
        }
        gz.end();
      };
      pump();
    });
  }

  it('answers 413 without inflating 100 MiB into memory', async () => {
    const body = await bomb();
    expect(body.length).toBeLessThan(1024 * 1024);
    const before = process.memoryUsage();
    const r = await post(port, '/v1/logs', PB, body, { headers: { 'content-encoding': 'gzip' } });
    const after = process.memoryUsage();
    expect(r.status).toBe(413);
    expect(s.received).toHaveLength(0);
    // Inflating the whole bomb would add ~100 MiB; the cap keeps it near the 16 MiB limit.
    expect(after.rss - before.rss).toBeLessThan(64 * 1024 * 1024);
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(64 * 1024 * 1024);
  });
});
