/**
 * Issue 12 items 1 and 8 with the REAL `codex exec` (0.169.0) exporting to the REAL collector
 * (`beacon endpoint run`, compiled) and read back through the real dashboard API: a patch Codex
 * did not apply is one tool.failed naming the file, never a file.modified, and the sessions API
 * counts only the file that really changed. The token figure Beacon shows beside its breakdown
 * is the one Codex printed in the terminal (`tokens used N`).
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEndpointRun, type RunningCli } from '../support/beacon-cli';
import { scrubbedEnv } from '../support/test-env';
import { codexSessionId, startFakeResponsesApi, type FakeResponsesApi } from '../support/fake-responses-api';
import { cleanupCodexTemp, makeCodexHome, makeWorkspace, runCodexExec, type CodexRunResult } from '../support/codex-runner';
import { otelTomlFor } from '../support/otlp-capture';
import { FAILED_PATCH_CALL_IDS, FAILED_PATCH_FILE, FAILED_PATCH_USAGES, failedPatchScenario } from '../support/patch-scenarios';
import { startDashboard, type Dashboard } from '../../electron/dashboard/server';
import type { SessionsResponse } from '../../electron/shared/api';
import type { BeaconEvent } from '../../electron/shared/event';
import { get } from '../dashboard/http';

describe('real codex exec with failed patches -> beacon collector -> runtime.jsonl -> sessions API', () => {
  let dir: string;
  let collector: RunningCli;
  let model: FakeResponsesApi;
  let dashboard: Dashboard;
  let events: BeaconEvent[];
  let run: CodexRunResult;
  let workspace: string;
  let sessions: SessionsResponse;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'beacon-e2e-patch-'));
    const log = join(dir, 'logs', 'runtime.jsonl');
    collector = await startEndpointRun(['--log-path', log], { ...scrubbedEnv(), HOME: dir });
    const scenario = failedPatchScenario();
    model = await startFakeResponsesApi(scenario.turns);
    const codexHome = await makeCodexHome({ modelUrl: model.url, otel: otelTomlFor(`http://127.0.0.1:${collector.port}`, { logUserPrompt: true }) });
    workspace = await makeWorkspace();
    // No --json: the human output ends with Codex's own "tokens used" line.
    run = await runCodexExec({ codexHome, cwd: workspace, prompt: scenario.prompt, timeoutMs: 90_000 });
    await collector.stop('SIGTERM');
    events = existsSync(log)
      ? readFileSync(log, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as BeaconEvent)
      : [];
    dashboard = await startDashboard({ port: 0, logPath: log });
    const res = await get(dashboard.port, '/api/sessions', { host: `127.0.0.1:${dashboard.port}`, authorization: `Bearer ${dashboard.token}` });
    expect(res.status).toBe(200);
    sessions = res.json<SessionsResponse>();
  }, 150_000);

  afterAll(async () => {
    await dashboard?.close();
    await collector?.stop('SIGKILL');
    await model?.close();
    await cleanupCodexTemp();
    rmSync(dir, { recursive: true, force: true });
  });

  const byAction = (a: string) => events.filter((e) => e.event.action === a);

  it('codex ran the scenario: two patches failed, the add was applied', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(workspace, FAILED_PATCH_FILE.path), 'utf8')).toBe(FAILED_PATCH_FILE.content);
    expect(run.stderr).toContain('apply_patch verification failed: Failed to read file to update');
    expect(run.stderr).toContain('apply_patch verification failed: Failed to find expected lines in');
  });

  it('writes file.modified only for the patch Codex applied', () => {
    const files = byAction('file.modified');
    expect(files.map((e) => [e.file?.path, e.file?.operation, e.tool?.call_id])).toEqual([[FAILED_PATCH_FILE.path, 'add', FAILED_PATCH_CALL_IDS.add]]);
  });

  it('writes one tool.failed per failed patch, naming the file it tried', () => {
    const failed = byAction('tool.failed');
    expect(failed.map((e) => e.tool?.call_id)).toEqual([FAILED_PATCH_CALL_IDS.missing, FAILED_PATCH_CALL_IDS.mismatch]);
    for (const e of failed) {
      expect(e.patch?.files).toEqual([{ path: FAILED_PATCH_FILE.path, operation: 'update' }]);
      expect(e.tool).toMatchObject({ name: 'apply_patch', path: FAILED_PATCH_FILE.path, success: false });
      expect(e.file).toBeUndefined();
    }
    expect(failed.map((e) => e.error?.type)).toEqual(['file_not_found', 'context_mismatch']);
  });

  it('the sessions API counts one file changed and both failures', () => {
    const id = codexSessionId(model.requests);
    const s = sessions.sessions.find((x) => x.id === id);
    expect(s, JSON.stringify(sessions)).toBeDefined();
    expect(s!.files_changed).toBe(1);
    expect(s!.patches_failed).toBe(2);
    expect(s!.errors).toBe(2);
    expect(s!.first_prompt).toBe('fix the greeting in src/hello.ts');
    expect(s!.beacon_validation).toBe(false);
  });

  it("shows the same token figure Codex printed ('tokens used'), beside the disjoint parts", () => {
    const printed = /tokens used\s+([\d,]+)/.exec(run.stderr)?.[1];
    expect(printed, run.stderr.slice(-500)).toBeDefined();
    const codexFigure = Number(printed!.replace(/,/g, ''));
    const s = sessions.sessions.find((x) => x.id === codexSessionId(model.requests))!;
    expect(s.tokens.codex_tokens_used).toBe(codexFigure);
    // And both agree with what the model reported: input - cached + output.
    const sum = (k: keyof (typeof FAILED_PATCH_USAGES)[0]) => FAILED_PATCH_USAGES.reduce((n, u) => n + u[k], 0);
    expect(codexFigure).toBe(sum('input_tokens') - sum('cached_tokens') + sum('output_tokens'));
    expect(s.tokens.total).toBe(sum('input_tokens') + sum('output_tokens'));
    expect(s.tokens.total - s.tokens.cached_input).toBe(codexFigure);
  });
});
