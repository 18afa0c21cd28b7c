import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type {
  EventRecord,
  EventsResponse,
  FacetsResponse,
  HealthResponse,
  SessionDetailResponse,
  SessionsResponse,
  StreamHello,
  TokensResponse,
} from '../../electron/shared/api';
import { startDashboard, type Dashboard, type DashboardOptions } from '../../electron/dashboard/server';
import { baseEvent, generateEvents, sessionId, toJsonl } from '../log-reader/make-events';
import { tempDir, waitFor } from '../log-reader/helpers';
import { get, openStream } from './http';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function start(initial: string | null, extra: Partial<DashboardOptions> = {}) {
  const t = tempDir('beacon-dash-api-');
  cleanups.push(t.cleanup);
  const log = join(t.dir, 'runtime.jsonl');
  if (initial !== null) writeFileSync(log, initial);
  const dash = await startDashboard({ port: 0, logPath: log, ...extra });
  cleanups.push(() => dash.close());
  const headers = { host: `127.0.0.1:${dash.port}`, authorization: `Bearer ${dash.token}` };
  const api = async <T>(path: string, expectStatus = 200): Promise<T> => {
    const res = await get(dash.port, path, headers);
    expect(res.status, `${path}: ${res.body}`).toBe(expectStatus);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    return res.json<T>();
  };
  return { dash, log, dir: t.dir, headers, api };
}

/** A stand-in process answering /healthz on a real port (the collector is another module). */
async function fakeHealthz(body: unknown): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/healthz`, close: () => new Promise((r) => server.close(() => r())) };
}

describe('dashboard API', () => {
  it('answers /api/events newest first with filters, totals and a cursor', async () => {
    const evs = generateEvents({ sessions: 3, turnsPerSession: 4 });
    const { api } = await start(toJsonl(evs));
    const first = await api<EventsResponse>('/api/events?limit=5');
    expect(first.events.length).toBe(5);
    expect(first.total_matched).toBe(evs.length);
    expect(first.events[0].event.timestamp).toBe(evs[evs.length - 1].timestamp);
    expect(first.next_before).toBe(first.events[4].seq);
    const second = await api<EventsResponse>(`/api/events?limit=5&before=${first.next_before}`);
    expect(second.events[0].seq).toBe(first.events[4].seq - 1);

    const filtered = await api<EventsResponse>(`/api/events?session=${sessionId(2)}&category=command&q=CASE3`);
    expect(filtered.total_matched).toBe(1);
    expect(filtered.events[0].event.command?.command).toBe('npm test -- --grep case3');
    expect(filtered.next_before).toBeNull();

    const since = encodeURIComponent(evs[evs.length - 3].timestamp);
    expect((await api<EventsResponse>(`/api/events?since=${since}`)).total_matched).toBe(3);
    const untilMs = Date.parse(evs[1].timestamp);
    expect((await api<EventsResponse>(`/api/events?until=${untilMs}`)).total_matched).toBe(2);
    expect((await api<EventsResponse>('/api/events?harness=codex_cli&model=gpt-5.1&action=token.usage')).total_matched).toBe(8);
  });

  it('rejects malformed query parameters with a 400 that says what is wrong', async () => {
    const { api } = await start(toJsonl(generateEvents({ sessions: 1, turnsPerSession: 1 })));
    expect((await api<{ error: string }>('/api/events?since=last%20tuesday', 400)).error).toMatch(/since/);
    expect((await api<{ error: string }>('/api/events?limit=0', 400)).error).toMatch(/limit/);
    expect((await api<{ error: string }>('/api/events?limit=999999', 400)).error).toMatch(/limit/);
    expect((await api<{ error: string }>('/api/events?before=-1', 400)).error).toMatch(/before/);
    expect((await api<{ error: string }>('/api/tokens?bucket=week', 400)).error).toMatch(/bucket/);
    expect((await api<{ error: string }>('/api/no-such-thing', 404)).error).toBeTruthy();
  });

  it('serves session rollups, one session with its events in time order, tokens and facets', async () => {
    const evs = generateEvents({ sessions: 2, turnsPerSession: 3 });
    const { api } = await start(toJsonl(evs));
    const { sessions } = await api<SessionsResponse>('/api/sessions');
    expect(sessions.map((s) => s.id)).toEqual([`${sessionId(1)}-title`, sessionId(1), `${sessionId(0)}-title`, sessionId(0)]);
    const s1 = sessions[1];
    expect(s1).toMatchObject({ prompts: 3, commands: 3, command_failures: 1, approvals: { allowed: 3, denied: 0 }, files_changed: 3, title_generation: false, model: 'gpt-5-codex' });
    expect(s1.tokens.total).toBe(3 * 5250);
    expect(sessions[0].title_generation).toBe(true);

    const detail = await api<SessionDetailResponse>(`/api/sessions/${sessionId(1)}`);
    expect(detail.session).toEqual(s1);
    expect(detail.events.length).toBe(s1.events);
    expect(detail.events[0].event.event.action).toBe('session.started');
    await api(`/api/sessions/${encodeURIComponent('no/such session')}`, 404);

    const tokens = await api<TokensResponse>('/api/tokens?bucket=minute');
    expect(tokens.bucket).toBe('minute');
    expect(tokens.totals.total).toBe(6 * 5250);
    expect(tokens.title_generation_totals.total).toBe(6 * 110);
    expect(tokens.buckets.reduce((n, b) => n + b.events, 0)).toBe(12);

    const facets = await api<FacetsResponse>('/api/facets');
    expect(facets.categories.find((c) => c.value === 'usage')?.count).toBe(12);
    expect(facets.models.map((m) => m.value).sort()).toEqual(['gpt-5-codex', 'gpt-5.1']);
  });

  it('reports health: collector up/down/foreign, write state from the health file, injected Codex state and source warning', async () => {
    const collector = await fakeHealthz({ service: 'beacon-collector', version: '0.1.0', pid: 4242, mode: 'user', started_at: '2026-01-15T09:00:00.000Z' });
    cleanups.push(collector.close);
    const { api, dir } = await start(toJsonl(generateEvents({ sessions: 1, turnsPerSession: 1 })), {
      collectorUrl: collector.url,
      codexStatus: async () => ({ configured: true, exporter: 'otlp-http' }),
      logSourceWarning: async () => 'A system collector is also installed; this dashboard reads the user log.',
    });
    let h = await api<HealthResponse>('/api/health');
    expect(h.collector).toMatchObject({ state: 'up', url: collector.url, info: { pid: 4242, version: '0.1.0' } });
    expect(h.write.state).toBe('unknown'); // no health file yet
    expect(h.codex).toEqual({ configured: true, exporter: 'otlp-http' });
    expect(h.log_source_warning).toMatch(/system collector/);
    expect(h.status).toBe('degraded');
    expect(h.last_event?.action).toBe('token.usage');
    expect(h.last_event?.age_ms).toBeGreaterThan(0);
    expect(h.dashboard.indexed_events).toBe(8);

    // The health file as the writer pads it; this test process stands in for the live writer pid.
    const healthFile = join(dir, 'collector-health.json');
    const content = (extra: object) => JSON.stringify({ status: 'unavailable', reason: 'ENOSPC: no space left on device', pid: process.pid, updatedAt: '2026-01-15T10:00:00.000Z', ...extra }).padEnd(1023) + '\n';
    writeFileSync(healthFile, content({}));
    h = await api<HealthResponse>('/api/health');
    expect(h.write).toMatchObject({ state: 'unavailable', reason: 'ENOSPC: no space left on device', pid: process.pid, running: true, updated_at: '2026-01-15T10:00:00.000Z' });
    expect(h.status).toBe('down');
    expect(h.problems[0]).toMatch(/cannot write the runtime log: ENOSPC/);

    // A collector that closed cleanly no longer writes anything: not "disk full", but "nobody writing".
    writeFileSync(healthFile, content({ status: 'ok', closedAt: '2026-01-15T11:00:00.000Z' }));
    h = await api<HealthResponse>('/api/health');
    expect(h.write).toMatchObject({ state: 'ok', running: false });
    expect(h.problems.join('\n')).toMatch(/No collector is writing this log/);

    writeFileSync(join(dir, 'collector-health.json'), '{"status": "ok", "pi');
    expect((await api<HealthResponse>('/api/health')).write.state).toBe('unknown');

    await collector.close();
    cleanups.pop();
    h = await api<HealthResponse>('/api/health');
    expect(h.collector.state).toBe('down');
    expect(h.status).toBe('down');
  });

  it('tells our collector from something else on its port, and survives throwing or hanging injected checks', async () => {
    const other = await fakeHealthz('<html>some other server</html>');
    cleanups.push(other.close);
    const { api } = await start(null, {
      collectorUrl: other.url,
      codexStatus: () => Promise.reject(new Error('config.toml unreadable')),
      logSourceWarning: () => new Promise(() => undefined), // never settles
    });
    const h = await api<HealthResponse>('/api/health');
    expect(h.collector.state).toBe('foreign');
    expect(h.codex).toBeNull();
    expect(h.problems.join('\n')).toMatch(/config.toml unreadable/);
    expect(h.problems.join('\n')).toMatch(/did not answer/);
    expect(h.last_event).toBeNull();
    expect(h.dashboard.indexed_events).toBe(0);
  });

  it('streams each appended event over SSE, resumes with Last-Event-ID, and pushes health changes', async () => {
    const evs = generateEvents({ sessions: 1, turnsPerSession: 1 });
    const { dash, log, dir, headers } = await start(toJsonl(evs));
    const stream = await openStream(dash.port, headers);
    cleanups.push(stream.close);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/text\/event-stream/);
    expect(stream.headers['content-security-policy']).toContain("default-src 'self'");
    await waitFor(() => stream.frames.find((f) => f.event === 'hello'), 'hello');
    const hello = JSON.parse(stream.frames[0].data) as StreamHello;
    expect(hello.last_seq).toBe(7);
    await waitFor(() => stream.frames.find((f) => f.event === 'health'), 'initial health');

    const live = baseEvent('command.executed', 'command', Date.now(), sessionId(0));
    live.command = { command: 'git status', exit_code: 0, success: true };
    appendFileSync(log, JSON.stringify(live) + '\n');
    const frame = await waitFor(() => stream.frames.find((f) => f.event === 'event'), 'the appended event');
    const rec = JSON.parse(frame.data) as EventRecord;
    expect(rec.seq).toBe(8);
    expect(frame.id).toBe('8');
    expect(rec.event.command?.command).toBe('git status');

    // The collector's health file changes -> a new health frame without waiting for a poll.
    const healthFrames = () => stream.frames.filter((f) => f.event === 'health');
    const before = healthFrames().length;
    writeFileSync(join(dir, 'collector-health.tmp'), JSON.stringify({ status: 'unavailable', reason: 'EACCES', pid: process.pid }));
    renameSync(join(dir, 'collector-health.tmp'), join(dir, 'collector-health.json'));
    const changed = await waitFor(() => (healthFrames().length > before ? healthFrames()[healthFrames().length - 1] : undefined), 'a health frame');
    expect((JSON.parse(changed.data) as HealthResponse).write.state).toBe('unavailable');

    // A reconnecting EventSource sends Last-Event-ID and gets what it missed.
    const resumed = await openStream(dash.port, { ...headers, 'last-event-id': '5' });
    cleanups.push(resumed.close);
    await waitFor(() => resumed.frames.filter((f) => f.event === 'event').length >= 3, 'replayed events');
    expect(resumed.frames.filter((f) => f.event === 'event').map((f) => f.id)).toEqual(['6', '7', '8']);
  });

  it('ends open streams and frees the port on close()', async () => {
    const { dash, headers } = await start('');
    const stream = await openStream(dash.port, headers);
    await waitFor(() => stream.frames.length > 0, 'hello');
    await dash.close();
    await expect(get(dash.port, '/api/health', headers)).rejects.toThrow(/ECONNREFUSED/);
  });

  it('explains how to build the renderer when it is missing, and refuses non-loopback binds', async () => {
    const { dash, headers } = await start('', { staticDir: '/nonexistent/out/renderer' });
    const res = await get(dash.port, '/', headers);
    expect(res.status).toBe(200);
    expect(res.body).toContain('npm run build');
    await expect(startDashboard({ port: 0, logPath: '/tmp/x.jsonl', host: '0.0.0.0' as '127.0.0.1' })).rejects.toThrow(/127\.0\.0\.1 only/);
  });

  it('reports a clear error when the port is taken', async () => {
    const { dash, dir } = await start('');
    await expect(startDashboard({ port: dash.port, logPath: join(dir, 'other.jsonl') })).rejects.toThrow(/already in use/);
  });
});
