/**
 * Every shipped rule against its own fixtures (test/detections/fixtures/<rule-id>.json, captured
 * from the real Codex CLI by scripts/capture-detection-fixtures.mjs): each positive case makes
 * the rule fire, each negative case does not. Cases run through an engine with ALL shipped
 * rules, as in the collector, each case in a fresh engine.
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { shippedRules } from '../../electron/detections/rule-load';
import { DetectionEngine } from '../../electron/detections/engine';
import type { BeaconEvent } from '../../electron/shared/event';

const FIXTURES = join(__dirname, 'fixtures');

interface Fixture {
  rule_id: string;
  synthetic?: string;
  positive: BeaconEvent[][];
  negative: BeaconEvent[][];
}

function fired(events: BeaconEvent[]): Array<{ rule: string; ids: string[] }> {
  const engine = new DetectionEngine(shippedRules());
  return events.flatMap((e) => engine.process(structuredClone(e))).map((f) => ({ rule: f.finding!.rule_id, ids: f.finding!.event_ids }));
}

describe('shipped rules', () => {
  const rules = shippedRules();

  it('are at least 40, each with a unique id and fixtures of its own', () => {
    expect(rules.length).toBeGreaterThanOrEqual(40);
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length);
    for (const r of rules) expect(existsSync(join(FIXTURES, `${r.id}.json`)), `fixtures for ${r.id}`).toBe(true);
    const orphans = readdirSync(FIXTURES).filter((n) => n.endsWith('.json') && !rules.some((r) => `${r.id}.json` === n));
    expect(orphans).toEqual([]);
  });

  it('only the tamper rule relies on events that are not captured from Codex', () => {
    const synthetic = rules.filter((r) => (JSON.parse(readFileSync(join(FIXTURES, `${r.id}.json`), 'utf8')) as Fixture).synthetic);
    expect(synthetic.map((r) => r.id)).toEqual(['telemetry-disabled']);
  });

  for (const rule of rules) {
    describe(rule.id, () => {
      const fx = JSON.parse(readFileSync(join(FIXTURES, `${rule.id}.json`), 'utf8')) as Fixture;
      it('has at least one positive and one negative case', () => {
        expect(fx.rule_id).toBe(rule.id);
        expect(fx.positive.length).toBeGreaterThan(0);
        expect(fx.negative.length).toBeGreaterThan(0);
      });
      fx.positive.forEach((events, i) => {
        it(`fires on positive case ${i + 1}, citing events of the case`, () => {
          const mine = fired(events).filter((f) => f.rule === rule.id);
          expect(mine.length, JSON.stringify(events.map((e) => e.command?.command ?? e.file?.path ?? e.event.action))).toBeGreaterThan(0);
          const ids = new Set(events.map((e) => e.event.id));
          for (const f of mine) for (const id of f.ids) if (rule.on.every((a) => a !== 'finding.detected')) expect(ids.has(id)).toBe(true);
        });
      });
      fx.negative.forEach((events, i) => {
        it(`does not fire on negative case ${i + 1}`, () => {
          expect(fired(events).filter((f) => f.rule === rule.id)).toEqual([]);
        });
      });
    });
  }
});
