/**
 * The run context's trip through OTEL_RESOURCE_ATTRIBUTES and the GitHub runner files, without
 * processes: what `ci start` writes must come back out of the normalizer and the runner intact.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectRunContext, resourceAttributes } from '../../electron/ci/run-context';
import { formatGithubKeyValues } from '../../electron/ci/github-files';
import { ciCodexConfigToml } from '../../electron/codex/ci-home';
import { runContextFromResource } from '../../electron/codex/normalize-run';
import { parse } from '../../electron/codex/config-toml-parse';
import { FAKE_RUN, parseGithubFile } from './helpers';

/** Split OTEL_RESOURCE_ATTRIBUTES as an OpenTelemetry SDK does (no decoding: the normalizer decodes). */
function sdkResource(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of value.split(',')) {
    const eq = pair.indexOf('=');
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

describe('run context', () => {
  it('survives OTEL_RESOURCE_ATTRIBUTES and the normalizer, awkward characters included', () => {
    const ctx = detectRunContext({ GITHUB_ACTIONS: 'true', ...FAKE_RUN, GITHUB_WORKFLOW: 'Deploy, then test: 100% = "done" ✓', GITHUB_ACTOR: 'octo cat' });
    const value = resourceAttributes(ctx, 'team=platform,beacon.origin=local');
    const res = sdkResource(value);
    expect(res.team).toBe('platform');
    const back = runContextFromResource(res);
    expect(back.origin).toBe('ci');
    expect(back.run).toMatchObject({ workflow: 'Deploy, then test: 100% = "done" ✓', actor: 'octo cat', repository: 'octo-org/beacon-demo', pr: '42', pr_number: 42, run_attempt: 2, commit: FAKE_RUN.GITHUB_SHA });
    // the user's own beacon.origin=local from an earlier export is replaced, not kept beside ours
    expect(value.split(',').filter((p) => p.startsWith('beacon.origin='))).toEqual(['beacon.origin=ci']);
  });

  it('finds the PR number in the event payload when the ref is not refs/pull/N/...', () => {
    const dir = mkdtempSync(join(tmpdir(), 'beacon-ci-event-'));
    try {
      const eventPath = join(dir, 'event.json');
      writeFileSync(eventPath, JSON.stringify({ pull_request: { number: 77 } }));
      const ctx = detectRunContext({ GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_NAME: 'pull_request_target', GITHUB_EVENT_PATH: eventPath });
      expect(ctx.pr).toBe('77');
      expect(detectRunContext({ GITHUB_ACTIONS: 'true', GITHUB_REF: 'refs/heads/main', GITHUB_EVENT_NAME: 'push' }).pr).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('outside GitHub: provider ci when CI is set, nothing otherwise', () => {
    expect(detectRunContext({ CI: 'true' })).toEqual({ provider: 'ci', ephemeral: 'true' });
    expect(detectRunContext({})).toEqual({});
  });
});

describe('GitHub runner files', () => {
  it('a value with a line break uses the delimiter form and cannot inject a second variable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'beacon-ci-env-'));
    try {
      const file = join(dir, 'env');
      const evil = 'x\nCODEX_HOME=/tmp/evil';
      writeFileSync(file, formatGithubKeyValues({ A: 'plain', B: evil }));
      expect(parseGithubFile(file)).toEqual({ A: 'plain', B: evil });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('rejects names the runner would misread', () => {
    expect(() => formatGithubKeyValues({ 'A=B': 'x' })).toThrow(/invalid GitHub variable/);
  });
});

describe('CI codex-home config', () => {
  it('is only an [otel] table (logs and metrics to the run collector, no traces) that codex-action can extend', () => {
    const text = ciCodexConfigToml(40123);
    const parsed = parse(text) as Record<string, unknown>;
    expect(Object.keys(parsed)).toEqual(['otel']);
    expect(parsed.otel).toEqual({
      environment: 'ci',
      log_user_prompt: true,
      exporter: { 'otlp-http': { endpoint: 'http://127.0.0.1:40123/v1/logs', protocol: 'binary' } },
      metrics_exporter: { 'otlp-http': { endpoint: 'http://127.0.0.1:40123/v1/metrics', protocol: 'binary' } },
      trace_exporter: 'none',
    });
    // openai/codex-action's edit (prepend a key, append a table) still parses
    const edited = 'model_provider = "codex-action-responses-proxy"\n' + text + '\n[model_providers.codex-action-responses-proxy]\nbase_url = "http://127.0.0.1:1/v1"\nwire_api = "responses"\n';
    expect((parse(edited) as Record<string, unknown>).model_provider).toBe('codex-action-responses-proxy');
  });
});
