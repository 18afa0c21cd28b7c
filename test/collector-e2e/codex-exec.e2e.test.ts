/**
 * Issue acceptance: the REAL `codex exec` against a fake Responses API, exporting to the REAL
 * collector (`beacon endpoint run`, compiled), and the exact events that land in runtime.jsonl.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEndpointRun, type RunningCli } from '../support/beacon-cli';
import { scrubbedEnv } from '../support/test-env';
import { startFakeResponsesApi, type FakeResponsesApi } from '../support/fake-responses-api';
import { cleanupCodexTemp, makeCodexHome, makeWorkspace, runCodexExec, standardScenario, STANDARD_CALL_IDS, STANDARD_FILE, STANDARD_TOKEN_TOTALS } from '../support/codex-runner';
import type { BeaconEvent } from '../../electron/shared/event';
import { DEFAULT_OTEL_SETTINGS, renderOtelBlock } from '../../electron/codex/config-otel-block';

const SECRET = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';

/** Exactly the block `beacon endpoint install` writes, for this collector's port. */
function otelBlock(port: number): string {
  return renderOtelBlock({ ...DEFAULT_OTEL_SETTINGS, port });
}

describe('real codex exec -> beacon collector -> runtime.jsonl', () => {
  let dir: string;
  let collector: RunningCli;
  let model: FakeResponsesApi;
  let events: BeaconEvent[];
  let rawLog: string;
  let threadId: string | undefined;
  let codexExit: number;
  let workspace: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'beacon-e2e-'));
    const log = join(dir, 'logs', 'runtime.jsonl');
    collector = await startEndpointRun(['--log-path', log], { ...scrubbedEnv(), HOME: dir });
    const scenario = standardScenario(SECRET);
    model = await startFakeResponsesApi(scenario.turns);
    const codexHome = await makeCodexHome({ modelUrl: model.url, otel: otelBlock(collector.port) });
    workspace = await makeWorkspace();
    const run = await runCodexExec({ codexHome, cwd: workspace, prompt: scenario.prompt, args: ['--json'], timeoutMs: 90_000 });
    codexExit = run.code;
    threadId = /"thread_id"\s*:\s*"([^"]+)"/.exec(run.stdout)?.[1];
    // Codex exports its last batch at exit and the collector answers only after writing, so the
    // log is complete when codex has exited; stop the collector to flush and release it anyway.
    await collector.stop('SIGTERM');
    rawLog = existsSync(log) ? readFileSync(log, 'utf8') : '';
    events = rawLog
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as BeaconEvent);
  }, 150_000);

  afterAll(async () => {
    await collector?.stop('SIGKILL');
    await model?.close();
    await cleanupCodexTemp();
    rmSync(dir, { recursive: true, force: true });
  });

  const actions = () => events.map((e) => e.event.action);
  const byAction = (a: string) => events.filter((e) => e.event.action === a);

  it('codex ran the whole scenario', () => {
    expect(codexExit).toBe(0);
    expect(readFileSync(join(workspace, STANDARD_FILE.path), 'utf8')).toBe(STANDARD_FILE.content);
  });

  it('writes exactly one session.started and one prompt.submitted, with the secret redacted', () => {
    expect(byAction('session.started')).toHaveLength(1);
    const prompts = byAction('prompt.submitted');
    expect(prompts).toHaveLength(1);
    expect(prompts[0].prompt?.text).toContain('please deploy with token=');
    expect(prompts[0].prompt?.text).toContain('[REDACTED');
    expect(rawLog).not.toContain(SECRET);
  });

  it('writes two command.executed with the right success values and call ids', () => {
    const cmds = byAction('command.executed');
    expect(cmds.map((c) => [c.command?.command, c.command?.success, c.command?.call_id])).toEqual([
      ['echo ok', true, STANDARD_CALL_IDS.echoOk],
      [expect.stringContaining('ls /nonexistent-beacon-path'), false, STANDARD_CALL_IDS.failing],
    ]);
    for (const c of cmds) expect(typeof c.command?.duration_ms).toBe('number');
  });

  it('writes file.modified for the added file', () => {
    const files = byAction('file.modified');
    expect(files).toHaveLength(1);
    expect(files[0].file).toMatchObject({ path: STANDARD_FILE.path, operation: 'add' });
  });

  it('writes token.usage whose totals match what the fake model reported, disjoint and never double counted', () => {
    const usage = byAction('token.usage').map((e) => e.gen_ai!.usage!);
    expect(usage).toHaveLength(4);
    const sum = (k: keyof (typeof usage)[0]) => usage.reduce((n, u) => n + (u[k] as number), 0);
    const t = STANDARD_TOKEN_TOTALS;
    expect(sum('input_tokens')).toBe(t.input_tokens - t.cached_tokens);
    expect(sum('cached_input_tokens')).toBe(t.cached_tokens);
    expect(sum('output_tokens')).toBe(t.output_tokens - t.reasoning_tokens);
    expect(sum('reasoning_output_tokens')).toBe(t.reasoning_tokens);
    expect(sum('total_tokens')).toBe(t.total_tokens);
  });

  it('every event carries Codex conversation id, a millisecond timestamp and the schema envelope', () => {
    const ids = new Set(events.map((e) => e.session?.id));
    expect(ids.size).toBe(1);
    const [id] = [...ids];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    if (threadId) expect(id).toBe(threadId);
    for (const e of events) {
      expect(e.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(e).toMatchObject({ vendor: 'beacon', product: 'endpoint-agent', schema_version: '1.0', harness: { name: 'codex_cli' } });
    }
  });

  it('keeps the story in order and drops transport noise', () => {
    const a = actions();
    expect(a.indexOf('session.started')).toBeLessThan(a.indexOf('prompt.submitted'));
    expect(a.indexOf('prompt.submitted')).toBeLessThan(a.indexOf('command.executed'));
    expect(a.some((x) => /sse_event|startup_phase|turn_ttft|api_request/.test(x))).toBe(false);
  });
});
