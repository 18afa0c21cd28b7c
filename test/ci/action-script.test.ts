/**
 * action.yml's composite step, run as the runner runs it: its `run:` script under bash with the
 * inputs in the environment and GITHUB_ACTION_PATH at the repository root (the bundle path).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { makeFakeJob, parseGithubFile, type FakeJob } from './helpers';
import { isProcessAlive } from '../../electron/ci/collector-stop';

const REPO_ROOT = resolve(__dirname, '../..');

/** The `run: |` block of the step with `id: beacon`, de-indented (no YAML library needed for one block). */
function actionScript(): string {
  const lines = readFileSync(join(REPO_ROOT, 'action.yml'), 'utf8').split('\n');
  const stepAt = lines.findIndex((l) => /^\s+- id: beacon\s*$/.test(l));
  const runAt = lines.findIndex((l, i) => i > stepAt && /^\s+run: \|\s*$/.test(l));
  if (stepAt < 0 || runAt < 0) throw new Error('action.yml: no `id: beacon` step with a `run: |` block');
  const indent = /^(\s*)/.exec(lines[runAt + 1])![1].length;
  const body: string[] = [];
  for (let i = runAt + 1; i < lines.length; i++) {
    const l = lines[i];
    if (l.trim() !== '' && /^(\s*)/.exec(l)![1].length < indent) break;
    body.push(l.slice(indent));
  }
  return body.join('\n');
}

function runStep(env: NodeJS.ProcessEnv, inputs: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  const full = { BEACON_HARNESS: 'codex', BEACON_MIN_EVENTS: '1', BEACON_REQUIRE_TELEMETRY: 'true', BEACON_COMMAND: '', ...env, GITHUB_ACTION_PATH: REPO_ROOT, ...inputs };
  return new Promise((res) => {
    execFile('bash', ['-e', '-c', actionScript()], { env: full, timeout: 60_000 }, (err, stdout, stderr) => {
      res({ code: err ? Number((err as NodeJS.ErrnoException).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('action.yml composite step', () => {
  const jobs: FakeJob[] = [];
  afterAll(() => {
    for (const j of jobs) rmSync(j.dir, { recursive: true, force: true });
  });

  it('start then finish: outputs for later steps, files for the artifact upload, collector stopped', async () => {
    const j = makeFakeJob();
    jobs.push(j);
    const start = await runStep(j.env, { BEACON_MODE: 'start' });
    expect(start.code, start.stderr).toBe(0);
    const out = parseGithubFile(j.files.output);
    expect(existsSync(join(out['codex-home'], 'config.toml'))).toBe(true);
    const state = JSON.parse(readFileSync(out['state-path'], 'utf8')) as { pid: number };
    expect(isProcessAlive(state.pid)).toBe(true);

    const finish = await runStep({ ...j.env, ...parseGithubFile(j.files.env) }, { BEACON_MODE: 'finish', BEACON_REQUIRE_TELEMETRY: 'false' });
    expect(finish.code, finish.stderr).toBe(0);
    expect(finish.stdout).toContain('::warning::');
    const after = parseGithubFile(j.files.output);
    // what the upload-artifact step's `path:` lists
    expect(existsSync(join(after['run-dir'], 'logs', 'runtime.jsonl'))).toBe(true);
    expect(existsSync(join(after['run-dir'], 'summary.json'))).toBe(true);
    expect(existsSync(join(after['run-dir'], 'summary.md'))).toBe(true);
    expect(isProcessAlive(state.pid)).toBe(false);
  });

  it('finish fails the step (exit 1) when telemetry is required and missing', async () => {
    const j = makeFakeJob();
    jobs.push(j);
    expect((await runStep(j.env, { BEACON_MODE: 'start' })).code).toBe(0);
    const finish = await runStep(j.env, { BEACON_MODE: 'finish' });
    expect(finish.code).toBe(1);
    expect(finish.stdout).toContain('::error::');
  });

  it('exec runs the command input under bash inside the capture', async () => {
    const j = makeFakeJob();
    jobs.push(j);
    const r = await runStep(j.env, { BEACON_MODE: 'exec', BEACON_COMMAND: 'test -f "$CODEX_HOME/config.toml" && exit 5', BEACON_REQUIRE_TELEMETRY: 'false' });
    expect(r.code).toBe(5);
  });

  it('rejects exec without a command and an unknown mode with exit 2 and an error annotation', async () => {
    const j = makeFakeJob();
    jobs.push(j);
    const noCommand = await runStep(j.env, { BEACON_MODE: 'exec' });
    expect(noCommand.code).toBe(2);
    expect(noCommand.stdout).toContain("::error::mode exec needs the 'command' input");
    const bad = await runStep(j.env, { BEACON_MODE: 'begin' });
    expect(bad.code).toBe(2);
    expect(bad.stdout).toContain("::error::unknown mode 'begin'");
  });
});
