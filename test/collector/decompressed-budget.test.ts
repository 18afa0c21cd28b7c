/**
 * Memory under hostile input (issue 11.8): what a compressed body inflates to is held against the
 * shared in-flight budget like the bytes that arrived, and dead large bodies are collected soon
 * (BufferGarbage) instead of piling up until V8's own external-memory trigger.
 */
import * as http from 'node:http';
import * as zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BufferGarbage, MIN_BODY_BYTES } from '../../electron/collector/buffer-garbage';
import { JSON_CT, JSON_LOGS, PB, post, recordingServer } from '../support/otlp-server-client';

describe('the in-flight budget counts decompressed bytes', () => {
  // A JSON export padded to 600 KB, gzipped to a few KB: past what is left of the budget only once inflated.
  const padded = Buffer.from(JSON.stringify({ ...JSON.parse(JSON_LOGS.toString()), pad: 'x'.repeat(600_000) }));
  const s = recordingServer({ maxBodyBytes: 1024 * 1024, maxInflightBodyBytes: 512 * 1024 });
  let port = 0;
  beforeAll(async () => {
    port = (await s.server.listen()).port;
  });
  afterAll(() => s.server.close());

  it('answers 503 with Retry-After when a small gzip body inflates past what the budget has left', async () => {
    // Another exporter's body is half-way in: 700 KB of a declared 900 KB hold the budget.
    const held = http.request({ host: '127.0.0.1', port, path: '/v1/logs', method: 'POST', agent: false, headers: { 'content-type': PB, 'content-length': '900000' } });
    held.on('error', () => {});
    held.write(Buffer.alloc(700_000, 0x0a));
    await new Promise((r) => setTimeout(r, 300));
    const gz = zlib.gzipSync(padded);
    expect(gz.length).toBeLessThan(20_000); // on the wire it would fit easily
    const r = await post(port, '/v1/logs', JSON_CT, gz, { headers: { 'content-encoding': 'gzip' } });
    held.destroy();
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe('1');
    expect(JSON.parse(r.body.toString()).message).toMatch(/busy: request bodies in flight would exceed 1048576 bytes/);
  });

  it('takes the same export when it inflates within the budget, and gives the budget back after', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await post(port, '/v1/logs', JSON_CT, zlib.gzipSync(JSON_LOGS), { headers: { 'content-encoding': 'gzip' } });
      expect(r.status).toBe(200);
    }
  });
});

describe('BufferGarbage', () => {
  const tick = () => new Promise((r) => setImmediate(r));

  it('never collects for ordinary (small) bodies', async () => {
    let runs = 0;
    const g = new BufferGarbage({ gc: () => runs++, limitBytes: 1024 * 1024 });
    for (let i = 0; i < 10_000; i++) g.dropped(MIN_BODY_BYTES - 1);
    await tick();
    expect(runs).toBe(0);
  });

  it('collects once the dead large bodies reach the limit, once per burst, and counts again after', async () => {
    let runs = 0;
    const g = new BufferGarbage({ gc: () => runs++, limitBytes: 4 * MIN_BODY_BYTES });
    for (let i = 0; i < 3; i++) g.dropped(MIN_BODY_BYTES);
    await tick();
    expect(runs).toBe(0);
    for (let i = 0; i < 40; i++) g.dropped(MIN_BODY_BYTES); // a burst in one turn of the loop
    expect(runs).toBe(0); // never inside the request's own turn
    await tick();
    expect(runs).toBe(1);
    for (let i = 0; i < 3; i++) g.dropped(MIN_BODY_BYTES);
    await tick();
    expect(runs).toBe(1);
    g.dropped(MIN_BODY_BYTES);
    await tick();
    expect(runs).toBe(2);
  });
});
