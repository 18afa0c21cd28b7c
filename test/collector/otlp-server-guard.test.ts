/**
 * The receiver against a real listening port: GET /healthz, and the DNS-rebinding guard (Host,
 * Origin, absolute-form targets, duplicate Host headers), some of it written raw on the socket.
 */
import { describe, expect, it } from 'vitest';
import { rawGet, rawRequest } from '../support/raw-http';
import { JSON_CT, JSON_LOGS, PB, PB_LOGS, post, listeningRecordingServer, send } from '../support/otlp-server-client';

describe('OTLP/HTTP receiver', () => {
  let port = 0;
  const s = listeningRecordingServer((p) => (port = p));

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
