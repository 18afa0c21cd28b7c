/**
 * A fake GitHub Actions job for `beacon ci` tests: the runner's files ($GITHUB_ENV, $GITHUB_OUTPUT,
 * $GITHUB_STEP_SUMMARY) in a temp dir, RUNNER_TEMP, and the run's GITHUB_* variables. The env
 * is built from scratch (never the test process's own, which may be a real CI's).
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeJob {
  dir: string;
  runnerTemp: string;
  files: { env: string; output: string; summary: string };
  env: NodeJS.ProcessEnv;
}

export const FAKE_RUN = {
  GITHUB_WORKFLOW: 'Codex review, nightly',
  GITHUB_JOB: 'review',
  GITHUB_RUN_ID: '9876543210',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_REPOSITORY: 'octo-org/beacon-demo',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_REF: 'refs/pull/42/merge',
  GITHUB_EVENT_NAME: 'pull_request',
} as const;

export function makeFakeJob(prefix = 'beacon-ci-job-'): FakeJob {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const runnerTemp = join(dir, 'runner-temp');
  mkdirSync(runnerTemp);
  const files = { env: join(dir, 'github_env'), output: join(dir, 'github_output'), summary: join(dir, 'step_summary') };
  for (const f of Object.values(files)) writeFileSync(f, '');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    TMPDIR: process.env.TMPDIR,
    LANG: process.env.LANG,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    RUNNER_TEMP: runnerTemp,
    RUNNER_TRACKING_ID: 'github_fake_tracking_id',
    GITHUB_ENV: files.env,
    GITHUB_OUTPUT: files.output,
    GITHUB_STEP_SUMMARY: files.summary,
    ...FAKE_RUN,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return { dir, runnerTemp, files, env };
}

/** Parse a $GITHUB_ENV / $GITHUB_OUTPUT file as the runner does (both `k=v` and `k<<DELIM` forms); later entries win. */
export function parseGithubFile(path: string): Record<string, string> {
  const lines = readFileSync(path, 'utf8').split('\n');
  const out: Record<string, string> = {};
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]);
      if (i >= lines.length) throw new Error(`unterminated ${heredoc[1]}<<${heredoc[2]} in ${path}`);
      out[heredoc[1]] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq < 1) throw new Error(`malformed line in ${path}: ${line}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

/**
 * What openai/codex-action's write-proxy-config does to `<codex-home>/config.toml` (research
 * codex-otel.md section 5): PREPEND a top-level model_provider, APPEND its provider table, no
 * merge. The retry limits are ours, so a broken fake fails fast instead of backing off.
 */
export function applyCodexActionProxyConfig(codexHome: string, baseUrl: string): void {
  const path = join(codexHome, 'config.toml');
  const existing = readFileSync(path, 'utf8');
  const prepended = 'model_provider = "codex-action-responses-proxy"\n';
  const appended = [
    '',
    '[model_providers.codex-action-responses-proxy]',
    'name = "Codex Action Responses Proxy"',
    `base_url = ${JSON.stringify(baseUrl)}`,
    'wire_api = "responses"',
    'request_max_retries = 0',
    'stream_max_retries = 0',
    '',
  ].join('\n');
  writeFileSync(path, prepended + existing + appended);
}
