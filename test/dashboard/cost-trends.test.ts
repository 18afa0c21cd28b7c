/**
 * Cost through the real dashboard server reading a real runtime.jsonl: events the collector
 * priced keep their cost, older events without one are priced when indexed, sessions add up
 * their cost and name what could not be priced, and /api/trends buckets cost, tokens, failures
 * and commands by the client's local day.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SessionsResponse, TokensResponse, TrendsResponse } from '../../electron/shared/api';
import { startDashboard } from '../../electron/dashboard/server';
import * as E from '../renderer/support/events';
import { tempDir } from '../log-reader/helpers';
import { get } from './http';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function serve(events: object[]) {
  const t = tempDir('beacon-dash-cost-');
  cleanups.push(t.cleanup);
  const log = join(t.dir, 'runtime.jsonl');
  writeFileSync(log, events.map((e) => JSON.stringify(e)).join('\n') + '\n');
  const dash = await startDashboard({ port: 0, logPath: log });
  cleanups.push(() => dash.close());
  const headers = { host: `127.0.0.1:${dash.port}`, authorization: `Bearer ${dash.token}` };
  return async <T>(path: string, status = 200): Promise<T> => {
    const res = await get(dash.port, path, headers);
    expect(res.status, res.body).toBe(status);
    return res.json<T>();
  };
}

const a: E.SessionSpec = { id: '019ab2c0-aaaa-7a10-9c2f-000000000001', cwd: '/home/dev/api', model: 'gpt-5.5' };
const b: E.SessionSpec = { id: '019ab2c0-bbbb-7a10-9c2f-000000000002', cwd: '/home/dev/web', model: 'gpt-6.1-sol' };

// gpt-5.5: $5 input, $0.50 cached, $30 output per million (the shipped table).
const priced = { input: 9_000, cached: 1_000, output: 900, reasoning: 100 }; // 0.045 + 0.0005 + 0.027 + 0.003
const PRICED_USD = 0.0755;

describe('cost in the dashboard API', () => {
  it('prices old events at index time, keeps a price the collector wrote, and sums per session with the unpriced named', async () => {
    E.setClock('2026-12-01T09:00:00.000Z');
    const kept = E.tokenUsage(a, priced);
    kept.cost = { usd: 1.5, estimated: true, price_source: 'ACME negotiated rates, 2026-11-30' };
    const api = await serve([
      E.sessionStarted(a),
      E.promptSubmitted(a, 'fix the flaky pytest suite\nit fails on CI since Monday'),
      E.tokenUsage(a, priced),
      kept,
      E.sessionStarted(b),
      E.tokenUsage(b, priced),
    ]);
    const { sessions } = await api<SessionsResponse>('/api/sessions');
    const sa = sessions.find((s) => s.id === a.id)!;
    const sb = sessions.find((s) => s.id === b.id)!;
    expect(sa.cost.usd).toBeCloseTo(PRICED_USD + 1.5, 8);
    expect(sa.cost).toMatchObject({ priced_events: 2, unpriced_events: 0, unpriced_models: [] });
    expect(sa.cost.price_sources.sort()).toEqual(['ACME negotiated rates, 2026-11-30', expect.stringMatching(/^genai-prices \d+\.\d+\.\d+, \d{4}-\d\d-\d\d$/)].sort());
    expect(sa.title).toBe('Fix the flaky pytest suite');
    expect(sb.cost).toMatchObject({ usd: 0, priced_events: 0, unpriced_events: 1, unpriced_models: ['gpt-6.1-sol'] });

    const tokens = await api<TokensResponse>('/api/tokens?bucket=day');
    expect(tokens.cost.usd).toBeCloseTo(PRICED_USD + 1.5, 8);
    expect(tokens.cost.unpriced_models).toEqual(['gpt-6.1-sol']);
    const byModel = Object.fromEntries(tokens.by_model.map((m) => [m.model, m.cost.usd]));
    expect(byModel['gpt-5.5']).toBeCloseTo(PRICED_USD + 1.5, 8);
    expect(byModel['gpt-6.1-sol']).toBe(0);
  });

  it('answers /api/trends per local day by model, with failure counts, most-run commands and the costliest sessions', async () => {
    const now = Date.now();
    const day = 86_400_000;
    const c: E.SessionSpec = { id: '019ab2c0-cccc-7a10-9c2f-000000000003', cwd: '/home/dev/api', model: 'gpt-5.5' };
    const d: E.SessionSpec = { id: '019ab2c0-dddd-7a10-9c2f-000000000004', cwd: '/home/dev/web', model: 'gpt-6-luna' };
    E.setClock(new Date(now - 2 * day).toISOString());
    const older = [
      E.sessionStarted(c),
      E.commandExecuted(c, "bash -lc 'npm test -- --watch=false'", { exit: 1, durationMs: 900, callId: 'c1' }),
      E.commandExecuted(c, 'npm test', { exit: 0, durationMs: 900, callId: 'c2' }),
      E.commandExecuted(c, 'cd web && git status --short', { exit: 0, durationMs: 20, callId: 'c3' }),
      E.tokenUsage(c, priced),
    ];
    // An hour ago, or just after local midnight when the test runs in the day's first hour.
    const midnight = new Date(now);
    midnight.setHours(0, 0, 0, 0);
    E.setClock(new Date(Math.max(now - 60 * 60_000, midnight.getTime() + 1000)).toISOString());
    const today = [E.sessionStarted(d), E.commandExecuted(d, 'npm test', { exit: 2, durationMs: 500, callId: 'd1' }), E.tokenUsage(d, { input: 1000, cached: 0, output: 0, reasoning: 0 })];
    // A session 40 days old is outside the range: neither its cost nor its day may show up.
    E.setClock(new Date(now - 40 * day).toISOString());
    const ancient = [E.sessionStarted(a), E.tokenUsage(a, priced)];
    const api = await serve([...ancient, ...older, ...today]);

    const t = await api<TrendsResponse>(`/api/trends?days=30&tz_offset=${new Date().getTimezoneOffset()}`);
    expect(t.days).toBe(30);
    expect(t.daily).toHaveLength(30);
    const last = t.daily[29];
    const twoAgo = t.daily[27];
    expect(twoAgo.cost.usd).toBeCloseTo(PRICED_USD, 8);
    expect(twoAgo.by_model.map((m) => m.model)).toEqual(['gpt-5.5']);
    expect(twoAgo).toMatchObject({ sessions: 1, commands: 3, command_failures: 1 });
    expect(last).toMatchObject({ sessions: 1, commands: 1, command_failures: 1 });
    expect(last.by_model[0].model).toBe('gpt-6-luna');
    expect(t.totals).toMatchObject({ sessions: 2, commands: 4, command_failures: 2 });
    expect(t.totals.cost.usd).toBeCloseTo(PRICED_USD + last.cost.usd, 8);
    expect(t.top_commands).toEqual([
      { command: 'npm test', runs: 3, failures: 2 },
      { command: 'git status', runs: 1, failures: 0 },
    ]);
    expect(t.session_costs.map((s) => s.id)).toEqual([c.id, d.id]);
    expect(t.models.map((m) => m.model)).toEqual(['gpt-5.5', 'gpt-6-luna']);

    expect((await api<{ error: string }>('/api/trends?tz_offset=9999', 400)).error).toMatch(/tz_offset/);
    expect((await api<{ error: string }>('/api/trends?days=0', 400)).error).toMatch(/days/);
  });

  it("puts a session on the client's local day: one that started at 22:30 UTC is the next day in UTC+2", async () => {
    const now = Date.now();
    const day = 86_400_000;
    const twoHours = 2 * 60 * 60_000;
    // The start of today in UTC+2, and a session half an hour after it (22:30 UTC the day
    // before), or earlier if now is closer to it: the session must not be in the future. Which
    // UTC day that is depends on the time of day the test runs (after 22:00 UTC, UTC+2 is a day
    // ahead), so the days are compared by date, not by position.
    const localMidnight = Math.floor((now + twoHours) / day) * day - twoHours;
    const started = localMidnight + Math.min(30 * 60_000, Math.max(0, now - localMidnight - 1000));
    E.setClock(new Date(started).toISOString());
    const api = await serve([E.sessionStarted(a), E.tokenUsage(a, priced)]);
    const utc = await api<TrendsResponse>('/api/trends?days=3&tz_offset=0');
    const east = await api<TrendsResponse>('/api/trends?days=3&tz_offset=-120');
    const dayOf = (t: TrendsResponse): string[] => t.daily.filter((d) => d.sessions > 0).map((d) => d.day);
    const utcDay = new Date(started).toISOString().slice(0, 10);
    const eastDay = new Date(started + twoHours).toISOString().slice(0, 10);
    expect(eastDay).not.toBe(utcDay);
    expect(dayOf(utc)).toEqual([utcDay]);
    expect(dayOf(east)).toEqual([eastDay]);
    // In UTC+2 it is today's session: the last day of the range.
    expect(east.daily.at(-1)!.day).toBe(eastDay);
  });

  it('gives a session no title when the metadata policy withheld its prompt, and names the repository from the git remote', async () => {
    E.setClock('2026-12-01T09:00:00.000Z');
    const started = E.sessionStarted(a);
    started.session = { ...started.session, git: { repository_url: 'git@github.com:acme/widgets.git', branch: 'main' } };
    const prompt = E.promptSubmitted(a, 'secret plans');
    delete prompt.prompt!.text;
    prompt.prompt!.hash = 'ab12';
    prompt.content = { retention: 'metadata', withheld: { 'prompt.text': { length: 12, sha256: 'ab12' } } };
    const api = await serve([started, prompt]);
    const { sessions } = await api<SessionsResponse>('/api/sessions');
    expect(sessions[0]).toMatchObject({ title: null, first_prompt: null, prompts: 1, repository: 'acme/widgets', git: { repository_url: 'git@github.com:acme/widgets.git', branch: 'main', commit: null } });
  });
});
