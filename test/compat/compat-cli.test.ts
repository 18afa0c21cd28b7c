/**
 * `npm run compat` itself, without downloading anything: its arguments fail with one clear line
 * and exit 2, `--help` says what it does, and the release dates it prints are honest upper bounds
 * even though npm re-stamps old releases when they are re-published.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareVersions, DEFAULT_RELEASES, noLaterThan } from '../../compat/releases';
import { REPO_ROOT, requireBuiltCli } from '../support/beacon-cli';

const COMPAT = join(REPO_ROOT, 'out', 'compat', 'index.js');
const compat = (args: string[]) => spawnSync(process.execPath, [COMPAT, ...args], { encoding: 'utf8', timeout: 20_000 });

describe('npm run compat', () => {
  it('--help names every option and the default releases', () => {
    requireBuiltCli();
    const r = compat(['--help']);
    expect(r.status).toBe(0);
    for (const opt of ['--releases', '--cache', '--block', '--features', '--tools', '--json']) expect(r.stdout).toContain(opt);
    expect(r.stdout).toContain(DEFAULT_RELEASES.join(','));
  });

  it.each([
    [['--releases', '0.50'], 'not a Codex release version: "0.50"'],
    [['--block', 'old'], '--block must be current or pre-headers, got "old"'],
    [['--tools', 'all'], '--tools must be offered or standard, got "all"'],
    [['--frobnicate'], 'unknown argument: --frobnicate'],
  ])('%j fails with one line and exit 2, before installing anything', (args, message) => {
    const r = compat(args);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringContaining(message)]);
    expect(r.stdout).toBe('');
  });

  it('the default list spans 0.44 (first with otlp-http) to the newest, at least 8 releases, in order', () => {
    expect(DEFAULT_RELEASES.length).toBeGreaterThanOrEqual(8);
    expect([...DEFAULT_RELEASES].sort(compareVersions)).toEqual(DEFAULT_RELEASES);
    expect(DEFAULT_RELEASES).toContain('0.44.0');
    expect(DEFAULT_RELEASES).toContain('0.50.0');
  });

  it('dates: a re-published old release gets the earliest stamp of itself or any later release', () => {
    const times = { '0.50.0': '2026-07-19T13:27:48Z', '0.58.0': '2026-03-25T13:45:53Z', '0.77.0': '2026-01-15T19:17:34Z', '0.101.0': '2026-02-25T03:50:35Z', '0.101.0-linux-x64': '2025-01-01T00:00:00Z', created: '2025-01-01T00:00:00Z' };
    const d = noLaterThan(times, ['0.50.0', '0.101.0', '0.200.0']);
    expect(d.get('0.50.0')).toBe('2026-01-15');
    expect(d.get('0.101.0')).toBe('2026-02-25'); // platform builds and npm's own keys do not count
    expect(d.has('0.200.0')).toBe(false);
  });
});
