/**
 * `beacon ci finish` and detections: a faked GitHub job runs `ci start`, the REAL `codex exec`
 * force-pushes and adds a workflow, then `ci finish --fail-on high` fails the step (exit 4)
 * with the findings in the step summary and summary.json; without --fail-on it lists them and
 * passes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runBeacon, type CliResult } from '../support/beacon-cli';
import { startFakeResponsesApi, type FakeResponsesApi } from '../support/fake-responses-api';
import { cleanupCodexTemp, defaultSandboxMode, makeWorkspace, runCodexExec } from '../support/codex-runner';
import { applyCodexActionProxyConfig, makeFakeJob, parseGithubFile, type FakeJob } from './helpers';
import { isProcessAlive } from '../../electron/ci/collector-stop';
import type { CiState } from '../../electron/ci/ci-state';

describe('ci finish with findings', () => {
  let job: FakeJob;
  let model: FakeResponsesApi;
  let state: CiState;
  let failing: CliResult;
  let lenient: CliResult;
  let summaryMd: string;
  let summaryJson: { exit_code: number; findings: Array<{ rule_id: string }> };

  beforeAll(async () => {
    job = makeFakeJob();
    model = await startFakeResponsesApi([
      { kind: 'function_call', name: 'exec_command', arguments: { cmd: 'git push --force nowhere main' }, callId: 'call_push' },
      { kind: 'custom_tool_call', name: 'apply_patch', input: '*** Begin Patch\n*** Add File: .github/workflows/ci.yml\n+on: push\n*** End Patch', callId: 'call_wf' },
      { kind: 'message', text: 'pushed' },
    ]);
    const start = await runBeacon(['ci', 'start'], { env: job.env });
    expect(start.code, start.stderr).toBe(0);
    const outputs = parseGithubFile(job.files.output);
    const exported = parseGithubFile(job.files.env);
    state = JSON.parse(readFileSync(outputs['state-path'], 'utf8')) as CiState;
    applyCodexActionProxyConfig(outputs['codex-home'], model.url);
    const codex = await runCodexExec({ codexHome: outputs['codex-home'], cwd: await makeWorkspace(), prompt: 'push it', args: ['--model', 'gpt-5.5', '--sandbox', defaultSandboxMode()], env: exported, timeoutMs: 90_000 });
    expect(codex.code, codex.stderr).toBe(0);
    failing = await runBeacon(['ci', 'finish', '--fail-on', 'high'], { env: { ...job.env, ...exported }, timeoutMs: 60_000 });
    summaryMd = readFileSync(job.files.summary, 'utf8');
    summaryJson = JSON.parse(readFileSync(join(state.run_dir, 'summary.json'), 'utf8'));
    lenient = await runBeacon(['ci', 'finish', '--json'], { env: { ...job.env, ...exported }, timeoutMs: 60_000 });
  }, 180_000);

  afterAll(async () => {
    if (state?.pid && isProcessAlive(state.pid)) process.kill(state.pid, 'SIGKILL');
    await model?.close();
    await cleanupCodexTemp();
    if (job) rmSync(job.dir, { recursive: true, force: true });
  });

  it('--fail-on high fails the step with exit 4, naming the finding', () => {
    expect(failing.code, failing.stderr).toBe(4);
    expect(failing.stdout).toMatch(/^::error::Beacon CI findings: .*high finding/m);
    expect(failing.stdout).toContain('git-force-push');
    expect(failing.stdout).toContain('ci-workflow-modified');
  });

  it('the step summary lists the findings with severity, rule and mapping', () => {
    expect(summaryMd).toContain('### Findings');
    expect(summaryMd).toMatch(/\| 🟧 high \| `git-force-push` \| Git force-push \| `[0-9a-f-]+` \| T1565\.001/);
    expect(summaryMd).toContain('`ci-workflow-modified`');
    expect(summaryMd).toContain('at or above high');
    expect(summaryJson.exit_code).toBe(4);
    expect(summaryJson.findings.map((f) => f.rule_id).sort()).toEqual(['ci-workflow-modified', 'git-force-push']);
  });

  it('without --fail-on the findings are listed and the step passes', () => {
    expect(lenient.code, lenient.stderr).toBe(0);
    const r = JSON.parse(lenient.stdout);
    expect(r.status).toBe('ok');
    expect(r.findings.map((f: { rule_id: string }) => f.rule_id).sort()).toEqual(['ci-workflow-modified', 'git-force-push']);
  });
});
