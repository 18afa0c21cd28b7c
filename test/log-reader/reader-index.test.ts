import { appendFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogReader } from '../../electron/log/reader';
import { baseEvent, generateEvents, sessionId, toJsonl } from './make-events';
import { tempDir } from './helpers';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function openReader(files: Record<string, string>): Promise<{ reader: LogReader; log: string; dir: string }> {
  const t = tempDir();
  cleanups.push(t.cleanup);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(t.dir, name), text);
  const log = join(t.dir, 'runtime.jsonl');
  const reader = await LogReader.open({ logPath: log });
  cleanups.push(() => reader.close());
  return { reader, log, dir: t.dir };
}

describe('LogReader index', () => {
  it('indexes archives oldest first, then the current log, and skips lines that are not events', async () => {
    const evs = generateEvents({ sessions: 3, turnsPerSession: 2 });
    // 3 sessions * (1 + 2*7) = 45 events split over .2 (oldest), .1 and the current log.
    const { reader } = await openReader({
      'runtime.jsonl.2': toJsonl(evs.slice(0, 10)) + 'not json at all\n',
      'runtime.jsonl.1': toJsonl(evs.slice(10, 30)) + '{"some":"other tool"}\n\n[1,2]\n',
      // the last archive line has no newline: an archive is complete, so it still counts
      'runtime.jsonl': toJsonl(evs.slice(30, 44)) + JSON.stringify(evs[44]) + '\n{"timestamp":"yesterday","event":{"action":"x"}}\n',
    });
    expect(reader.index.size).toBe(45);
    expect(reader.skippedLines).toBe(4);
    const all = reader.index.query({ limit: 1000 });
    expect(all.total).toBe(45);
    // newest first == reverse write order
    expect(all.records.map((r) => r.event.timestamp)).toEqual(evs.map((e) => e.timestamp).reverse());
    expect(all.records[0].seq).toBe(44);
  });

  it('filters by session, action, category, harness, model, time range and free text, with paging', async () => {
    const evs = generateEvents({ sessions: 4, turnsPerSession: 6 });
    const other = baseEvent('session.started', 'session', Date.UTC(2026, 0, 16), 'claude-1');
    other.harness = { name: 'claude_code' };
    const { reader } = await openReader({ 'runtime.jsonl': toJsonl([...evs, other]) });
    const idx = reader.index;

    const s1 = idx.query({ session: sessionId(1), limit: 1000 });
    expect(s1.total).toBe(1 + 6 * 6); // the title-generation usage lives in its own session
    expect(s1.records.every((r) => r.event.session?.id === sessionId(1))).toBe(true);

    const cmds = idx.query({ action: 'command.executed', session: sessionId(2), limit: 1000 });
    expect(cmds.total).toBe(6);
    expect(idx.query({ category: 'approval', limit: 1 }).total).toBe(24);
    expect(idx.query({ harness: 'claude_code', limit: 10 }).records.map((r) => r.event.session?.id)).toEqual(['claude-1']);
    expect(idx.query({ model: 'gpt-5-codex', action: 'token.usage', limit: 1000 }).total).toBe(12);
    expect(idx.query({ action: 'no.such', limit: 10 }).total).toBe(0);

    // free text: case-insensitive over prompt text, command, file path, message
    expect(idx.query({ q: 'FLAKY TEST NUMBER 3', limit: 100 }).total).toBe(4);
    expect(idx.query({ q: '--grep case5', limit: 100 }).total).toBe(4);
    expect(idx.query({ q: 'src/module2/file1.ts', limit: 100 }).total).toBe(2);
    expect(idx.query({ q: 'done with step 0', limit: 100 }).total).toBe(4);

    // time range is inclusive on both ends
    const t0 = Date.parse(evs[10].timestamp);
    const t1 = Date.parse(evs[19].timestamp);
    const range = idx.query({ sinceMs: t0, untilMs: t1, limit: 100 });
    expect(range.total).toBe(10);
    expect(range.records[0].event.timestamp).toBe(evs[19].timestamp);

    // paging with the before cursor walks every match exactly once, newest first
    const seen: number[] = [];
    let before: number | undefined;
    for (;;) {
      const page = idx.query({ category: 'file', limit: 7, before });
      expect(page.total).toBe(24);
      seen.push(...page.records.map((r) => r.seq));
      if (page.nextBefore === null) break;
      before = page.nextBefore;
    }
    expect(seen.length).toBe(24);
    expect(new Set(seen).size).toBe(24);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
  });

  it('rolls sessions up: prompts, commands and failures, approvals, files, errors, tokens, title generation', async () => {
    const evs = generateEvents({ sessions: 2, turnsPerSession: 6 });
    const err = baseEvent('session.error', 'session', Date.parse(evs[evs.length - 1].timestamp) + 1000, sessionId(0));
    err.error = { message: 'stream disconnected' };
    const { reader } = await openReader({ 'runtime.jsonl': toJsonl([...evs, err]) });
    const sessions = reader.index.sessions();
    // 2 user sessions + 2 title-generation conversations; session 0 is the most recent (error last)
    expect(sessions.length).toBe(4);
    expect(sessions[0].id).toBe(sessionId(0));
    const s0 = sessions[0];
    expect(s0).toMatchObject({
      prompts: 6,
      commands: 6,
      command_failures: 2, // turns 2 and 5
      approvals: { allowed: 5, denied: 1 },
      files_changed: 4, // file0..file3, repeated paths counted once
      errors: 1,
      model: 'gpt-5.1',
      originator: 'codex_exec',
      harness: 'codex_cli',
      working_directory: '/home/dev/src/project-00',
      repository: 'project-00',
      title_generation: false,
      started_at: evs[0].timestamp,
      last_at: err.timestamp,
    });
    expect(s0.tokens).toEqual({ input: 6000, cached_input: 24000, output: 1200, reasoning: 300, total: 31500, codex_tokens_used: 7500 });
    expect(s0.duration_ms).toBe(Date.parse(err.timestamp) - Date.parse(evs[0].timestamp));
    const title = sessions.find((s) => s.id === `${sessionId(0)}-title`)!;
    expect(title.title_generation).toBe(true);
    expect(title.tokens.total).toBe(6 * 110);

    const detail = reader.index.session(sessionId(1))!;
    expect(detail.rollup.id).toBe(sessionId(1));
    expect(detail.events.length).toBe(detail.rollup.events);
    const times = detail.events.map((r) => Date.parse(r.event.timestamp));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(reader.index.session('nope')).toBeUndefined();
  });

  it('reports token usage per bucket with title generation kept apart', async () => {
    // 250 ms apart, 8 events per turn: 2 sessions x 6 turns = 96 events ~ 24 s, within one minute
    const evs = generateEvents({ sessions: 2, turnsPerSession: 6, startMs: Date.UTC(2026, 0, 15, 9, 0, 0), stepMs: 250 });
    const late = baseEvent('token.usage', 'usage', Date.UTC(2026, 0, 15, 11, 30), sessionId(1));
    late.model = 'gpt-5-codex';
    late.gen_ai = { usage: { input_tokens: 1, cached_input_tokens: 2, output_tokens: 3, reasoning_output_tokens: 4, total_tokens: 10 } };
    const { reader } = await openReader({ 'runtime.jsonl': toJsonl([...evs, late]) });
    const byHour = reader.index.tokens('hour');
    expect(byHour.buckets.map((b) => b.start)).toEqual(['2026-01-15T09:00:00.000Z', '2026-01-15T11:00:00.000Z']);
    expect(byHour.buckets[0].tokens.total).toBe(12 * 5250);
    expect(byHour.buckets[0].title_generation.total).toBe(12 * 110);
    expect(byHour.totals.total).toBe(12 * 5250 + 10);
    expect(byHour.title_generation_totals.total).toBe(12 * 110);
    expect(byHour.by_model.map((m) => m.model)).toEqual(['gpt-5-codex', 'gpt-5.1']);
    const byDay = reader.index.tokens('day', { session: sessionId(1) });
    expect(byDay.buckets.length).toBe(1);
    expect(byDay.totals.total).toBe(6 * 5250 + 10);
    expect(byDay.title_generation_totals.total).toBe(0);
  });

  it('starts empty when the log does not exist yet, and reports unreadable logs instead of crashing', async () => {
    const { reader } = await openReader({});
    expect(reader.index.size).toBe(0);
    expect(reader.lastError).toBeNull();

    const t = tempDir();
    cleanups.push(t.cleanup);
    const log = join(t.dir, 'runtime.jsonl');
    appendFileSync(log, toJsonl(generateEvents({ sessions: 1, turnsPerSession: 1 })));
    chmodSync(log, 0o000);
    const r = await LogReader.open({ logPath: log });
    cleanups.push(() => r.close());
    if (process.getuid?.() === 0) {
      // root reads through mode 000; the point here is only that nothing throws.
      expect(r.index.size).toBe(8);
    } else {
      expect(r.index.size).toBe(0);
      expect(r.lastError).toMatch(/Permission denied/);
    }
  });
});
