/**
 * The collector's memory bounds as an exporter sees them: what one request may make it build
 * (decode limits: the excess is checked, left out and reported in the 200's partial_success),
 * what all requests in flight may hold together (503 + Retry-After past the budget), and a gzip
 * bomb stopped at the decompressed limit. Memory itself is measured by the bench (`hostile`).
 */
import * as http from 'node:http';
import * as zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeOtlpProtobuf } from '../../electron/collector/decode-protobuf';
import { DecodeError } from '../../electron/collector/decode-shared';
import { otlpTypes } from '../../electron/collector/otlp-schema';
import { createOtlpServer, type OtlpServer } from '../../electron/collector/otlp-server';
import { DECODE_LIMITS } from '../../electron/collector/protobuf-any-value';
import { varintBytes } from '../../bench/otlp-mutator';

const ld = (field: number, ...parts: Buffer[]): Buffer => {
  const content = Buffer.concat(parts);
  return Buffer.concat([varintBytes((field << 3) | 2), varintBytes(content.length), content]);
};
const attr = (key: string, value: Buffer) => ld(6, ld(1, Buffer.from(key)), ld(2, value));
const intValue = (n: number) => Buffer.concat([Buffer.from([0x18]), varintBytes(n)]);
const logsRequest = (record: Buffer) => ld(1, ld(2, ld(2, record)));
const prompt = () => Buffer.concat([attr('event.name', ld(1, Buffer.from('codex.user_prompt'))), attr('prompt', ld(1, Buffer.from('hello')))]);

function manyAttributes(n: number, extra: Buffer = Buffer.alloc(0)): Buffer {
  const parts: Buffer[] = [prompt()];
  for (let i = 0; i < n; i++) parts.push(attr(`k${i}`, intValue(i)));
  parts.push(extra);
  return logsRequest(Buffer.concat(parts));
}

describe('decode limits', () => {
  it('keeps the first 1,024 attributes of a record, counts the rest, and still checks them', () => {
    const d = decodeOtlpProtobuf('logs', manyAttributes(3000));
    if (d.signal !== 'logs') throw new Error('logs');
    const rec = d.resourceLogs[0].scopeLogs[0].logRecords[0];
    expect(Object.keys(rec.attributes)).toHaveLength(DECODE_LIMITS.attributesPerMap);
    expect(rec.attributes.prompt).toBe('hello'); // what comes first is what is kept
    expect(d.droppedValues).toBe(3002 - DECODE_LIMITS.attributesPerMap);
    // A malformed attribute past the limit is refused like any other.
    expect(() => decodeOtlpProtobuf('logs', manyAttributes(3000, attr('bad', ld(1, Buffer.from([0xff])))))).toThrow(DecodeError);
  });

  it('keeps at most 1,024 values of an array', () => {
    const values = Array.from({ length: 1500 }, (_, i) => ld(1, intValue(i)));
    const d = decodeOtlpProtobuf('logs', logsRequest(Buffer.concat([prompt(), attr('list', ld(5, ...values))])));
    if (d.signal !== 'logs') throw new Error('logs');
    expect(d.resourceLogs[0].scopeLogs[0].logRecords[0].attributes.list).toHaveLength(DECODE_LIMITS.valuesPerArray);
    expect(d.droppedValues).toBe(1500 - DECODE_LIMITS.valuesPerArray);
  });

  it('decodes a request within the limits whole, with nothing reported', () => {
    const d = decodeOtlpProtobuf('logs', manyAttributes(500));
    expect(d.droppedValues).toBeUndefined();
  });
});

function post(port: number, body: Buffer | Buffer[], headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const chunked = Array.isArray(body);
    const req = http.request(
      { host: '127.0.0.1', port, path: '/v1/logs', method: 'POST', agent: false, headers: { 'content-type': 'application/x-protobuf', ...(chunked ? {} : { 'content-length': String(body.length) }), ...headers } },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts) }));
      },
    );
    req.on('error', reject);
    if (chunked) for (const b of body) req.write(b);
    req.end(chunked ? undefined : body);
  });
}

describe('the receiver', () => {
  let server: OtlpServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('answers 200 with a partial_success warning naming what the decode limits left out', async () => {
    server = createOtlpServer({ port: 0, ingest: async () => undefined, healthz: () => ({}) });
    const { port } = await server.listen();
    const r = await post(port, manyAttributes(2000));
    expect(r.status).toBe(200);
    const T = otlpTypes().ExportLogsServiceResponse;
    const msg = T.toObject(T.decode(r.body), { longs: Number }) as { partialSuccess?: { rejectedLogRecords?: number; errorMessage?: string } };
    expect(msg.partialSuccess?.errorMessage).toMatch(/978 attribute\(s\) or array value\(s\) past Beacon's limits/);
    expect(msg.partialSuccess?.rejectedLogRecords ?? 0).toBe(0);
  });

  it('answers 503 with Retry-After when the bodies in flight would pass the shared budget, and serves again once they are done', async () => {
    server = createOtlpServer({ port: 0, maxBodyBytes: 64 * 1024, maxInflightBodyBytes: 64 * 1024, ingest: async () => undefined, healthz: () => ({}) });
    const { port } = await server.listen();
    const big = manyAttributes(3500); // ~48 KB, within the per-request limit
    expect(big.length).toBeGreaterThan(40 * 1024);
    expect(big.length).toBeLessThan(64 * 1024);
    // A slow sender: its first 40 KB arrive and hold their share of the budget.
    const slow = http.request({ host: '127.0.0.1', port, path: '/v1/logs', method: 'POST', agent: false, headers: { 'content-type': 'application/x-protobuf', 'content-length': String(big.length) } });
    const slowStatus = new Promise<number>((resolve) => slow.on('response', (res) => (res.resume(), res.on('end', () => resolve(res.statusCode ?? 0)))));
    slow.write(big.subarray(0, 40 * 1024));
    await new Promise((r) => setTimeout(r, 300));
    const busy = await post(port, big);
    expect(busy.status).toBe(503);
    expect(busy.headers['retry-after']).toBe('1');
    slow.end(big.subarray(40 * 1024));
    expect(await slowStatus).toBe(200);
    // Given back: the same request now fits.
    expect((await post(port, big)).status).toBe(200);
  });

  it('stops a gzip bomb at the decompressed limit with 413', async () => {
    server = createOtlpServer({ port: 0, maxBodyBytes: 1024 * 1024, ingest: async () => undefined, healthz: () => ({}) });
    const { port } = await server.listen();
    const bomb = zlib.gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const r = await post(port, bomb, { 'content-encoding': 'gzip' });
    expect(r.status).toBe(413);
  });
});
