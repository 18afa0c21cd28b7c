/**
 * What every test that runs the CLI, a collector, Codex or a browser needs: a free loopback port
 * (never 4318 or 8765, which a running Beacon or `npm start` may hold) and an environment that
 * carries nothing from the developer's shell (no HOME, CODEX_HOME, BEACON_HOME, OTEL_*, proxy or
 * GitHub variables) beyond what a process needs to run. A test that spreads process.env into a
 * child instead would hand it the user's real Beacon install: `scripts/test-coexist.mjs` checks
 * that none does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export { pickFreePort as freePort } from '../../electron/endpoint/free-port';

export function scrubbedEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const k of ['PATH', 'LANG', 'TZ', 'TMPDIR']) if (process.env[k] !== undefined) env[k] = process.env[k];
  return env;
}

let sharedHome: string | undefined;

/**
 * scrubbedEnv() plus a HOME of its own (one empty temporary dir per test process, removed at
 * exit), for children whose home the test does not look at: so even they never read or write
 * the user's ~/.beacon or ~/.codex.
 */
export function isolatedEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  if (!sharedHome) {
    const dir = mkdtempSync(join(tmpdir(), 'beacon-test-home-'));
    sharedHome = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return { ...scrubbedEnv(), HOME: sharedHome, ...extra };
}

/** The environment for a test browser: its profile dir is its HOME (Chromium writes crash-report and dconf state under HOME even with a profile). */
export function browserEnv(profile: string): Record<string, string> {
  return { ...(scrubbedEnv() as Record<string, string>), HOME: profile };
}
