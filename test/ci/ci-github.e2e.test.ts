/**
 * Issue acceptance: a GitHub Actions job faked on this machine (runner files, RUNNER_TEMP,
 * GITHUB_* run variables), driving the compiled `beacon ci start`, then the REAL `codex exec` the
 * way openai/codex-action runs it (its config edit on codex-home, its originator override, the
 * env the start step exported to $GITHUB_ENV), then `beacon ci finish`.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runBeacon, type CliResult } from '../support/beacon-cli';
import { startFakeResponsesApi, type FakeResponsesApi } from '../support/fake-responses-api';
import { cleanupCodexTemp, defaultSandboxMode, makeWorkspace, runCodexExec, standardScenario, STANDARD_FILE, STANDARD_TOKEN_TOTALS, type CodexRunResult } from '../support/codex-runner';
import { applyCodexActionProxyConfig, FAKE_RUN, makeFakeJob, parseGithubFile, type FakeJob } from './helpers';
import { isProcessAlive } from '../../electron/ci/collector-stop';
import type { CiState } from '../../electron/ci/ci-state';
import type { BeaconEvent } from '../../electron/shared/event';

const SECRET = 'ghp_' + 'Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2';

describe('ci start -> openai/codex-action-style codex exec -> ci finish', () => {
  let job: FakeJob;
  let model: FakeResponsesApi;
  let start: CliResult;
  let finish: CliResult;
  let codex: CodexRunResult;
  let outputs: Record<string, string>;
  let exported: Record<string, string>;
  let state: CiState;
  let workspace: string;
  let events: BeaconEvent[];
  let summaryMd: string;
  let summaryJson: { status: string; exit_code: number; summary: { tokens: Record<string, number>; sessions: number; prompts: number; commands: { total: number; failed: number }; files: { path: string }[] } };

  beforeAll(async () => {
    job = makeFakeJob();
    const scenario = standardScenario(SECRET);
    model = await startFakeResponsesApi(scenario.turns);

    start = await runBeacon(['ci', 'start', '--harness', 'codex'], { env: job.env });
    outputs = parseGithubFile(job.files.output);
    exported = parseGithubFile(job.files.env);
    state = JSON.parse(readFileSync(outputs['state-path'], 'utf8')) as CiState;

    applyCodexActionProxyConfig(outputs['codex-home'], model.url);
    workspace = await makeWorkspace();
    codex = await runCodexExec({
      codexHome: outputs['codex-home'],
      cwd: workspace,
      prompt: scenario.prompt,
      // codex-action passes --model and --sandbox on the command line; gpt-5.5 has apply_patch.
      args: ['--model', 'gpt-5.5', '--sandbox', defaultSandboxMode()],
      env: { ...exported, CODEX_INTERNAL_ORIGINATOR_OVERRIDE: 'codex_github_action' },
      timeoutMs: 90_000,
    });

    finish = await runBeacon(['ci', 'finish', '--min-events', '5'], { env: { ...job.env, ...exported }, timeoutMs: 60_000 });
    events = readFileSync(outputs['log-path'], 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as BeaconEvent);
    summaryMd = readFileSync(job.files.summary, 'utf8');
    summaryJson = JSON.parse(readFileSync(join(state.run_dir, 'summary.json'), 'utf8'));
  }, 180_000);

  afterAll(async () => {
    if (state?.pid && isProcessAlive(state.pid)) process.kill(state.pid, 'SIGKILL');
    await model?.close();
    await cleanupCodexTemp();
    if (job) rmSync(job.dir, { recursive: true, force: true });
  });

  it('ci start succeeds and publishes codex-home, log-path and state-path as step outputs', () => {
    expect(start.code, start.stderr).toBe(0);
    expect(outputs['codex-home']).toBe(join(job.runnerTemp, 'beacon', 'codex-home'));
    expect(outputs['log-path'].startsWith(join(job.runnerTemp, 'beacon'))).toBe(true);
    expect(outputs['state-path']).toBe(join(job.runnerTemp, 'beacon', 'state.json'));
    expect(state.pid).toBeGreaterThan(0);
    expect(state.port).toBeGreaterThan(0);
    expect(state.run).toMatchObject({ repository: FAKE_RUN.GITHUB_REPOSITORY, pr: '42', run_id: FAKE_RUN.GITHUB_RUN_ID });
  });

  it('exports CODEX_HOME, BEACON_CI_* and the run context to $GITHUB_ENV for the agent step', () => {
    expect(exported.CODEX_HOME).toBe(outputs['codex-home']);
    expect(exported.BEACON_CI_STATE_PATH).toBe(outputs['state-path']);
    expect(exported.BEACON_CI_LOG_PATH).toBe(outputs['log-path']);
    const attrs = exported.OTEL_RESOURCE_ATTRIBUTES.split(',');
    expect(attrs).toContain('beacon.origin=ci');
    expect(attrs).toContain('beacon.run.pr=42');
    // the workflow name has a comma and a space: percent-encoded, or it would split the list
    expect(attrs).toContain('beacon.run.workflow=Codex%20review%2C%20nightly');
  });

  it('codex ran the whole scenario with the config codex-action wrote on top of ours', () => {
    expect(codex.code, codex.stderr).toBe(0);
    expect(readFileSync(join(outputs['codex-home'], 'config.toml'), 'utf8')).toMatch(/^model_provider = "codex-action-responses-proxy"\n/);
    expect(readFileSync(join(workspace, STANDARD_FILE.path), 'utf8')).toBe(STANDARD_FILE.content);
  });

  it('the events carry the GitHub run context, origin ci and the codex-action originator', () => {
    const session = events.find((e) => e.event.action === 'session.started');
    expect(session).toBeDefined();
    for (const ev of events) {
      expect(ev.origin).toBe('ci');
      expect(ev.run).toMatchObject({ repository: 'octo-org/beacon-demo', pr: '42', pr_number: 42, workflow: 'Codex review, nightly', run_id: '9876543210', run_attempt: 2, job: 'review', commit: FAKE_RUN.GITHUB_SHA, event_name: 'pull_request', provider: 'github_actions' });
      expect(ev.harness.originator).toBe('codex_github_action');
    }
    const actions = events.map((e) => e.event.action);
    expect(actions.filter((a) => a === 'prompt.submitted')).toHaveLength(1);
    expect(actions.filter((a) => a === 'command.executed')).toHaveLength(2);
    expect(events.find((e) => e.event.action === 'file.modified')?.file?.path).toContain(STANDARD_FILE.path);
    expect(readFileSync(outputs['log-path'], 'utf8')).not.toContain(SECRET);
  });

  it('ci finish exits 0 and writes the token totals, disjoint, to the step summary', () => {
    expect(finish.code, finish.stdout + finish.stderr).toBe(0);
    expect(finish.stdout).toContain('Beacon CI validation: ok');
    const t = STANDARD_TOKEN_TOTALS;
    // Codex counts cached inside input and reasoning inside output; Beacon shows each token once.
    // The last column is what Codex prints as "tokens used": its input - cached + its output.
    const row = [t.input_tokens - t.cached_tokens, t.cached_tokens, t.output_tokens - t.reasoning_tokens, t.reasoning_tokens, t.total_tokens, t.input_tokens - t.cached_tokens + t.output_tokens].map((x) => x.toLocaleString('en-US'));
    expect(row).toEqual(['3,300', '2,200', '160', '100', '5,760', '3,560']);
    expect(summaryMd).toContain('| Input (not cached) | Cached input | Output (excl. reasoning) | Reasoning | Total (incl. cached) | Codex “tokens used” (total − cached) |');
    expect(summaryMd).toContain(`| ${row.join(' | ')} |`);
    expect(summaryMd).toContain('Telemetry OK');
    expect(summaryMd).toContain('octo-org/beacon-demo');
    expect(summaryMd).toContain('PR #42');
  });

  it('the step summary lists sessions, prompts, commands with the failed one, and the file changed', () => {
    expect(summaryMd).toMatch(/\| Sessions \| 1 \|/);
    expect(summaryMd).toMatch(/\| Prompts \| 1 \|/);
    expect(summaryMd).toMatch(/\| Commands run \| 2 \|/);
    expect(summaryMd).toMatch(/\| Commands failed \| 1 \|/);
    expect(summaryMd).toContain('`ls /nonexistent-beacon-path`');
    expect(summaryMd).toContain(STANDARD_FILE.path);
  });

  it('summary.json holds the same numbers for machines', () => {
    expect(summaryJson.status).toBe('ok');
    expect(summaryJson.exit_code).toBe(0);
    expect(summaryJson.summary.tokens).toMatchObject({ input_tokens: 3300, cached_input_tokens: 2200, output_tokens: 160, reasoning_output_tokens: 100, total_tokens: 5760 });
    expect(summaryJson.summary.commands).toMatchObject({ total: 2, failed: 1 });
    expect(summaryJson.summary.sessions).toBe(1);
  });

  it('finish publishes the summary path and the collector is gone afterwards', () => {
    const after = parseGithubFile(job.files.output);
    expect(after['summary-path']).toBe(join(state.run_dir, 'summary.json'));
    expect(after['log-path']).toBe(outputs['log-path']);
    expect(isProcessAlive(state.pid)).toBe(false);
    expect(readFileSync(join(state.run_dir, 'collector.out'), 'utf8')).toContain('flushing and stopping');
  });
});
