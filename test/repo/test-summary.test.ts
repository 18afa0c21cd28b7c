/**
 * The last line of `npm test` carries vitest's own numbers. Checked against a real vitest run
 * on a small project with one test of each outcome and a file that cannot load, comparing our
 * line with the summary vitest itself prints.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from '../support/beacon-cli';
import { scrubbedEnv } from '../support/test-env';

const dir = mkdtempSync(join(tmpdir(), 'beacon-test-summary-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function vitestOn(files: Record<string, string>): { printed: string; report: Record<string, unknown>; status: number | null } {
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'vitest.config.mjs'), 'export default { test: { globals: true, include: ["*.test.js"] } };\n');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--reporter=default', '--reporter=json', '--outputFile.json=report.json'], {
    cwd: dir,
    env: { ...scrubbedEnv(), HOME: dir, NO_COLOR: '1', CI: '1' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { printed: r.stdout + r.stderr, report: JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')), status: r.status };
}

/** "1 failed | 2 passed | 1 skipped | 1 todo (5)" -> { failed: 1, passed: 2, ... } */
function vitestCounts(printed: string, title: 'Tests' | 'Test Files'): Record<string, number> {
  const line = new RegExp(`^\\s*${title}\\s+(.+)$`, 'm').exec(printed.replace(/\x1b\[[0-9;]*m/g, ''));
  if (!line) throw new Error(`no "${title}" line in vitest's output:\n${printed}`);
  const out: Record<string, number> = { failed: 0, passed: 0, skipped: 0, todo: 0 };
  for (const m of line[1].matchAll(/(\d+) (failed|passed|skipped|todo)/g)) out[m[2]] = Number(m[1]);
  out.total = Number(/\((\d+)\)/.exec(line[1])![1]);
  return out;
}

describe("npm test's count line", () => {
  it('says what vitest says: tests passed, failed, skipped, todo, and failed test files apart', async () => {
    const { summarize } = (await import(pathToFileURL(join(REPO_ROOT, 'scripts/test-summary.mjs')).href)) as {
      summarize(r: unknown): { line: string; ok: boolean; failedFiles: number; tests: Record<string, number> };
    };
    const run = vitestOn({
      'mixed.test.js': "describe('a group', () => {\n  it('passes', () => {});\n  it('fails', () => { throw new Error('boom'); });\n  it.skip('is skipped', () => {});\n  it.todo('is todo');\n});\n",
      'broken.test.js': "import './no-such-module.js';\nit('never runs', () => {});\n",
      'fine.test.js': "it('passes too', () => {});\n",
    });
    expect(run.status).not.toBe(0);
    const tests = vitestCounts(run.printed, 'Tests');
    const files = vitestCounts(run.printed, 'Test Files');
    expect(tests).toEqual({ failed: 1, passed: 2, skipped: 1, todo: 1, total: 5 });
    expect(files).toMatchObject({ failed: 2, passed: 1, total: 3 });

    const s = summarize(run.report);
    expect(s.tests).toEqual(tests);
    expect(s.failedFiles).toBe(files.failed);
    expect(s.line).toBe('2 passed, 1 failed, 1 skipped, 1 todo (5 tests); 2 of 3 test files failed');
    expect(s.ok).toBe(false);
  });
});
