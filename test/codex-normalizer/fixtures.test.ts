/**
 * The normalizer on real Codex 0.169.0 payloads (test/fixtures/codex-0.169.0), decoded by the
 * collector's own JSON and protobuf decoders: what a user of runtime.jsonl gets from one
 * `codex exec` run with one shell tool call and two model turns.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeOtlpJson } from '../../electron/collector/decode-json';
import { decodeOtlpProtobuf } from '../../electron/collector/decode-protobuf';
import type { ResourceLogs } from '../../electron/shared/otlp-types';
import type { BeaconEvent } from '../../electron/shared/event';
import { normalizer } from './helpers';

const FIXTURES = join(__dirname, '..', 'fixtures', 'codex-0.169.0');

function logsOf(req: ReturnType<typeof decodeOtlpJson>): ResourceLogs[] {
  if (req.signal !== 'logs') throw new Error('expected logs');
  return req.resourceLogs;
}

const jsonLogs = (): ResourceLogs[] => logsOf(decodeOtlpJson('logs', readFileSync(join(FIXTURES, 'logs-otlp-http-json.json'))));
const protoLogs = (): ResourceLogs[] => logsOf(decodeOtlpProtobuf('logs', readFileSync(join(FIXTURES, 'logs-otlp-http-protobuf.bin'))));

const MS_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

function checkCommon(events: BeaconEvent[], conversationId: string): void {
  for (const e of events) {
    expect(e.timestamp).toMatch(MS_UTC);
    expect(e.vendor).toBe('beacon');
    expect(e.product).toBe('endpoint-agent');
    expect(e.schema_version).toBe('1.0');
    expect(e.event.kind).toBe('agent_runtime');
    expect(e.session?.id).toBe(conversationId);
    expect(e.gen_ai?.conversation?.id).toBe(conversationId);
    expect(e.harness).toEqual({ name: 'codex_cli', version: '0.169.0', originator: 'codex_exec', service_name: 'codex_exec' });
    expect(e.model).toBe('gpt-5-codex');
    expect(e.endpoint).toEqual({ os: 'linux', hostname: 'test-host', agent_version: '0.1.0' });
    expect(e.raw?.otel_signal).toBe('logs');
    expect(e.session?.title_generation).toBeUndefined();
  }
}

describe('Codex 0.169.0 JSON capture', () => {
  const events = normalizer().normalizeLogs(jsonLogs());

  it('produces exactly the meaningful events, in order, and drops the transport noise', () => {
    // 21 records: 2 startup_phase, 2 api_request (200), 10 sse_event (2 with tokens), 1 turn_ttft
    // and 1 DEBUG "flushing OTEL metrics" are noise.
    expect(events.map((e) => e.event.action)).toEqual([
      'session.started',
      'prompt.submitted',
      'token.usage',
      'approval.allowed',
      'command.executed',
      'token.usage',
      'response.completed',
    ]);
    expect(events.map((e) => e.event.category)).toEqual(['session', 'prompt', 'usage', 'approval', 'command', 'usage', 'response']);
    checkCommon(events, '01a20c0d-3016-7772-bb1a-55a121c2066e');
  });

  it('takes each timestamp from event.timestamp, at millisecond precision', () => {
    expect(events.map((e) => e.timestamp)).toEqual([
      '2026-11-24T05:35:20.604Z',
      '2026-11-24T05:35:20.661Z',
      '2026-11-24T05:35:20.707Z',
      '2026-11-24T05:35:20.723Z',
      '2026-11-24T05:35:20.854Z',
      '2026-11-24T05:35:20.875Z',
      '2026-11-24T05:35:20.876Z',
    ]);
  });

  it('describes the session configuration', () => {
    expect(events[0].session).toMatchObject({ provider: 'mock', approval_policy: 'never', sandbox_policy: 'workspace-write', mcp_servers: [] });
  });

  it('keeps the prompt text and length, and never puts the prompt in the message', () => {
    expect(events[1].prompt).toEqual({ text: 'write hello', length: 11 });
    for (const e of events) expect(e.message).not.toContain('write hello');
  });

  it('maps the approval with decision, source, tool and call id (not approval.requested)', () => {
    expect(events[3].approval).toEqual({ decision: 'approved', source: 'Config', tool: 'exec_command', call_id: 'call_1' });
    expect(events[3].severity).toBe('info');
  });

  it('maps the shell tool call to a command with success, duration, call id and exit code', () => {
    const cmd = events[4];
    expect(cmd.command).toMatchObject({
      command: 'echo hello-from-tool > out.txt; cat out.txt',
      success: true,
      duration_ms: 140,
      call_id: 'call_1',
      exit_code: 0,
      output_truncated: false,
    });
    expect(cmd.command?.output).toContain('hello-from-tool');
    expect(cmd.gen_ai?.tool).toEqual({ name: 'exec_command', call: { id: 'call_1', arguments: { cmd: 'echo hello-from-tool > out.txt; cat out.txt' } } });
    expect(cmd.message).toBe('Codex ran `echo hello-from-tool > out.txt; cat out.txt` (exit 0)');
    expect(cmd.trace).toEqual({ id: 'a6d93a5320498f8834924e8dc2da68c7', span_id: '52fa364ff251707a' });
  });

  it('stores disjoint token counts (Codex input includes cached, output includes reasoning)', () => {
    const usage = events.filter((e) => e.event.action === 'token.usage').map((e) => e.gen_ai?.usage);
    expect(usage).toEqual([
      { input_tokens: 802, cached_input_tokens: 200, output_tokens: 43, reasoning_output_tokens: 7, total_tokens: 1052, cache_write_input_tokens: 0 },
      { input_tokens: 803, cached_input_tokens: 200, output_tokens: 43, reasoning_output_tokens: 7, total_tokens: 1053, cache_write_input_tokens: 0 },
    ]);
    expect(events[2].raw?.codex_usage).toEqual({
      input_token_count: 1002,
      cached_token_count: 200,
      output_token_count: 50,
      reasoning_token_count: 7,
      cache_write_token_count: 0,
      tool_token_count: 1052,
    });
  });

  it('keeps the final answer as response.completed', () => {
    expect(events[6].response).toMatchObject({ text: 'Done: wrote out.txt', length: 19, truncated: false, agent_type: 'main', item_id: 'msg_3' });
    expect(events[6].message).not.toContain('Done: wrote');
  });

  it('keeps every merged attribute (resource + record) in raw', () => {
    // As written to the log: raw.attributes is one object, the resource's attributes and the record's.
    const attrs = JSON.parse(JSON.stringify(events[4].raw)).attributes as Record<string, unknown>;
    expect(attrs['host.name']).toBe('vm');
    expect(attrs['service.name']).toBe('codex_exec');
    expect(attrs.tool_result_seq).toBe(1);
    expect(attrs.agent_name).toBe('/root');
    expect(events[4].raw?.event_name).toBe('codex.tool_result');
  });
});

describe('Codex 0.169.0 protobuf capture', () => {
  const events = normalizer().normalizeLogs(protoLogs());

  it('gives the same sequence as JSON (no agent_response in this run)', () => {
    expect(events.map((e) => e.event.action)).toEqual([
      'session.started',
      'prompt.submitted',
      'token.usage',
      'approval.allowed',
      'command.executed',
      'token.usage',
    ]);
    checkCommon(events, events[0].session!.id!);
    expect(events[1].prompt).toEqual({ text: 'write hello to out.txt', length: 22 });
    expect(events[4].command).toMatchObject({ success: true, duration_ms: 199, call_id: 'call_1', exit_code: 0 });
    expect(events.filter((e) => e.event.action === 'token.usage').map((e) => e.gen_ai?.usage?.total_tokens)).toEqual([1052, 1053]);
    expect(events.map((e) => e.timestamp)).toEqual([
      '2026-11-24T05:20:54.250Z',
      '2026-11-24T05:20:54.375Z',
      '2026-11-24T05:20:54.426Z',
      '2026-11-24T05:20:54.441Z',
      '2026-11-24T05:20:54.631Z',
      '2026-11-24T05:20:54.669Z',
    ]);
  });
});
