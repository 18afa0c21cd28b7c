/**
 * What a workflow sees when things go wrong, through the compiled CLI: no events, telemetry not
 * required, a second `ci start` in the same job, an unusable --state, a corrupt log.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runBeacon } from '../support/beacon-cli';
import { applyCodexActionProxyConfig, makeFakeJob, parseGithubFile, type FakeJob } from './helpers';
import { isProcessAlive } from '../../electron/ci/collector-stop';
import type { CiState } from '../../electron/ci/ci-state';

const jobs: FakeJob[] = [];
const pids: number[] = [];

function job(): FakeJob {
  const j = makeFakeJob();
  jobs.push(j);
  return j;
}

async function start(j: FakeJob): Promise<{ code: number; state: CiState; stdout: string; stderr: string }> {
  const r = await runBeacon(['ci', 'start', '--json'], { env: j.env });
  const state = JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}').state as CiState;
  if (state?.pid) pids.push(state.pid);
  return { code: r.code, state, stdout: r.stdout, stderr: r.stderr };
}

afterEach(() => {
  for (const pid of pids.splice(0)) if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
  for (const j of jobs.splice(0)) rmSync(j.dir, { recursive: true, force: true });
});

describe('beacon ci failure paths', () => {
  it('no events: finish exits 1 with a clear message, an error annotation and a failing step summary', async () => {
    const j = job();
    const s = await start(j);
    expect(s.code, s.stderr).toBe(0);
    const r = await runBeacon(['ci', 'finish'], { env: { ...j.env, ...parseGithubFile(j.files.env) } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Beacon CI telemetry validation failed');
    expect(r.stderr).toContain('observed 0 Codex event(s)');
    expect(r.stderr).toContain(`CODEX_HOME=${s.state.codex_home}`);
    expect(r.stdout).toMatch(/^::error::Beacon CI telemetry validation failed/m);
    expect(readFileSync(j.files.summary, 'utf8')).toContain('❌ **Telemetry missing**');
    expect(isProcessAlive(s.state.pid)).toBe(false);
    const summary = JSON.parse(readFileSync(join(s.state.run_dir, 'summary.json'), 'utf8'));
    expect(summary).toMatchObject({ status: 'failed', exit_code: 1 });
  });

  it('--require-telemetry=false turns missing telemetry into a ::warning:: and exit 0', async () => {
    const j = job();
    const s = await start(j);
    expect(s.code, s.stderr).toBe(0);
    const r = await runBeacon(['ci', 'finish', '--require-telemetry=false'], { env: j.env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^::warning::Beacon CI telemetry validation failed.*--require-telemetry=false/m);
    expect(r.stdout).not.toContain('::error::');
    expect(readFileSync(j.files.summary, 'utf8')).toContain('⚠️ **Telemetry missing**');
    expect(isProcessAlive(s.state.pid)).toBe(false);
  });

  it('finish without any ci start: exit 1 (or a warning when not required), never a crash', async () => {
    const j = job();
    const r = await runBeacon(['ci', 'finish'], { env: j.env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('did `beacon ci start` run in this job?');
    const lenient = await runBeacon(['ci', 'finish', '--require-telemetry', 'false'], { env: j.env });
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toContain('::warning::');
  });

  it('an explicit --state that does not exist is a usage error (exit 2)', async () => {
    const j = job();
    const r = await runBeacon(['ci', 'finish', '--state', join(j.dir, 'nope.json')], { env: j.env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no CI session state at');
  });

  it('ci start twice in the same RUNNER_TEMP reuses the running collector and resets codex-home to [otel] only', async () => {
    const j = job();
    const first = await start(j);
    expect(first.code, first.stderr).toBe(0);
    const outputs = parseGithubFile(j.files.output);
    // an agent step in between edits codex-home as openai/codex-action does
    applyCodexActionProxyConfig(outputs['codex-home'], 'http://127.0.0.1:9/v1');
    const second = await start(j);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).event).toBe('reused');
    expect(second.state.pid).toBe(first.state.pid);
    expect(second.state.port).toBe(first.state.port);
    expect(second.state.started_at).toBe(first.state.started_at);
    // a second codex-action step would otherwise fail on its own duplicate keys
    const config = readFileSync(join(outputs['codex-home'], 'config.toml'), 'utf8');
    expect(config).not.toContain('model_provider');
    expect(config).toContain(`endpoint = "http://127.0.0.1:${first.state.port}/v1/logs"`);
    expect(config).toContain(`metrics_exporter = { otlp-http = { endpoint = "http://127.0.0.1:${first.state.port}/v1/metrics"`);
    // $GITHUB_ENV was appended again, not corrupted: the runner reads the latest values
    const exported = parseGithubFile(j.files.env);
    expect(exported.CODEX_HOME).toBe(outputs['codex-home']);
    // the re-exported resource attributes do not stack a second copy of the run context
    expect(exported.OTEL_RESOURCE_ATTRIBUTES.split(',').filter((a) => a === 'beacon.origin=ci')).toHaveLength(1);
    const fin = await runBeacon(['ci', 'finish', '--require-telemetry=false'], { env: j.env });
    expect(fin.code).toBe(0);
    expect(isProcessAlive(first.state.pid)).toBe(false);
  });

  it('ci start after a finished session starts a fresh collector and counts only its own events', async () => {
    const j = job();
    const first = await start(j);
    await runBeacon(['ci', 'finish', '--require-telemetry=false'], { env: j.env });
    const second = await start(j);
    expect(second.code, second.stderr).toBe(0);
    expect(JSON.parse(second.stdout).event).toBe('started');
    expect(second.state.pid).not.toBe(first.state.pid);
    expect(Date.parse(second.state.started_at)).toBeGreaterThanOrEqual(Date.parse(first.state.started_at));
    await runBeacon(['ci', 'finish', '--require-telemetry=false'], { env: j.env });
    expect(isProcessAlive(second.state.pid)).toBe(false);
  });

  it('a corrupt runtime log fails finish with exit 3 even when telemetry is not required', async () => {
    const j = job();
    const s = await start(j);
    expect(s.code, s.stderr).toBe(0);
    // something other than the collector scribbled into the log
    appendFileSync(s.state.log_path, 'this is not json\n');
    const r = await runBeacon(['ci', 'finish', '--require-telemetry=false'], { env: j.env });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('Beacon CI runtime log unreadable or corrupt');
    expect(r.stderr).toContain(`${s.state.log_path}:1`);
  });
});

describe('beacon ci validate', () => {
  const event = (action: string) =>
    JSON.stringify({ timestamp: '2026-01-01T00:00:00.000Z', vendor: 'beacon', product: 'endpoint-agent', schema_version: '1.0', event: { kind: 'agent_runtime', action, category: 'session' }, severity: 'info', endpoint: { os: 'linux' }, harness: { name: 'codex_cli' } });

  it('0 for enough Codex events, 1 for too few, 1 for a missing log, 3 for a bad line', async () => {
    const j = job();
    const log = join(j.dir, 'runtime.jsonl');
    writeFileSync(log, event('session.started') + '\n' + event('prompt.submitted') + '\n');
    const ok = await runBeacon(['ci', 'validate', '--log', log, '--min-events', '2'], { env: j.env });
    expect(ok.code, ok.stdout).toBe(0);
    expect(ok.stdout).toContain('event_count: ok (observed 2 event(s))');
    const few = await runBeacon(['ci', 'validate', '--log', log, '--min-events', '3', '--json'], { env: j.env });
    expect(few.code).toBe(1);
    expect(JSON.parse(few.stdout)).toMatchObject({ status: 'missing', exit_code: 1, codex_events: 2 });
    const missing = await runBeacon(['ci', 'validate', '--log', join(j.dir, 'absent.jsonl')], { env: j.env });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toContain('runtime_log_exists: fail');
    // A line still being written (or torn by a crash, cut at the collector's next start) is not a line yet.
    appendFileSync(log, event('command.executed').slice(0, 40));
    const writing = await runBeacon(['ci', 'validate', '--log', log, '--min-events', '2', '--json'], { env: j.env });
    expect(writing.code, writing.stdout).toBe(0);
    expect(JSON.parse(writing.stdout)).toMatchObject({ status: 'ok', event_count: 2, bad_lines: [] });
    appendFileSync(log, '\n');
    const bad = await runBeacon(['ci', 'validate', '--log', log], { env: j.env });
    expect(bad.code).toBe(3);
    expect(bad.stdout).toContain('runtime_log_parseable: fail');
    expect(existsSync(log)).toBe(true);
  });
});
