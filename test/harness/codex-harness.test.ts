/**
 * Proves the end-to-end harness itself: the real Codex CLI 0.169.0 runs the standard scenario
 * against the fake Responses API, really executes the commands and the patch, and exports OTLP
 * logs and metrics as protobuf to a raw recording receiver. If this file fails, every e2e test
 * built on the harness is suspect, so it checks the harness first.
 *
 * Set BEACON_UPDATE_FIXTURES=1 to (re)write test/fixtures/codex-0.169.0-scenario/logs.bin from
 * this run (see the README there).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as protobuf from 'protobufjs/minimal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CodexRunResult,
  STANDARD_CALL_IDS,
  STANDARD_FILE,
  STANDARD_FINAL_TEXT,
  STANDARD_TOKEN_TOTALS,
  STANDARD_USAGES,
  cleanupCodexTemp,
  codexConfigToml,
  codexEnv,
  makeCodexHome,
  makeWorkspace,
  runCodexExec,
  standardScenario,
} from '../support/codex-runner';
import {
  type FakeResponsesApi,
  codexSessionId,
  findToolOutput,
  startFakeResponsesApi,
  toolOutputText,
} from '../support/fake-responses-api';
import { type OtlpCapture, otelTomlFor, startOtlpCapture } from '../support/otlp-capture';

/** Shaped like a GitHub token (ghp_ + 36 alphanumerics) so redaction tests can look for it. */
const FAKE_SECRET = 'ghp_' + 'beaconFakeToken'.padEnd(36, '0');
const FIXTURE_DIR = path.resolve(__dirname, '..', 'fixtures', 'codex-0.169.0-scenario');
const CODEX_RUN_TIMEOUT = 90_000;

const hint = (run: CodexRunResult) =>
  `codex exit ${run.code} (signal ${run.signal}, timedOut ${run.timedOut})\nstderr:\n${run.stderr}\nstdout:\n${run.stdout}`;

describe('standard scenario through the real Codex CLI', () => {
  let api: FakeResponsesApi;
  let otlp: OtlpCapture;
  let workspace: string;
  let run: CodexRunResult;
  const scenario = standardScenario(FAKE_SECRET);

  beforeAll(async () => {
    api = await startFakeResponsesApi(scenario.turns);
    otlp = await startOtlpCapture();
    const codexHome = await makeCodexHome({
      modelUrl: api.url,
      otel: otelTomlFor(otlp.url, { protocol: 'binary', logUserPrompt: true, logAgentResponses: true }),
    });
    workspace = await makeWorkspace();
    run = await runCodexExec({ codexHome, cwd: workspace, prompt: scenario.prompt, args: ['--json'], timeoutMs: CODEX_RUN_TIMEOUT });
  }, CODEX_RUN_TIMEOUT + 10_000);

  afterAll(async () => {
    await api?.close();
    await otlp?.close();
    await cleanupCodexTemp();
  });

  it('exits 0 after asking the model once per scripted turn', () => {
    expect(run.code, hint(run)).toBe(0);
    expect(api.turnRequests().map((r) => r.turnIndex)).toEqual([0, 1, 2, 3]);
    const first = api.turnRequests()[0].body as { model: string; stream: boolean; input: unknown[] };
    expect(first.model).toBe('gpt-5.5');
    expect(first.stream).toBe(true);
    expect(JSON.stringify(first.input)).toContain(FAKE_SECRET);
    expect(codexSessionId(api.requests)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('runs the succeeding command and reports exit code 0 to the model', () => {
    const out = findToolOutput(api.requests, STANDARD_CALL_IDS.echoOk);
    expect(out?.type, hint(run)).toBe('function_call_output');
    const text = toolOutputText(out!);
    // A sandbox that cannot start shows up here as a bwrap error: see defaultSandboxMode().
    expect(text).toContain('Process exited with code 0');
    expect(text).toMatch(/Output:\nok\n/);
  });

  it('runs the failing command and reports its non-zero exit code', () => {
    const out = findToolOutput(api.requests, STANDARD_CALL_IDS.failing);
    expect(out?.type, hint(run)).toBe('function_call_output');
    const text = toolOutputText(out!);
    expect(text).toContain('Process exited with code 2');
    expect(text).toContain('No such file or directory');
  });

  it('applies the freeform apply_patch and creates the file in the workspace', () => {
    const out = findToolOutput(api.requests, STANDARD_CALL_IDS.patch);
    expect(out?.type, hint(run)).toBe('custom_tool_call_output');
    expect(toolOutputText(out!)).toContain(`A ${STANDARD_FILE.path}`);
    expect(fs.readFileSync(path.join(workspace, STANDARD_FILE.path), 'utf8')).toBe(STANDARD_FILE.content);
  });

  it('reports the scripted token usage summed over the four responses', () => {
    // `codex exec --json` prints turn.completed with the turn's summed usage: proof that Codex read
    // every usage block the fake sent.
    const events = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { type: string; usage?: Record<string, number>; item?: { type: string; text?: string } });
    const completed = events.find((e) => e.type === 'turn.completed');
    expect(completed?.usage, hint(run)).toMatchObject({
      input_tokens: STANDARD_TOKEN_TOTALS.input_tokens,
      cached_input_tokens: STANDARD_TOKEN_TOTALS.cached_tokens,
      output_tokens: STANDARD_TOKEN_TOTALS.output_tokens,
      reasoning_output_tokens: STANDARD_TOKEN_TOTALS.reasoning_tokens,
    });
    expect(STANDARD_USAGES).toHaveLength(4);
    const message = events.find((e) => e.item?.type === 'agent_message');
    expect(message?.item?.text).toBe(STANDARD_FINAL_TEXT);
  });

  it('exports protobuf logs with the prompt and tool results to /v1/logs', () => {
    const logs = otlp.byPath('/v1/logs');
    expect(logs.length, hint(run)).toBeGreaterThan(0);
    for (const req of logs) {
      expect(req.method).toBe('POST');
      expect(req.headers['content-type']).toBe('application/x-protobuf');
      expect(req.body.length).toBeGreaterThan(0);
    }
    const all = Buffer.concat(logs.map((r) => r.body));
    // The session-id header Codex sent the model is the conversation.id of its telemetry.
    const sessionId = codexSessionId(api.requests) ?? 'no session id';
    for (const marker of ['codex.user_prompt', 'codex.tool_result', 'codex.agent_response', FAKE_SECRET, sessionId]) {
      expect(all.includes(marker), `logs should contain ${marker}`).toBe(true);
    }

    if (process.env.BEACON_UPDATE_FIXTURES === '1') {
      console.log(`writing logs.bin from ${logs.length} POST(s): ${logs.map((r) => r.body.length).join(' + ')} bytes`);
      // Concatenated protobuf messages of one type parse as their merge, so even if Codex split
      // the logs over several POSTs this is one valid ExportLogsServiceRequest.
      fs.mkdirSync(FIXTURE_DIR, { recursive: true });
      fs.writeFileSync(path.join(FIXTURE_DIR, 'logs.bin'), all);
    }
  });

  it('exports protobuf metrics to /v1/metrics and sends no traces', () => {
    const metrics = otlp.byPath('/v1/metrics');
    expect(metrics.length, hint(run)).toBeGreaterThan(0);
    expect(metrics[0].headers['content-type']).toBe('application/x-protobuf');
    expect(Buffer.concat(metrics.map((r) => r.body)).includes('codex.turn.token_usage')).toBe(true);
    expect(otlp.requests.every((r) => r.path === '/v1/logs' || r.path === '/v1/metrics')).toBe(true);
  });
});

/** Top-level fields of a protobuf message as [field number, wire type]; throws on torn input. */
function topLevelFields(buf: Buffer): Array<[number, number]> {
  const r = protobuf.Reader.create(buf);
  const out: Array<[number, number]> = [];
  while (r.pos < r.len) {
    const tag = r.uint32();
    out.push([tag >>> 3, tag & 7]);
    r.skipType(tag & 7);
  }
  return out;
}

describe('the committed scenario fixture', () => {
  it('is a protobuf logs body from the standard scenario', () => {
    const bin = fs.readFileSync(path.join(FIXTURE_DIR, 'logs.bin'));
    // ExportLogsServiceRequest: nothing but field 1 (resource_logs), length-delimited, to the end.
    const fields = topLevelFields(bin);
    expect(fields.length).toBeGreaterThan(0);
    expect(fields.every(([f, w]) => f === 1 && w === 2)).toBe(true);
    const markers = ['codex.conversation_starts', 'codex.user_prompt', 'codex.tool_result', 'apply_patch', 'Process exited with code 2', FAKE_SECRET];
    for (const marker of markers) {
      expect(bin.includes(marker), `fixture should contain ${marker}`).toBe(true);
    }
  });
});

describe('runCodexExec isolation and timeout', () => {
  let api: FakeResponsesApi;
  afterAll(async () => {
    await api?.close();
    await cleanupCodexTemp();
  });

  it('gives Codex a scrubbed env with a temp HOME and kills the process group on timeout', async () => {
    // Parent-env values that must not reach Codex or the commands it runs.
    process.env.OTEL_EXPORTER_OTLP_HEADERS = 'x-leak=parent';
    process.env.OPENAI_BASE_URL = 'http://127.0.0.1:9/leak';
    try {
      api = await startFakeResponsesApi([
        { kind: 'function_call', name: 'exec_command', arguments: { cmd: 'env | sort' }, callId: 'call_env' },
        { kind: 'hang' },
      ]);
      const codexHome = await makeCodexHome({ modelUrl: api.url });
      const cwd = await makeWorkspace();
      // The hang starts after ~1 s on a dev box; 10 s leaves a slow CI box ample margin to get there.
      const run = await runCodexExec({ codexHome, cwd, prompt: 'show env', timeoutMs: 10_000 });

      expect(run.timedOut, hint(run)).toBe(true);
      expect(run.code).toBe(-1);
      expect(run.signal).toBe('SIGKILL');
      expect(() => process.kill(-run.pid, 0)).toThrow(); // ESRCH: nothing left in the group

      const envText = toolOutputText(findToolOutput(api.requests, 'call_env')!);
      expect(envText).toContain(`CODEX_HOME=${codexHome}`);
      expect(envText).toMatch(/\nHOME=\/\S*beacon-codex-userhome-/);
      expect(envText).not.toContain('x-leak=parent');
      expect(envText).not.toContain('OPENAI_BASE_URL');
    } finally {
      delete process.env.OTEL_EXPORTER_OTLP_HEADERS;
      delete process.env.OPENAI_BASE_URL;
    }
  }, 40_000);
});

describe('fake Responses API (without Codex)', () => {
  it('streams a function call as Responses API SSE events with the usage block', async () => {
    const api = await startFakeResponsesApi([
      { kind: 'function_call', name: 'exec_command', arguments: { cmd: 'true' }, callId: 'c1', usage: STANDARD_USAGES[1] },
    ]);
    try {
      const res = await fetch(`${api.url}/responses`, { method: 'POST', body: JSON.stringify({ model: 'm', input: [] }) });
      expect(res.headers.get('content-type')).toBe('text/event-stream');
      const events = (await res.text())
        .split('\n\n')
        .filter(Boolean)
        .map((block) => JSON.parse(block.split('\ndata: ')[1]) as Record<string, any>);
      expect(events.map((e) => e.type)).toEqual([
        'response.created',
        'response.output_item.added',
        'response.output_item.done',
        'response.completed',
      ]);
      expect(events[2].item).toMatchObject({ type: 'function_call', name: 'exec_command', call_id: 'c1', arguments: '{"cmd":"true"}' });
      expect(events[3].response.usage).toEqual({
        input_tokens: 1200,
        input_tokens_details: { cached_tokens: 300 },
        output_tokens: 60,
        output_tokens_details: { reasoning_tokens: 20 },
        total_tokens: 1260,
      });
      expect(api.requests[0].body).toEqual({ model: 'm', input: [] });
    } finally {
      await api.close();
    }
  });

  it('fails loudly when the script runs out, and 404s unknown paths', async () => {
    const api = await startFakeResponsesApi([]);
    try {
      const res = await fetch(`${api.url}/responses`, { method: 'POST', body: '{}' });
      expect(res.status).toBe(400);
      expect(await res.text()).toContain('script exhausted');
      expect((await fetch(`${api.url}/nope`)).status).toBe(404);
      expect(api.requests.map((r) => r.path)).toEqual(['/v1/responses', '/v1/nope']);
    } finally {
      await api.close();
    }
  });

  it('writes a config.toml that keeps extra top-level keys out of the tables', () => {
    const toml = codexConfigToml({ modelUrl: 'http://127.0.0.1:1/v1', extraToml: 'model_reasoning_effort = "low"', otel: '[otel]\nenvironment = "x"' });
    const firstTable = toml.indexOf('\n[');
    expect(toml.indexOf('model_reasoning_effort')).toBeLessThan(firstTable);
    expect(toml.trimEnd().endsWith('[otel]\nenvironment = "x"')).toBe(true);
    expect(codexEnv('/h', '/u', { X: '1' })).toMatchObject({ CODEX_HOME: '/h', HOME: '/u', OPENAI_API_KEY: 'sk-test', X: '1' });
  });
});
