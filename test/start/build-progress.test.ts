/**
 * The build `npm start` runs before anything else: each step named as it starts and timed when
 * it ends, its own output (tsc's errors) shown as is, and a failed step stops everything with
 * its exit code. Run on a copy of the start scripts in a small project of its own, whose build
 * steps are quick commands: building the real repo here would rewrite the out/ that other
 * suites are running from.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../support/beacon-cli';
import { scrubbedEnv } from '../support/test-env';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function project(scripts: Record<string, string>): string {
  dir = mkdtempSync(join(tmpdir(), 'beacon-start-build-'));
  mkdirSync(join(dir, 'scripts'));
  for (const f of readdirSync(join(REPO_ROOT, 'scripts')).filter((n) => /^start.*\.mjs$/.test(n))) copyFileSync(join(REPO_ROOT, 'scripts', f), join(dir, 'scripts', f));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'fixture', version: '1.0.0', private: true, scripts }));
  return join(dir, 'scripts', 'start.mjs');
}

describe('npm start builds first, and shows it', () => {
  it('names each step as it starts, times it, shows a failing step\'s errors, and starts nothing after it', () => {
    const start = project({
      build: 'npm run build:one && npm run build:two && npm run build:three',
      'build:one': `node -e "setTimeout(() => console.log('one: compiled'), 200)"`,
      'build:two': `node -e "console.log('src/x.ts(1,7): error TS2322: Type number is not assignable to type string.'); process.exit(2)"`,
      'build:three': `node -e "console.log('three ran')"`,
    });
    const r = spawnSync(process.execPath, [start], { cwd: dir, env: { ...scrubbedEnv(), HOME: dir }, encoding: 'utf8', timeout: 30_000 });
    const lines = r.stdout.split('\n');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    expect(r.status).toBe(2);
    expect(at(/^beacon: building \(3 steps/)).toBe(0);
    const startOne = at(/^beacon: \[1\/3\] build:one: node -e/);
    const outOne = at(/^one: compiled$/);
    const doneOne = at(/^beacon: \[1\/3\] build:one done in \d+\.\d s$/);
    const startTwo = at(/^beacon: \[2\/3\] build:two: node -e/);
    const errTwo = at(/^src\/x\.ts\(1,7\): error TS2322/);
    const failTwo = at(/^beacon: \[2\/3\] build:two FAILED \(exit 2\) after \d+\.\d s; its errors are above\. Nothing was started\.$/);
    expect([startOne, outOne, doneOne, startTwo, errTwo, failTwo].every((i) => i > 0)).toBe(true);
    expect(startOne < outOne && outOne < doneOne && doneOne < startTwo && startTwo < errTwo && errTwo < failTwo).toBe(true);
    expect(r.stdout).not.toMatch(/three ran|build:three|collector|HEADLESS/);
  });

  it('--no-build without a build says what to run, instead of a stack trace', () => {
    const start = project({ build: 'npm run build:one', 'build:one': 'true' });
    const r = spawnSync(process.execPath, [start, '--no-build'], { cwd: dir, env: { ...scrubbedEnv(), HOME: dir }, encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^beacon: \S+out\/electron\/cli\/index\.js is not built; run npm start without --no-build \(or npm run build\)\n$/);
  });
});
