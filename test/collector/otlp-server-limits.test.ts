/**
 * The receiver against a real listening port: request size limits (413, peers.md B.10 item 4),
 * including a gzip bomb, and closing while a keep-alive connection is idle.
 */
import * as http from 'node:http';
import * as zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JSON_CT, JSON_LOGS, PB, PB_LOGS, post, recordingServer, send } from '../support/otlp-server-client';

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
