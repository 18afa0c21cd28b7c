import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard, type Dashboard } from '../../electron/dashboard/server';
import { generateEvents, toJsonl } from '../log-reader/make-events';
import { tempDir } from '../log-reader/helpers';
import { get, openStream } from './http';
import { rawGet, rawRequest } from '../support/raw-http';

let dash: Dashboard;
let cleanup: () => void;
let staticDir: string;

beforeAll(async () => {
  const t = tempDir('beacon-dash-sec-');
  cleanup = t.cleanup;
  const log = join(t.dir, 'runtime.jsonl');
  writeFileSync(log, toJsonl(generateEvents({ sessions: 1, turnsPerSession: 1 })));
  staticDir = join(t.dir, 'renderer');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Beacon UI</title><script type="module" src="./assets/app.js"></script>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log("beacon")');
  dash = await startDashboard({ port: 0, logPath: log, staticDir });
});
afterAll(async () => {
  await dash?.close();
  cleanup?.();
});

const host = () => ({ host: `127.0.0.1:${dash.port}` });
const auth = () => ({ ...host(), authorization: `Bearer ${dash.token}` });

describe('dashboard security', () => {
  it('prints a loopback URL carrying a fresh 32-byte token', () => {
    expect(dash.url).toBe(`http://127.0.0.1:${dash.port}/?token=${dash.token}`);
    expect(Buffer.from(dash.token, 'base64url').length).toBe(32);
  });

  it('refuses the API, the stream and the UI without a token', async () => {
    const api = await get(dash.port, '/api/events', host());
    expect(api.status).toBe(401);
    expect(api.json()).toHaveProperty('error');
    expect(api.body).not.toContain('prompt');
    const ui = await get(dash.port, '/', host());
    expect(ui.status).toBe(401);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
    expect(ui.body).toContain('link printed by');
    expect(ui.body).not.toContain('Beacon UI');
    expect((await get(dash.port, '/assets/app.js', host())).status).toBe(401);
    const stream = await openStream(dash.port, host());
    expect(stream.status).toBe(401);
    stream.close();
  });

  it('refuses a wrong token, by query, cookie or bearer', async () => {
    const wrong = dash.token.slice(0, -1) + (dash.token.endsWith('A') ? 'B' : 'A');
    expect((await get(dash.port, `/?token=${wrong}`, host())).status).toBe(401);
    expect((await get(dash.port, '/api/health', { ...host(), authorization: `Bearer ${wrong}` })).status).toBe(401);
    expect((await get(dash.port, '/api/health', { ...host(), cookie: `beacon_dashboard_${dash.port}=${wrong}` })).status).toBe(401);
    // a valid token under another port's cookie name is not ours
    expect((await get(dash.port, '/api/health', { ...host(), cookie: `beacon_dashboard_1=${dash.token}` })).status).toBe(401);
  });

  it('trades the token in the link for an HttpOnly SameSite=Strict cookie and drops it from the URL', async () => {
    const res = await get(dash.port, `/?view=sessions&token=${dash.token}`, host());
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/?view=sessions');
    const setCookie = res.headers['set-cookie']?.[0] ?? '';
    expect(setCookie).toMatch(new RegExp(`^beacon_dashboard_${dash.port}=${dash.token};`));
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(';')[0];
    const page = await get(dash.port, '/?view=sessions', { ...host(), cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('Beacon UI');
    const asset = await get(dash.port, '/assets/app.js', { ...host(), cookie });
    expect(asset.status).toBe(200);
    expect(asset.body).toContain('beacon');
    const api = await get(dash.port, '/api/events?limit=1', { ...host(), cookie });
    expect(api.status).toBe(200);
  });

  it('never redirects off-site after the token exchange', async () => {
    const res = await get(dash.port, `/.//evil.example/?token=${dash.token}`, host());
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/evil.example/');
  });

  it('accepts Authorization: Bearer for API clients', async () => {
    const res = await get(dash.port, '/api/health', auth());
    expect(res.status).toBe(200);
    expect(res.json<{ dashboard: { indexed_events: number } }>().dashboard.indexed_events).toBe(8);
  });

  it('rejects forged Host headers (DNS rebinding), even with a valid token', async () => {
    for (const h of ['evil.example', `evil.example:${dash.port}`, '127.0.0.1.nip.io', `127.0.0.1:${dash.port + 1}`, '10.0.0.1', `127.0.0.1@evil.example:${dash.port}`]) {
      const res = await get(dash.port, '/api/health', { host: h, authorization: `Bearer ${dash.token}` });
      expect(res.status, `Host: ${h}`).toBe(403);
      expect(res.body).not.toContain('indexed_events');
    }
    // No Host at all (HTTP/1.1 requires one): refused before any route runs.
    const none = await get(dash.port, '/api/health', { authorization: `Bearer ${dash.token}` }, 'GET', undefined, false);
    expect(none.status).toBeGreaterThanOrEqual(400);
    expect(none.body).not.toContain('indexed_events');
    for (const h of [`localhost:${dash.port}`, `[::1]:${dash.port}`, `LOCALHOST:${dash.port}`]) {
      expect((await get(dash.port, '/api/health', { host: h, authorization: `Bearer ${dash.token}` })).status, `Host: ${h}`).toBe(200);
    }
  });

  it('answers 400 to an absolute-form target naming another host and to two Host headers (RFC 9112 3.2), raw on the socket', async () => {
    const host = `Host: 127.0.0.1:${dash.port}`;
    const bearer = `Authorization: Bearer ${dash.token}`;
    for (const [what, target, lines] of [
      ['absolute-form, other host', 'http://evil.com/api/events', [host, bearer]],
      ['absolute-form, other host, our port', `http://evil.com:${dash.port}/api/health`, [host, bearer]],
      ['absolute-form https, other host', 'https://evil.com/api/events', [host, bearer]],
      ['a second Host after ours', '/api/events', [host, 'Host: evil.com', bearer]],
      ['ours twice', '/api/events', [host, host, bearer]],
      ['a malformed Host', '/api/events', [`Host: 127.0.0.1:${dash.port}x`, bearer]],
    ] as const) {
      const r = await rawRequest(dash.port, rawGet(target, [...lines]));
      expect(r.status, what).toBe(400);
      expect(r.body, what).not.toContain('"events"');
      expect(r.head.toLowerCase(), `${what}: security headers on the 400 too`).toContain('x-frame-options: deny');
    }
    // Node's own parser refuses a target that is neither a path nor a URL.
    expect((await rawRequest(dash.port, rawGet('api/events', [host, bearer]))).status).toBe(400);
    // The same request in origin form, or absolute form naming us, is served.
    expect((await rawRequest(dash.port, rawGet('/api/events', [host, bearer]))).status).toBe(200);
    expect((await rawRequest(dash.port, rawGet(`http://127.0.0.1:${dash.port}/api/events`, [host, bearer]))).status).toBe(200);
  });

  it('rejects requests from other browser origins and cross-site fetches', async () => {
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${dash.port + 1}`, `https://127.0.0.1:${dash.port}`, `http://localhost:${dash.port}`]) {
      const res = await get(dash.port, '/api/events', { ...auth(), origin });
      expect(res.status, `Origin: ${origin}`).toBe(403);
    }
    expect((await get(dash.port, '/api/events', { ...auth(), origin: `http://127.0.0.1:${dash.port}` })).status).toBe(200);
    expect((await get(dash.port, '/', { ...auth(), 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await get(dash.port, '/api/events', { ...auth(), 'sec-fetch-site': 'same-site' })).status).toBe(403);
    expect((await get(dash.port, '/api/events', { ...auth(), 'sec-fetch-site': 'same-origin' })).status).toBe(200);
  });

  it('is read-only: every method but GET gets 405', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']) {
      const res = await get(dash.port, '/api/events', { ...auth(), 'content-type': 'application/json' }, method, method === 'HEAD' || method === 'OPTIONS' ? undefined : '{}');
      expect(res.status, method).toBe(405);
      expect(res.headers.allow).toBe('GET');
    }
    expect((await get(dash.port, '/nowhere', auth(), 'POST', 'x')).status).toBe(405);
  });

  it('sends the security headers on every response, including errors and the 401 page', async () => {
    const responses = [
      await get(dash.port, '/api/health', auth()),
      await get(dash.port, '/', host()),
      await get(dash.port, '/api/health', { host: 'evil.example' }),
      await get(dash.port, '/api/nothing', auth()),
      await get(dash.port, '/assets/app.js', auth()),
    ];
    for (const res of responses) {
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("connect-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("base-uri 'none'");
      expect(csp).toContain("form-action 'none'");
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
    }
  });
});
