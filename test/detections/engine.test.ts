/**
 * The rule engine on its own: the condition language, sequences with their window and bounds,
 * de-duplication, and findings kept away from rules not written for them. Events are the real
 * captured ones (test/detections/fixtures), adjusted where a test needs another time or session.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileRule, RuleError, type CompiledRule } from '../../electron/detections/rule-compile';
import { DetectionEngine } from '../../electron/detections/engine';
import { shippedRules } from '../../electron/detections/rule-load';
import type { BeaconEvent } from '../../electron/shared/event';

const fixture = (rule: string): { positive: BeaconEvent[][]; negative: BeaconEvent[][] } => JSON.parse(readFileSync(join(__dirname, 'fixtures', `${rule}.json`), 'utf8'));
const lastOf = (events: BeaconEvent[]): BeaconEvent => structuredClone(events[events.length - 1]);
const FORCE_PUSH = lastOf(fixture('git-force-push').positive[0]);
const PLAIN_PUSH = lastOf(fixture('git-force-push').negative[0]);

function rule(body: Record<string, unknown>): CompiledRule {
  return compileRule({ id: 'test-rule', title: 'Test rule', description: 'for a test', severity: 'medium', mitre: [], owasp: [], on: ['command.executed'], ...body }, 'test.json', 'user');
}
const at = (e: BeaconEvent, iso: string, session?: string, id?: string): BeaconEvent => {
  const c = structuredClone(e);
  c.timestamp = iso;
  if (session) c.session = { ...c.session, id: session };
  if (id) c.event.id = id;
  return c;
};
const fires = (r: CompiledRule, e: BeaconEvent): boolean => new DetectionEngine([r]).process(structuredClone(e)).length > 0;

describe('condition language', () => {
  it('equals, in, regex, contains, exists, with all / any / not', () => {
    expect(fires(rule({ match: { field: 'command.command', op: 'equals', value: 'git push --force origin main' } }), FORCE_PUSH)).toBe(true);
    expect(fires(rule({ match: { field: 'command.exit_code', op: 'in', value: [1, 2] } }), FORCE_PUSH)).toBe(true);
    expect(fires(rule({ match: { field: 'command.command', op: 'regex', value: 'PUSH', flags: 'i' } }), FORCE_PUSH)).toBe(true);
    expect(fires(rule({ match: { field: 'command.command', op: 'contains', value: '--force' } }), PLAIN_PUSH)).toBe(false);
    expect(fires(rule({ match: { field: 'command.nope', op: 'exists', value: false } }), FORCE_PUSH)).toBe(true);
    expect(fires(rule({ match: { all: [{ field: 'command.success', op: 'equals', value: false }, { not: { field: 'command.command', op: 'contains', value: 'force' } }] } }), FORCE_PUSH)).toBe(false);
    expect(fires(rule({ match: { any: [{ field: 'command.command', op: 'contains', value: 'zzz' }, { field: 'harness.name', op: 'equals', value: 'codex_cli' }] } }), FORCE_PUSH)).toBe(true);
  });

  it('lists: any element by default, every element with every: true (an empty list passes none)', () => {
    const started = structuredClone(fixture('mcp-server-not-allowlisted').positive[0][0]);
    const r = (every: boolean) => compileRule({ id: 'mcp', title: 'mcp test', description: 'a test rule', severity: 'low', mitre: [], owasp: [], on: ['session.started'], match: { field: 'session.mcp_servers', op: 'in', value: ['evil-tools'], every } }, 't.json', 'user');
    started.session!.mcp_servers = ['evil-tools', 'github'];
    expect(fires(r(false), started)).toBe(true);
    expect(fires(r(true), started)).toBe(false);
    started.session!.mcp_servers = [];
    expect(fires(r(false), started)).toBe(false);
  });

  it('refuses bad rules with the field at fault, and never evaluates code', () => {
    const bad = (body: Record<string, unknown>): string => {
      try {
        rule(body);
      } catch (err) {
        expect(err).toBeInstanceOf(RuleError);
        return (err as Error).message;
      }
      throw new Error('accepted');
    };
    expect(bad({ match: { field: 'command.command', op: 'regex', value: '(' } })).toMatch(/^test\.json: \/match\/value: not a valid regular expression/);
    expect(bad({ match: { field: 'command.command', op: 'eval', value: 'process.exit()' } })).toMatch(/^test\.json: \/match\/op: must be one of equals, in, regex, contains, exists/);
    expect(bad({ severity: 'urgent', match: { field: 'a', op: 'exists' } })).toMatch(/^test\.json: \/severity: must be one of info/);
    expect(bad({ match: { field: 'a', op: 'exists' }, colour: 'red' })).toMatch(/unknown field "colour"/);
    expect(bad({ match: { field: 'a', op: 'regex', value: 'x', flags: 'g' } })).toMatch(/\/match\/flags/);
    expect(bad({ sequence: { window_seconds: 10, steps: [{ match: { field: 'a', op: 'exists' } }, { match: { field: 'a', op: 'equals', ref: 'never' } }] } })).toMatch(/\/sequence\/steps\/1\/match: ref "never" is not captured/);
  });
});

describe('sequences', () => {
  const twoPushes = rule({
    sequence: {
      window_seconds: 60,
      steps: [
        { match: { field: 'command.command', op: 'contains', value: 'git push' }, capture: { c: 'command.command' } },
        { match: { field: 'command.command', op: 'equals', ref: 'c' } },
      ],
    },
  });

  it('match steps in order within one session and the window, citing both events', () => {
    const e = new DetectionEngine([twoPushes]);
    expect(e.process(at(FORCE_PUSH, '2026-12-04T10:00:00.000Z', 's1', '01a00000-0000-7000-8000-000000000001'))).toEqual([]);
    // another session, and another command: neither completes s1's sequence
    expect(e.process(at(FORCE_PUSH, '2026-12-04T10:00:01.000Z', 's2', '01a00000-0000-7000-8000-000000000002'))).toEqual([]);
    expect(e.process(at(PLAIN_PUSH, '2026-12-04T10:00:02.000Z', 's1', '01a00000-0000-7000-8000-000000000003'))).toEqual([]);
    const [f] = e.process(at(FORCE_PUSH, '2026-12-04T10:00:30.000Z', 's1', '01a00000-0000-7000-8000-000000000004'));
    expect(f.finding!.event_ids).toEqual(['01a00000-0000-7000-8000-000000000001', '01a00000-0000-7000-8000-000000000004']);
    expect(f.session?.id).toBe('s1');
    expect(f.timestamp).toBe('2026-12-04T10:00:30.000Z');
  });

  it('forget a sequence whose window has passed', () => {
    const e = new DetectionEngine([twoPushes]);
    e.process(at(FORCE_PUSH, '2026-12-04T10:00:00.000Z', 's1', '01a00000-0000-7000-8000-000000000001'));
    expect(e.process(at(FORCE_PUSH, '2026-12-04T10:01:01.000Z', 's1', '01a00000-0000-7000-8000-000000000002'))).toEqual([]);
    // ...but the late event started a sequence of its own
    expect(e.process(at(FORCE_PUSH, '2026-12-04T10:01:02.000Z', 's1', '01a00000-0000-7000-8000-000000000003'))).toHaveLength(1);
  });

  it('keep at most maxSessions sessions, forgetting the least recently active', () => {
    const e = new DetectionEngine([twoPushes], { maxSessions: 3 });
    for (let i = 0; i < 5; i++) e.process(at(FORCE_PUSH, '2026-12-04T10:00:00.000Z', `s${i}`, `01a00000-0000-7000-8000-00000000010${i}`));
    expect(e.trackedSessions).toBe(3);
    expect(e.process(at(FORCE_PUSH, '2026-12-04T10:00:05.000Z', 's0', '01a00000-0000-7000-8000-000000000200'))).toEqual([]); // forgotten
    expect(e.process(at(FORCE_PUSH, '2026-12-04T10:00:05.000Z', 's4', '01a00000-0000-7000-8000-000000000201'))).toHaveLength(1);
  });

  it('keep at most maxPartials open sequences per rule and session', () => {
    const r = rule({ sequence: { window_seconds: 600, steps: [{ match: { field: 'command.command', op: 'contains', value: 'git' }, capture: { c: 'command.command' } }, { match: { field: 'command.command', op: 'equals', ref: 'c' } }] } });
    const e = new DetectionEngine([r], { maxPartials: 2 });
    const cmds = ['git a', 'git b', 'git c'];
    cmds.forEach((c, i) => {
      const ev = at(FORCE_PUSH, '2026-12-04T10:00:00.000Z', 's', `01a00000-0000-7000-8000-00000000030${i}`);
      ev.command!.command = c;
      e.process(ev);
    });
    const again = (c: string, n: number) => {
      const ev = at(FORCE_PUSH, '2026-12-04T10:00:10.000Z', 's', `01a00000-0000-7000-8000-00000000040${n}`);
      ev.command!.command = c;
      return e.process(ev);
    };
    expect(again('git a', 0)).toEqual([]); // the oldest open sequence was dropped
    expect(again('git c', 1)).toHaveLength(1);
  });
});

describe('findings', () => {
  it('are emitted once for the same rule, session and events', () => {
    const e = new DetectionEngine(shippedRules());
    const first = e.process(structuredClone(FORCE_PUSH)).filter((f) => f.finding!.rule_id === 'git-force-push');
    expect(first).toHaveLength(1);
    expect(e.process(structuredClone(FORCE_PUSH))).toEqual([]);
    expect(first[0]).toMatchObject({ vendor: 'beacon', product: 'endpoint-agent', schema_version: '1.0', event: { action: 'finding.detected', category: 'finding' }, severity: 'high', harness: FORCE_PUSH.harness, endpoint: FORCE_PUSH.endpoint });
    expect(first[0].finding).toMatchObject({ rule_id: 'git-force-push', severity: 'high', event_ids: [FORCE_PUSH.event.id], rule_source: 'shipped' });
  });

  it('never feed rules written for other events, and a finding read from a log is not re-evaluated', () => {
    const anything = compileRule({ id: 'any-event', title: 'Any event at all', description: 'a test rule', severity: 'info', mitre: [], owasp: [], on: ['finding.detected', 'command.executed'], match: { field: 'event.action', op: 'equals', value: 'command.executed' } }, 't.json', 'user');
    const e = new DetectionEngine([...shippedRules(), anything]);
    const out = e.process(structuredClone(FORCE_PUSH));
    expect(out.map((f) => f.finding!.rule_id).sort()).toEqual(['any-event', 'git-force-push']);
    expect(e.process(structuredClone(out[0]))).toEqual([]);
  });

  it('get the same id when derived again (a rescan of the log)', () => {
    const a = new DetectionEngine(shippedRules()).process(structuredClone(FORCE_PUSH));
    const b = new DetectionEngine(shippedRules()).process(structuredClone(FORCE_PUSH));
    expect(a.map((f) => f.event.id)).toEqual(b.map((f) => f.event.id));
    expect(a[0].event.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('the union prefilter', () => {
  it('finds exactly what testing each rule on its own finds, on every captured event', () => {
    const rules = shippedRules().filter((r) => r.steps.length === 1 && !r.on.includes('finding.detected'));
    let events = 0;
    for (const name of readdirSync(join(__dirname, 'fixtures'))) {
      const fx = JSON.parse(readFileSync(join(__dirname, 'fixtures', name), 'utf8')) as { positive: BeaconEvent[][]; negative: BeaconEvent[][] };
      for (const e of [...fx.positive, ...fx.negative].flat()) {
        const alone = rules.filter((r) => r.on.includes(e.event.action) && r.steps[0].test(e, {})).map((r) => r.id).sort();
        const together = new DetectionEngine(rules).process(structuredClone(e)).map((f) => f.finding!.rule_id).sort();
        expect(together, `${name}: ${e.command?.command ?? e.file?.path ?? e.event.action}`).toEqual(alone);
        events += 1;
      }
    }
    expect(events).toBeGreaterThan(300);
  });
});
