/**
 * A Codex run whose final answer streams the way real models stream it: a few characters per
 * `response.output_text.delta` event. Codex 0.169.0 logs one `codex.sse_event` record per delta
 * (research/codex-otel.md, "Volume per run"), so in real use most log records of an export are
 * these transport records, which Beacon must drop without decoding them.
 *
 * This run checks both facts against the real binary, and with BEACON_UPDATE_FIXTURES=1 writes
 * test/fixtures/codex-0.169.0-streaming/logs.bin, the streaming payload `npm run bench` replays
 * beside the standard scenario's (see the README there).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpTypes } from '../../electron/collector/otlp-schema';
import { readExportLogsRequest } from '../../electron/collector/protobuf-logs-reader';
import { CODEX_LOG_RECORD_FILTER } from '../../electron/codex/normalizer';
import { type CodexRunResult, cleanupCodexTemp, makeCodexHome, makeWorkspace, runCodexExec } from '../support/codex-runner';
import { type FakeResponsesApi, type ModelTurn, startFakeResponsesApi } from '../support/fake-responses-api';
import { type OtlpCapture, otelTomlFor, startOtlpCapture } from '../support/otlp-capture';

const FIXTURE_DIR = path.resolve(__dirname, '..', 'fixtures', 'codex-0.169.0-streaming');
const CODEX_RUN_TIMEOUT = 90_000;
/** About one token per delta, as the Responses API streams. */
const DELTA_CHARS = 4;

/** A ~1,200-character answer, the size of an ordinary explanation (about 300 tokens). */
const ANSWER = Array.from(
  { length: 12 },
  (_, i) => `Step ${i + 1}: the build reads the configuration, checks the cache and runs the tests that changed since the last green run. `,
).join('');
const DELTAS = Math.ceil(ANSWER.length / DELTA_CHARS);

const TURNS: ModelTurn[] = [
  { kind: 'function_call', name: 'exec_command', arguments: { cmd: 'echo streaming' }, callId: 'call_stream_1' },
  { kind: 'message', text: ANSWER, phase: 'final_answer', deltaChars: DELTA_CHARS },
];

const hint = (run: CodexRunResult) => `codex exit ${run.code} (signal ${run.signal}, timedOut ${run.timedOut})\nstderr:\n${run.stderr}`;

interface Record_ {
  attributes?: Array<{ key: string; value?: { stringValue?: string } }>;
}

/** Every log record of a (possibly concatenated) ExportLogsServiceRequest, with its string attributes. */
function records(body: Buffer): Array<Map<string, string>> {
  const req = otlpTypes().ExportLogsServiceRequest.decode(body) as unknown as {
    resourceLogs: Array<{ scopeLogs: Array<{ logRecords: Record_[] }> }>;
  };
  return req.resourceLogs.flatMap((rl) =>
    rl.scopeLogs.flatMap((sl) => sl.logRecords.map((r) => new Map((r.attributes ?? []).map((a) => [a.key, a.value?.stringValue ?? ''])))),
  );
}

describe('a streamed answer through the real Codex CLI', () => {
  let api: FakeResponsesApi;
  let otlp: OtlpCapture;
  let run: CodexRunResult;
  let body: Buffer;

  beforeAll(async () => {
    api = await startFakeResponsesApi(TURNS);
    otlp = await startOtlpCapture();
    const codexHome = await makeCodexHome({
      modelUrl: api.url,
      otel: otelTomlFor(otlp.url, { protocol: 'binary', logUserPrompt: true, logAgentResponses: true }),
    });
    const workspace = await makeWorkspace();
    run = await runCodexExec({ codexHome, cwd: workspace, prompt: 'explain how the build works', args: ['--json'], timeoutMs: CODEX_RUN_TIMEOUT });
    body = Buffer.concat(otlp.byPath('/v1/logs').map((r) => r.body));
  }, CODEX_RUN_TIMEOUT + 10_000);

  afterAll(async () => {
    await api?.close();
    await otlp?.close();
    await cleanupCodexTemp();
  });

  it('puts the deltas back together into the answer', () => {
    expect(run.code, hint(run)).toBe(0);
    const message = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { item?: { type: string; text?: string } })
      .find((e) => e.item?.type === 'agent_message');
    expect(message?.item?.text).toBe(ANSWER);
  });

  it('logs one codex.sse_event record per streamed delta', () => {
    const deltas = records(body).filter((r) => r.get('event.name') === 'codex.sse_event' && r.get('event.kind') === 'response.output_text.delta');
    expect(deltas.length, hint(run)).toBe(DELTAS);
  });

  it("has Beacon's decoder drop every delta record and keep the records that become events", () => {
    const all = records(body);
    const kept = readExportLogsRequest(body, CODEX_LOG_RECORD_FILTER).flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords));
    const keptNames = kept.map((r) => r.attributes['event.name']);
    expect(keptNames).not.toContain(undefined);
    expect(kept.some((r) => r.attributes['event.kind'] === 'response.output_text.delta')).toBe(false);
    for (const name of ['codex.conversation_starts', 'codex.user_prompt', 'codex.tool_result', 'codex.agent_response']) expect(keptNames).toContain(name);
    // Most of a streamed export is transport: that is what the decoder's record filter is for.
    expect(kept.length / all.length).toBeLessThan(0.2);

    if (process.env.BEACON_UPDATE_FIXTURES === '1') {
      console.log(`writing ${FIXTURE_DIR}/logs.bin: ${all.length} records from ${otlp.byPath('/v1/logs').length} POST(s), ${body.length} bytes`);
      fs.mkdirSync(FIXTURE_DIR, { recursive: true });
      fs.writeFileSync(path.join(FIXTURE_DIR, 'logs.bin'), body);
    }
  });
});
