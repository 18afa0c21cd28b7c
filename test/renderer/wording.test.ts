/**
 * The words and the light a person sees, from real-shaped events and health snapshots: these
 * are the renderer's pure parts (the browser tests cover how they are shown).
 */
import { describe, expect, it } from 'vitest';
import type { HealthResponse, SessionRollup, TokenBucket } from '../../electron/shared/api';
import { describeEvent } from '../../renderer/src/lib/story';
import { healthView } from '../../renderer/src/lib/health';
import { fillBucketGaps } from '../../renderer/src/lib/tokens';
import { findingHref, hrefFor, parseRoute } from '../../renderer/src/lib/route';
import { formatDuration } from '../../renderer/src/lib/format';
import { sessionLabels } from '../../renderer/src/lib/sessions';
import type { BeaconEvent } from '../../electron/shared/event';
import * as E from './support/events';

const s: E.SessionSpec = { id: 's1', cwd: '/home/dev/app' };

describe('event sentences', () => {
  it('tells a failed command with its exit code and duration', () => {
    expect(describeEvent(E.commandExecuted(s, 'npm test', { exit: 1, durationMs: 1234, callId: 'c' })).plain).toBe('Codex ran npm test — failed (exit 1) in 1.2 s');
  });

  it('treats a non-zero exit as a failure even when success is missing', () => {
    const ev = E.commandExecuted(s, 'make', { exit: 2, durationMs: 50, callId: 'c' });
    delete ev.command!.success;
    delete ev.tool!.success;
    expect(describeEvent(ev).plain).toBe('Codex ran make — failed (exit 2) in 50 ms');
  });

  it('quotes the prompt, or says it was not recorded under the metadata policy', () => {
    expect(describeEvent(E.promptSubmitted(s, 'fix   the\nbuild')).plain).toBe('You asked: “fix the build”');
    const hidden = E.promptSubmitted(s, 'secret');
    hidden.prompt = { length: 42 };
    expect(describeEvent(hidden).plain).toBe('You sent a prompt (42 characters, text not recorded)');
  });

  it('names file changes by what happened to the file', () => {
    expect(describeEvent(E.fileModified(s, 'src/app.ts', 'add')).plain).toBe('Codex created src/app.ts');
    expect(describeEvent(E.fileModified(s, 'old.ts', 'delete')).plain).toBe('Codex deleted old.ts');
    expect(describeEvent(E.fileModified(s, 'a.ts', 'update')).plain).toBe('Codex edited a.ts');
  });

  it('tells who approved: the user, or the configured policy', () => {
    expect(describeEvent(E.approvalAllowed(s, 'npm test', 'c')).plain).toBe('You approved npm test');
    const byPolicy = E.approvalAllowed(s, 'npm test', 'c');
    byPolicy.approval!.source = 'Config';
    expect(describeEvent(byPolicy).plain).toBe('Auto-approved npm test');
    const session = E.approvalAllowed(s, 'ls', 'c');
    session.approval!.decision = 'approved_for_session';
    expect(describeEvent(session).plain).toBe('You approved ls for this session');
  });

  it('sums disjoint token parts and shows the breakdown', () => {
    const story = describeEvent(E.tokenUsage(s, { input: 1000, cached: 200, output: 43, reasoning: 7 }));
    expect(story.plain).toBe('Used 1,250 tokens');
    // Codex prints input - cached + output for the same response: 1,000 + 43 + 7.
    expect(story.sub).toBe('1,000 input (not cached) · 200 cached · 43 output (excl. reasoning) · 7 reasoning · Codex “tokens used” 1,050');
  });

  it('tells a patch Codex did not apply as a failed patch, never as a file change', () => {
    const failed: BeaconEvent = {
      ...E.fileModified(s, 'src/hello.ts', 'update'),
      event: { kind: 'agent_runtime', action: 'tool.failed', category: 'tool' },
      file: undefined,
      tool: { name: 'apply_patch', path: 'src/hello.ts', success: false },
      patch: { files: [{ path: 'src/hello.ts', operation: 'update' }, { path: 'a.ts', operation: 'add' }, { path: 'b.ts', operation: 'delete' }, { path: 'c.ts', operation: 'add' }] },
      error: { type: 'file_not_found', message: 'the file to update does not exist' },
    };
    const story = describeEvent(failed);
    expect(story.plain).toBe('Codex’s patch failed: src/hello.ts, a.ts, b.ts and 1 more — the file to update does not exist');
    expect(story.tone).toBe('bad');
    // What Beacon wrote for it before issue 12: file.modified with tool.success false.
    const legacy = E.fileModified(s, 'src/app.ts', 'add');
    legacy.tool!.success = false;
    expect(describeEvent(legacy).plain).toBe('Codex’s patch failed: src/app.ts');
  });

  it("labels Beacon's own test-event as validation, not Codex activity", () => {
    const v = E.sessionStarted({ id: 'beacon-validation-1', cwd: '' });
    v.event = { kind: 'agent_runtime', action: 'otel.beacon.validation', category: 'other' };
    v.harness = { name: 'codex_cli', originator: 'beacon_test_event' };
    expect(describeEvent(v).plain).toBe('Beacon validation event: the pipeline works (beacon endpoint test-event)');
  });

  it('says what went wrong for session errors', () => {
    expect(describeEvent(E.sessionError(s, 'stream disconnected')).plain).toBe('Error: stream disconnected (HTTP 500)');
  });

  it('formats durations the way people say them', () => {
    expect([formatDuration(640), formatDuration(1234), formatDuration(65_000), formatDuration(7_500_000)]).toEqual(['640 ms', '1.2 s', '1 min 5 s', '2 h 5 min']);
  });
});

function health(patch: Partial<HealthResponse> = {}): HealthResponse {
  return {
    status: 'ok',
    problems: [],
    dashboard: { version: '0.1.0', pid: 1, started_at: '', log_path: '/l', indexed_events: 0, skipped_lines: 0, log_error: null },
    collector: { state: 'up', url: 'http://127.0.0.1:4318/healthz' },
    write: { state: 'ok', reason: null, pid: 1, running: true, updated_at: null, file: '/h' },
    codex: null,
    log_source_warning: null,
    last_event: null,
    generated_at: new Date().toISOString(),
    ...patch,
  };
}

describe('health light', () => {
  it('is green and waiting when all is well and nothing arrived yet', () => {
    expect(healthView(health())).toMatchObject({ level: 'ok', title: 'Healthy', reason: 'Collector running · waiting for the first Codex event' });
  });

  it('puts a write failure above a stopped collector, with the fix', () => {
    const v = healthView(health({ status: 'down', write: { state: 'unavailable', reason: 'ENOSPC: no space left on device', pid: 1, running: true, updated_at: null, file: '/h' }, collector: { state: 'down', url: 'u' } }));
    expect(v).toMatchObject({ level: 'error', title: 'Write failure', fix: 'beacon endpoint doctor' });
    expect(v.reason).toContain('ENOSPC');
  });

  it('is red with the repair command when the collector is down', () => {
    expect(healthView(health({ status: 'down', collector: { state: 'down', url: 'u', detail: 'ECONNREFUSED' } }))).toMatchObject({
      level: 'error',
      title: 'Collector down',
      fix: 'beacon endpoint repair',
      detail: 'ECONNREFUSED',
    });
  });

  it('warns when Codex is not configured, and shows the runtime-log source warning', () => {
    expect(healthView(health({ codex: { configured: false } }))).toMatchObject({ level: 'warn', title: 'Codex not configured', fix: 'beacon endpoint repair' });
    expect(healthView(health({ status: 'degraded', log_source_warning: 'reading the system log' }))).toMatchObject({ level: 'warn', reason: 'reading the system log' });
  });

  it('says so when the dashboard itself cannot be reached', () => {
    expect(healthView(null, 'Failed to fetch')).toMatchObject({ level: 'error', title: 'Dashboard unreachable' });
  });
});

describe('session labels', () => {
  const base = { started_at: '2026-12-03T09:00:05.000Z', repository: 'billing', working_directory: '/w/billing', first_prompt: null } as const;
  const rollup = (id: string, extra: Partial<SessionRollup>): SessionRollup => ({ ...(base as unknown as SessionRollup), id, ...extra });

  it('names sessions by start time and first prompt, so sessions of one repo and minute differ', () => {
    const labels = sessionLabels([
      rollup('aaaaaaaa-1', { first_prompt: 'Add retries to the invoice exporter' }),
      rollup('bbbbbbbb-2', { first_prompt: 'Explain why the CI job fails on main', started_at: '2026-12-03T09:00:40.000Z' }),
      rollup('cccccccc-3', {}),
    ]);
    const time = (iso: string) => new Date(iso).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
    expect([...labels.values()]).toEqual([
      `${time(base.started_at)} · “Add retries to the invoice exporter”`,
      `${time('2026-12-03T09:00:40.000Z')} · “Explain why the CI job fails on main”`,
      `${time(base.started_at)} · billing (no prompt recorded)`,
    ]);
  });

  it('adds the id when two sessions would still read the same', () => {
    const labels = sessionLabels([rollup('aaaaaaaa-1', { first_prompt: 'same' }), rollup('bbbbbbbb-2', { first_prompt: 'same' })]);
    expect(new Set(labels.values()).size).toBe(2);
    expect(labels.get('aaaaaaaa-1')).toMatch(/ · aaaaaaaa$/);
  });
});

describe('token chart time axis', () => {
  const zero = { input: 0, cached_input: 0, output: 0, reasoning: 0, total: 0, codex_tokens_used: 0 };
  const b = (start: string, total: number): TokenBucket => ({ start, tokens: { ...zero, input: total, total }, title_generation: zero, events: 1, cost: { usd: 0, priced_events: 0, unpriced_events: 0, unpriced_models: [], price_sources: [] } });

  it('fills the hours with no usage so bars sit at their real time', () => {
    const filled = fillBucketGaps([b('2026-11-24T01:00:00.000Z', 10), b('2026-11-24T04:00:00.000Z', 5)], 'hour');
    expect(filled.map((x) => [x.start, x.tokens.total])).toEqual([
      ['2026-11-24T01:00:00.000Z', 10],
      ['2026-11-24T02:00:00.000Z', 0],
      ['2026-11-24T03:00:00.000Z', 0],
      ['2026-11-24T04:00:00.000Z', 5],
    ]);
  });

  it('keeps the data as is when the span is too long to draw every slot', () => {
    const sparse = [b('2026-01-01T00:00:00.000Z', 1), b('2026-11-24T00:00:00.000Z', 1)];
    expect(fillBucketGaps(sparse, 'minute')).toBe(sparse);
  });
});

describe('routes', () => {
  it('picks the tray from the hash or the query, the dashboard otherwise', () => {
    expect(parseRoute('#/tray', '').view).toBe('tray');
    expect(parseRoute('', '?view=tray').view).toBe('tray');
    expect(parseRoute('', '')).toEqual({ view: 'dashboard', tab: 'sessions', sessionId: null, highlight: [], findingId: null });
    expect(parseRoute('#/sessions/a%2Fb', '')).toEqual({ view: 'dashboard', tab: 'sessions', sessionId: 'a/b', highlight: [], findingId: null });
    expect(parseRoute('#/tokens', '').tab).toBe('tokens');
  });

  it("opens a finding, and a session's story with a finding's events highlighted", () => {
    expect(parseRoute('#/findings/019b-1', '')).toMatchObject({ tab: 'findings', findingId: '019b-1', sessionId: null });
    expect(parseRoute('#/findings', '')).toMatchObject({ tab: 'findings', findingId: null });
    const href = hrefFor('sessions', 'a/b', { highlight: ['e1', 'e,2'] });
    expect(href).toBe('#/sessions/a%2Fb?events=e1,e%2C2');
    expect(parseRoute(href, '')).toMatchObject({ tab: 'sessions', sessionId: 'a/b', highlight: ['e1', 'e,2'] });
    expect(parseRoute(findingHref('x/y'), '').findingId).toBe('x/y');
  });
});
