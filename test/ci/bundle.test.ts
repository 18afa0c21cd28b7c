/**
 * The GitHub Action runs the checked-in single-file CLI (action/dist/beacon.cjs). It must be the
 * build of the current sources, and it must work on its own: copied to a directory with no
 * node_modules, as on a fresh runner, including the detached collector that `ci start` spawns.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { makeFakeJob, parseGithubFile, type FakeJob } from './helpers';
import { isolatedEnv } from '../support/test-env';
import { isProcessAlive } from '../../electron/ci/collector-stop';
import type { CiState } from '../../electron/ci/ci-state';

const REPO_ROOT = resolve(__dirname, '../..');
const BUNDLE = join(REPO_ROOT, 'action/dist/beacon.cjs');

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(cmd, args, { cwd: opts.cwd, env: opts.env ?? isolatedEnv(), timeout: 60_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 1) : 0;
      res({ code, stdout, stderr });
    });
  });
}

describe('action/dist/beacon.cjs', () => {
  const cleanup: string[] = [];
  const pids: number[] = [];
  afterAll(() => {
    for (const pid of pids) if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
    for (const d of cleanup) rmSync(d, { recursive: true, force: true });
  });

  it('is byte-identical to a fresh build of the sources (run `node action/build.mjs` after changing them)', async () => {
    const r = await run(process.execPath, [join(REPO_ROOT, 'action/build.mjs'), '--check'], { cwd: REPO_ROOT });
    expect(r.code, r.stderr).toBe(0);
  });

  it('carries no absolute path of the machine that built it', () => {
    const text = readFileSync(BUNDLE, 'utf8');
    expect(text).not.toContain(REPO_ROOT);
    expect(text.startsWith('#!/usr/bin/env node\n')).toBe(true);
  });

  it('runs --help, --version and ci start/finish from a directory without node_modules', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beacon-bundle-'));
    cleanup.push(dir);
    const copy = join(dir, 'beacon.cjs');
    copyFileSync(BUNDLE, copy);
    expect(existsSync(join(dir, 'node_modules'))).toBe(false);

    const help = await run(process.execPath, [copy, '--help'], { cwd: dir });
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: beacon');
    expect(help.stdout).toContain('ci');
    const version = await run(process.execPath, [copy, '--version'], { cwd: dir });
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).version);

    const job: FakeJob = makeFakeJob('beacon-bundle-job-');
    cleanup.push(job.dir);
    const start = await run(process.execPath, [copy, 'ci', 'start', '--json'], { cwd: dir, env: job.env });
    expect(start.code, start.stderr).toBe(0);
    const state = JSON.parse(start.stdout).state as CiState;
    pids.push(state.pid);
    expect(parseGithubFile(job.files.output)['codex-home']).toBe(state.codex_home);
    // the detached collector is the bundle itself, not some out/ build of the repository
    const cmdline = readFileSync(`/proc/${state.pid}/cmdline`, 'utf8').split('\0');
    expect(cmdline).toContain(copy);
    expect(cmdline).toContain('endpoint');
    // and GitHub's step-end reaper would not find the step's tracking id on it
    expect(readFileSync(`/proc/${state.pid}/environ`, 'utf8')).not.toContain('RUNNER_TRACKING_ID');

    const finish = await run(process.execPath, [copy, 'ci', 'finish', '--require-telemetry=false'], { cwd: dir, env: job.env });
    expect(finish.code, finish.stderr).toBe(0);
    expect(finish.stdout).toContain('::warning::');
    expect(isProcessAlive(state.pid)).toBe(false);
  });
});

describe('beacon ci exec', () => {
  const jobs: FakeJob[] = [];
  afterAll(() => {
    for (const j of jobs) rmSync(j.dir, { recursive: true, force: true });
  });
  const CLI = join(REPO_ROOT, 'out/electron/cli/index.js');

  it("returns the command's exit code when it failed, and gives the command the session env", async () => {
    const j = makeFakeJob();
    jobs.push(j);
    const script = 'require("fs").writeFileSync(process.env.BEACON_CI_RUN_DIR + "/seen.json", JSON.stringify({ home: process.env.CODEX_HOME, attrs: process.env.OTEL_RESOURCE_ATTRIBUTES })); process.exit(7)';
    const r = await run(process.execPath, [CLI, 'ci', 'exec', '--require-telemetry=false', '--', process.execPath, '-e', script], { env: j.env });
    expect(r.code).toBe(7);
    const seen = JSON.parse(readFileSync(join(j.runnerTemp, 'beacon', 'seen.json'), 'utf8'));
    expect(seen.home).toBe(join(j.runnerTemp, 'beacon', 'codex-home'));
    expect(seen.attrs).toContain('beacon.run.pr=42');
    // exec keeps its environment to the command: later steps must not get a dead collector's CODEX_HOME
    expect(readFileSync(j.files.env, 'utf8')).toBe('');
    const state = JSON.parse(readFileSync(join(j.runnerTemp, 'beacon', 'state.json'), 'utf8')) as CiState;
    expect(isProcessAlive(state.pid)).toBe(false);
  });

  it('a successful command without telemetry fails with 1, or 0 when telemetry is not required', async () => {
    const j = makeFakeJob();
    jobs.push(j);
    const strict = await run(process.execPath, [CLI, 'ci', 'exec', '--', process.execPath, '-e', '0'], { env: j.env });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('Beacon CI telemetry validation failed');
    const lenient = await run(process.execPath, [CLI, 'ci', 'exec', '--require-telemetry=false', '--', process.execPath, '-e', '0'], { env: j.env });
    expect(lenient.code).toBe(0);
  });
});
