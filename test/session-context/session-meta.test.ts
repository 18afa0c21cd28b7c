/**
 * Reading where a Codex session ran from Codex's own session record: only the first line, only
 * the working directory and git facts, credentials removed, and no trouble when the record is
 * missing, late, torn or someone else's. The record's shape is the one Codex 0.169.0 writes
 * (the end-to-end test in test/collector-e2e/cost-and-context.e2e.test.ts reads a real one).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codexSessionContext, contextFromSessionMeta, FIRST_LINE_MAX, withoutCredentials } from '../../electron/codex/session-meta';
import { SessionContextEnricher } from '../../electron/plugins/session-context';
import type { HarnessSessionContext } from '../../electron/shared/harness';
import { usageEvent } from '../pricing/helpers';

const ID = '01a23c2a-0c03-7812-ab1c-abc1617e54b4';
let home: string;

function meta(payload: Record<string, unknown>): string {
  return JSON.stringify({ timestamp: '2026-12-03T13:48:38.301Z', ordinal: 0, type: 'session_meta', payload: { id: ID, session_id: ID, base_instructions: { text: 'x'.repeat(22_000) }, ...payload } });
}

function rollout(startedLocal: Date, id: string, firstLine: string, rest = '\n{"type":"event_msg","payload":{"type":"user_message","message":"SECRET PROMPT"}}\n'): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const dir = join(home, 'sessions', String(startedLocal.getFullYear()), p(startedLocal.getMonth() + 1), p(startedLocal.getDate()));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `rollout-2026-12-03T13-48-38-${id}.jsonl`);
  writeFileSync(file, firstLine + rest);
  return file;
}

beforeAll(() => {
  home = mkdtempSync(join(tmpdir(), 'beacon-codex-home-'));
});
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe("Codex's session record", () => {
  it('gives the working directory and the git checkout, and nothing from the conversation after the first line', () => {
    const started = new Date();
    rollout(started, ID, meta({ cwd: '/home/dev/widgets', git: { commit_hash: 'abc123', branch: 'main', repository_url: 'https://x-access-token:ghs_secret@github.com/acme/widgets.git' } }));
    const ctx = codexSessionContext({ CODEX_HOME: home }).lookup(ID, started.toISOString());
    expect(ctx).toEqual({ working_directory: '/home/dev/widgets', git: { commit: 'abc123', branch: 'main', repository_url: 'https://github.com/acme/widgets.git' } });
    expect(JSON.stringify(ctx)).not.toContain('SECRET');
  });

  it("finds a session filed under the next local day (started just before midnight), and an archived one", () => {
    const started = new Date();
    const id2 = '01a23c2a-0000-7000-8000-000000000002';
    rollout(new Date(started.getTime() + 86_400_000), id2, meta({ id: id2, session_id: id2, cwd: '/tmp/next-day' }));
    expect(codexSessionContext({ CODEX_HOME: home }).lookup(id2, started.toISOString())?.working_directory).toBe('/tmp/next-day');
    const id3 = '01a23c2a-0000-7000-8000-000000000003';
    mkdirSync(join(home, 'archived_sessions'), { recursive: true });
    writeFileSync(join(home, 'archived_sessions', `rollout-2026-01-01T00-00-00-${id3}.jsonl`), meta({ id: id3, session_id: id3, cwd: '/tmp/archived' }) + '\n');
    expect(codexSessionContext({ CODEX_HOME: home }).lookup(id3, started.toISOString())?.working_directory).toBe('/tmp/archived');
  });

  it('gives nothing for a missing record, a first line still being written, a line longer than the limit, or another session', () => {
    const reader = codexSessionContext({ CODEX_HOME: home });
    const now = new Date();
    expect(reader.lookup('01a23c2a-0000-7000-8000-00000000dead', now.toISOString())).toBeUndefined();
    const torn = '01a23c2a-0000-7000-8000-000000000004';
    rollout(now, torn, meta({ id: torn, cwd: '/tmp/torn' }).slice(0, 5000), '');
    expect(reader.lookup(torn, now.toISOString())).toBeUndefined();
    const huge = '01a23c2a-0000-7000-8000-000000000005';
    rollout(now, huge, meta({ id: huge, cwd: '/tmp/huge', base_instructions: { text: 'y'.repeat(FIRST_LINE_MAX) } }));
    expect(reader.lookup(huge, now.toISOString())).toBeUndefined();
    const other = '01a23c2a-0000-7000-8000-000000000006';
    rollout(now, other, meta({ id: 'someone-else', session_id: 'someone-else', cwd: '/tmp/other' }));
    expect(reader.lookup(other, now.toISOString())).toBeUndefined();
    expect(reader.lookup('../../etc/passwd', now.toISOString())).toBeUndefined();
  });

  it('keeps scp-style remotes (a user name, no secret) and drops user:password from URLs', () => {
    expect(withoutCredentials('git@github.com:acme/widgets.git')).toBe('git@github.com:acme/widgets.git');
    expect(withoutCredentials('https://user:pa55@gitlab.example.com/a/b.git')).toBe('https://gitlab.example.com/a/b.git');
    expect(withoutCredentials('ssh://git@host:22/a/b')).toBe('ssh://host:22/a/b');
    expect(contextFromSessionMeta('not json', ID)).toBeUndefined();
    expect(contextFromSessionMeta(JSON.stringify({ type: 'event_msg', payload: { id: ID } }), ID)).toBeUndefined();
  });
});

describe('the session-context enricher', () => {
  it('asks once per session, retries a missing record a few times spaced apart, and fills every event of the session', () => {
    let calls = 0;
    let available = false;
    let now = 0;
    const reader: HarnessSessionContext = {
      reads: 'test',
      lookup: () => {
        calls++;
        return available ? { working_directory: '/w', git: { branch: 'b' } } : undefined;
      },
    };
    const enricher = new SessionContextEnricher(new Map([['codex_cli', reader]]), () => now);
    const ev = () => usageEvent('gpt-5.5', { input: 1, cached: 0, output: 0, reasoning: 0 });
    const early = [ev(), ev()];
    enricher.enrich(early);
    expect(calls).toBe(1); // not once per event
    expect(early[0].session?.working_directory).toBeUndefined();
    now += 500;
    enricher.enrich([ev()]);
    expect(calls).toBe(1); // too soon to ask again
    available = true;
    now += 2_000;
    const late = [ev(), ev()];
    enricher.enrich(late);
    expect(calls).toBe(2);
    expect(late.map((e) => e.session?.working_directory)).toEqual(['/w', '/w']);
    expect(late.map((e) => e.session?.git)).toEqual([{ branch: 'b' }, undefined]); // git once
    now += 10_000;
    enricher.enrich([ev()]);
    expect(calls).toBe(2); // known: never asked again
  });

  it('gives up after five tries, and leaves other harnesses and title generation alone', () => {
    let calls = 0;
    let now = 0;
    const enricher = new SessionContextEnricher(new Map([['codex_cli', { reads: 't', lookup: () => void calls++ }]]), () => now);
    for (let i = 0; i < 20; i++) {
      now += 3_000;
      enricher.enrich([usageEvent('m', { input: 1, cached: 0, output: 0, reasoning: 0 })]);
    }
    expect(calls).toBe(5);
    const other = usageEvent('m', { input: 1, cached: 0, output: 0, reasoning: 0 });
    other.harness = { name: 'claude_code' };
    other.session = { id: 'x2' };
    const title = usageEvent('m', { input: 1, cached: 0, output: 0, reasoning: 0 });
    title.session = { id: 'x3', title_generation: true };
    enricher.enrich([other, title]);
    expect(calls).toBe(5);
  });
});
