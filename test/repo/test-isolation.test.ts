/**
 * A cheap tripwire for what `npm run test:coexist` proves with real processes: no test hands its
 * own environment to a child. `{ ...process.env, HOME: dir }` looks isolated but carries an
 * exported BEACON_HOME or CODEX_HOME along, and one such test ran `endpoint uninstall` against
 * the developer's real Beacon install. Children get scrubbedEnv() or isolatedEnv()
 * (test/support/test-env.ts) plus their own homes.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const TEST_DIR = join(__dirname, '..');

/** Files that may pass process.env on, and why. */
const ALLOWED: Record<string, string> = {
  // Electron needs DISPLAY and the like from the session; the test overrides every home.
  'electron-smoke/app.smoke.test.ts': 'HOME, CODEX_HOME and BEACON_HOME are set to the test dir',
};

function testFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (name === 'fixtures' || name === 'node_modules') return [];
    if (statSync(p).isDirectory()) return testFiles(p);
    return /\.ts$/.test(name) ? [p] : [];
  });
}

describe('test isolation', () => {
  it("no test passes its own process.env to a child (it would carry the user's Beacon and Codex homes)", () => {
    const leaks: string[] = [];
    for (const file of testFiles(TEST_DIR)) {
      const rel = relative(TEST_DIR, file);
      if (rel === 'repo/test-isolation.test.ts' || ALLOWED[rel]) continue;
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/\.\.\.\s*process\.env\b(?!\.)|env:\s*process\.env\b(?!\.)|\?\?\s*process\.env\b(?!\.)|=\s*process\.env\s*[,)]/.test(line)) leaks.push(`test/${rel}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(leaks, 'use scrubbedEnv() or isolatedEnv() from test/support/test-env.ts, with the test\'s own HOME').toEqual([]);
  });
});
