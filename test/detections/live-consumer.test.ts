/**
 * Detections inside a real collector (startBeaconCollector, as the app, `endpoint run` and
 * `ci start` assemble it): findings land in runtime.jsonl as `finding.detected` events citing
 * logged events; a bad rule file in a rules directory is a warning naming the file and field
 * while the other rules run; `detections: false` turns them off.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startBeaconCollector } from '../../electron/plugins/collector';
import type { BeaconEvent } from '../../electron/shared/event';

const fixture = (rule: string): BeaconEvent[] => JSON.parse(readFileSync(join(__dirname, 'fixtures', `${rule}.json`), 'utf8')).positive[0];
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'beacon-detections-'));
  dirs.push(d);
  return d;
}

const readLog = (p: string): BeaconEvent[] => readFileSync(p, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));

async function until<T>(fn: () => T | undefined, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('detections in the collector', () => {
  it('write findings into the log, citing the logged events that triggered them', async () => {
    const dir = tempDir();
    const logPath = join(dir, 'runtime.jsonl');
    const c = await startBeaconCollector({ logPath, port: 0, content: 'redacted' });
    try {
      await c.pipeline.write(structuredClone([...fixture('remote-script-piped-to-shell'), ...fixture('rejected-command-retried')]));
      const findings = await until(() => {
        const f = readLog(logPath).filter((e) => e.event.action === 'finding.detected');
        return f.length >= 2 ? f : undefined;
      });
      const log = readLog(logPath);
      const ids = new Set(log.filter((e) => e.event.action !== 'finding.detected').map((e) => e.event.id));
      expect(findings.map((f) => f.finding!.rule_id).sort()).toEqual(['rejected-command-retried', 'remote-script-piped-to-shell']);
      for (const f of findings) {
        expect(f.event.category).toBe('finding');
        expect(f.finding!.event_ids.length).toBeGreaterThan(0);
        for (const id of f.finding!.event_ids) expect(ids.has(id)).toBe(true);
        expect(f.content?.retention).toBe('redacted'); // policed like every event
      }
      expect(findings.find((f) => f.finding!.rule_id === 'rejected-command-retried')!.finding!.event_ids).toHaveLength(2);
      const h = c.health().consumers.find((x) => x.name === 'detections')!;
      expect(h.status).toBe('ok');
      expect(h.findings).toBe(2);
    } finally {
      await c.close();
    }
  });

  it('a bad rule file is a warning naming the file and field; the other rules keep running', async () => {
    const dir = tempDir();
    const rules = join(dir, 'team-rules');
    mkdirSync(rules);
    writeFileSync(join(rules, 'bad-regex.json'), JSON.stringify({ id: 'team-bad', title: 'Bad one', description: 'broken regex', severity: 'low', mitre: [], owasp: [], on: ['command.executed'], match: { field: 'command.command', op: 'regex', value: '([' } }));
    writeFileSync(join(rules, 'not-json.json'), '{ id: nope');
    writeFileSync(join(rules, 'team-push.json'), JSON.stringify({ id: 'team-any-push', title: 'Any git push', description: 'our team watches every push', severity: 'info', mitre: [], owasp: [], on: ['command.executed'], match: { field: 'command.command', op: 'contains', value: 'git push' } }));
    const warnings: string[] = [];
    const logPath = join(dir, 'runtime.jsonl');
    const c = await startBeaconCollector({ logPath, port: 0, content: 'redacted', detections: { ruleDirs: [rules] }, onWarning: (m) => warnings.push(m) });
    try {
      expect(warnings.some((w) => w.includes(join(rules, 'bad-regex.json')) && w.includes('/match/value') && w.includes('not a valid regular expression'))).toBe(true);
      expect(warnings.some((w) => w.includes(join(rules, 'not-json.json')) && w.includes('not valid JSON'))).toBe(true);
      const h = c.health().consumers.find((x) => x.name === 'detections')!;
      expect(h.status).toBe('degraded');
      expect(h.detail).toContain('2 rule file(s) refused');
      await c.pipeline.write(structuredClone(fixture('git-force-push')));
      const ruleIds = await until(() => {
        const ids = readLog(logPath).filter((e) => e.event.action === 'finding.detected').map((e) => e.finding!.rule_id);
        return ids.length >= 2 ? ids.sort() : undefined;
      });
      expect(ruleIds).toEqual(['git-force-push', 'team-any-push']);
      expect(readLog(logPath).find((e) => e.finding?.rule_id === 'team-any-push')!.finding!.rule_source).toBe('user');
    } finally {
      await c.close();
    }
  });

  it('under the metadata policy see no command text, but still file paths and session settings', async () => {
    const dir = tempDir();
    const logPath = join(dir, 'runtime.jsonl');
    const c = await startBeaconCollector({ logPath, port: 0, content: 'metadata' });
    try {
      await c.pipeline.write(structuredClone([...fixture('remote-script-piped-to-shell'), ...fixture('ci-workflow-modified'), ...fixture('session-sandbox-disabled')]));
      const ids = await until(() => {
        const f = readLog(logPath).filter((e) => e.event.action === 'finding.detected').map((e) => e.finding!.rule_id);
        return f.length >= 2 ? f.sort() : undefined;
      });
      await new Promise((r) => setTimeout(r, 100));
      expect(ids).toEqual(['ci-workflow-modified', 'session-sandbox-disabled']);
    } finally {
      await c.close();
    }
  });

  it('detections: false writes no findings', async () => {
    const dir = tempDir();
    const logPath = join(dir, 'runtime.jsonl');
    const c = await startBeaconCollector({ logPath, port: 0, content: 'redacted', detections: false });
    try {
      await c.pipeline.write(structuredClone(fixture('git-force-push')));
      await new Promise((r) => setTimeout(r, 200));
      expect(readLog(logPath).filter((e) => e.event.action === 'finding.detected')).toEqual([]);
      expect(c.health().consumers.some((x) => x.name === 'detections')).toBe(false);
    } finally {
      await c.close();
    }
  });
});
