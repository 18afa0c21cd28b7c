/**
 * `beacon scan` and `beacon rules lint` through the compiled CLI: a log and its rotated archives
 * scanned in order, severity filters and --fail-on, and rule files with problems named by file
 * and field (exit 1), bad flags (exit 2).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBeacon } from '../support/beacon-cli';
import { isolatedEnv } from '../support/test-env';
import type { BeaconEvent } from '../../electron/shared/event';

const dir = mkdtempSync(join(tmpdir(), 'beacon-scan-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const fixture = (rule: string): BeaconEvent[] => JSON.parse(readFileSync(join(__dirname, 'fixtures', `${rule}.json`), 'utf8')).positive[0];
const jsonl = (events: BeaconEvent[]): string => events.map((e) => JSON.stringify(e)).join('\n') + '\n';

describe('beacon scan', () => {
  const log = join(dir, 'logs', 'runtime.jsonl');
  mkdirSync(join(dir, 'logs'));
  // The archive holds the older events: the rejected command; the active log its retry.
  const retried = fixture('rejected-command-retried');
  writeFileSync(`${log}.1`, jsonl([...fixture('git-force-push'), ...retried.slice(0, 2)]));
  writeFileSync(log, jsonl([...retried.slice(2), ...fixture('environment-dumped')]) + 'not json\n');

  it('reads the archives before the log, so a sequence across a rotation is found', async () => {
    const r = await runBeacon(['scan', '--log-path', log, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.files).toEqual([`${log}.1`, log]);
    expect(out.skipped_lines).toBe(1);
    expect(out.findings.map((f: { rule_id: string }) => f.rule_id).sort()).toEqual(['environment-dumped', 'git-force-push', 'password-in-output', 'rejected-command-retried']);
    // (`env | sort` printed the agent's masked API key: a real password-in-output)
    const seq = out.findings.find((f: { rule_id: string }) => f.rule_id === 'rejected-command-retried');
    expect(seq).toMatchObject({ severity: 'high', title: 'Rejected command run again', session_id: retried[0].session!.id });
    expect(seq.event_ids).toHaveLength(2);
  });

  it('--min-severity filters, --fail-on exits 1 at or above the level', async () => {
    const high = JSON.parse((await runBeacon(['scan', '--log-path', log, '--json', '--min-severity', 'high'])).stdout);
    expect(high.findings.map((f: { rule_id: string }) => f.rule_id).sort()).toEqual(['git-force-push', 'rejected-command-retried']);
    expect((await runBeacon(['scan', '--log-path', log, '--fail-on', 'high'])).code).toBe(1);
    const ok = await runBeacon(['scan', '--log-path', log, '--fail-on', 'critical']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^scanned \d+ events in 2 file\(s\) with \d+ rules: 4 finding\(s\)/);
  });

  it('a bad severity is a usage error (exit 2)', async () => {
    const r = await runBeacon(['scan', '--log-path', log, '--fail-on', 'severe']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"severe" is not a severity');
  });

  it('--rules-dir adds rules; a refused file is a warning and the scan goes on', async () => {
    const rules = join(dir, 'extra');
    mkdirSync(rules);
    writeFileSync(join(rules, 'env.json'), JSON.stringify({ id: 'team-env', title: 'Env printed', description: 'team rule', severity: 'critical', mitre: [], owasp: [], on: ['command.executed'], match: { field: 'command.command', op: 'regex', value: '^env\\b' } }));
    writeFileSync(join(rules, 'broken.json'), JSON.stringify({ id: 'team-broken', title: 'Broken', description: 'no match', severity: 'low', mitre: [], owasp: [], on: ['command.executed'] }));
    const r = await runBeacon(['scan', '--log-path', log, '--rules-dir', rules, '--json']);
    expect(r.code).toBe(0);
    const ids = JSON.parse(r.stdout).findings.map((f: { rule_id: string }) => f.rule_id);
    expect(ids).toContain('team-env');
    // a critical team finding counts for the rule written for findings (with the two highs)
    expect(ids).toContain('repeated-high-severity-findings');
    expect(r.stderr).toContain(`${join(rules, 'broken.json')}: /: missing field "match"`);
  });
});

describe('beacon rules lint', () => {
  it('passes the shipped rules', async () => {
    const r = await runBeacon(['rules', 'lint'], { env: isolatedEnv() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^shipped: \d+ rule\(s\) ok/);
  });

  it('names the file and field of each problem, exit 1', async () => {
    const rules = join(dir, 'lint');
    mkdirSync(rules);
    writeFileSync(join(rules, 'ok.json'), JSON.stringify({ id: 'team-ok', title: 'Fine rule', description: 'a fine rule', severity: 'low', mitre: ['T1059'], owasp: [], on: ['command.executed'], match: { field: 'command.command', op: 'contains', value: 'x' } }));
    writeFileSync(join(rules, 'bad-mitre.json'), JSON.stringify({ id: 'team-mitre', title: 'Bad mapping', description: 'bad mapping', severity: 'low', mitre: ['ATTACK-1'], owasp: [], on: ['command.executed'], match: { field: 'command.command', op: 'contains', value: 'x' } }));
    writeFileSync(join(rules, 'dup.json'), JSON.stringify({ id: 'team-ok', title: 'Same id', description: 'the same id', severity: 'low', mitre: [], owasp: [], on: ['command.executed'], match: { field: 'command.command', op: 'contains', value: 'y' } }));
    const r = await runBeacon(['rules', 'lint', rules, '--json'], { env: isolatedEnv() });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.problems).toContain(`${join(rules, 'bad-mitre.json')}: /mitre/0: must match pattern "^(T[0-9]{4}(\\.[0-9]{3})?|AML\\.T[0-9]{4}(\\.[0-9]{3})?)$"`);
    expect(out.problems.some((p: string) => p.startsWith(`${join(rules, 'ok.json')}: /id: "team-ok" is already defined`) || p.startsWith(`${join(rules, 'dup.json')}: /id: "team-ok" is already defined`))).toBe(true);
    expect(r.stderr).toMatch(/^beacon: 2 rule file problem\(s\)/);
  });
});
