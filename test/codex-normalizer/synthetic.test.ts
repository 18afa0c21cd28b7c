/**
 * The normalizer on hand-built records for the cases the captures do not cover: argv commands,
 * failing commands, apply_patch in its three wrappings, MCP tools, every approval decision,
 * transport errors, unknown events, the TUI's title-generation conversation, CI run context,
 * spans, timestamp fallbacks and attribute type coercion.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { BeaconEvent } from '../../electron/shared/event';
import { normalizeCodexLogs, normalizeCodexSpans } from '../../electron/codex/normalizer';
import { CONV, FIXED_NOW, batch, codexEvent, context, normalizer, record, spans, toolResult } from './helpers';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const run = (...records: Parameters<typeof batch>[0]): BeaconEvent[] => normalizer().normalizeLogs(batch(records));

const PATCH = [
  '*** Begin Patch',
  '*** Add File: docs/new.md',
  '+# New',
  '+hello',
  '*** Update File: src/app.ts',
  '@@ function main',
  '-  return 1;',
  '+  return 2;',
  '*** Delete File: old/legacy.ts',
  '*** Update File: src/a.ts',
  '*** Move to: src/b.ts',
  '@@',
  "-const q = 'x';",
  "+const q = 'y';",
  '*** End Patch',
].join('\n');

function expectPatchFiles(events: BeaconEvent[]): void {
  expect(events.map((e) => e.event.action)).toEqual(['file.modified', 'file.modified', 'file.modified', 'file.modified']);
  expect(events.map((e) => e.file && { path: e.file.path, operation: e.file.operation, move_to: e.file.move_to })).toEqual([
    { path: 'docs/new.md', operation: 'add', move_to: undefined },
    { path: 'src/app.ts', operation: 'update', move_to: undefined },
    { path: 'old/legacy.ts', operation: 'delete', move_to: undefined },
    { path: 'src/a.ts', operation: 'update', move_to: 'src/b.ts' },
  ]);
  const addHunk = '+# New\n+hello';
  expect(events[0].file?.diff_bytes).toBe(Buffer.byteLength(addHunk));
  expect(events[0].file?.diff_hash).toBe(sha(addHunk));
  expect(events[1].file?.diff_hash).toBe(sha('@@ function main\n-  return 1;\n+  return 2;'));
  expect(events[2].file?.diff_bytes).toBe(0);
  expect(events[3].file?.diff_hash).toBe(sha("@@\n-const q = 'x';\n+const q = 'y';"));
  expect(events[3].message).toBe('Codex moved src/a.ts -> src/b.ts');
  for (const e of events) {
    expect(e.event.category).toBe('file');
    expect(e.tool?.call_id).toBe('call_x');
    expect(e.tool?.success).toBe(true);
  }
}

describe('shell commands', () => {
  it('joins an argv command with shell quoting', () => {
    const [e] = run(toolResult({ tool_name: 'shell', arguments: JSON.stringify({ command: ['bash', '-lc', "echo 'hi there' && ls"], workdir: '/tmp' }) }));
    expect(e.event.action).toBe('command.executed');
    expect(e.command?.command).toBe(`bash -lc 'echo '\\''hi there'\\'' && ls'`);
  });

  it('reports a failing command with success false, the exit code and low severity', () => {
    const [e] = run(
      toolResult({
        tool_name: 'exec_command',
        call_id: 'call_9',
        success: 'false',
        duration_ms: '1234',
        arguments: '{"cmd":"npm test"}',
        output: 'Chunk ID: 1\nWall time: 1.2 seconds\nProcess exited with code 1\nOutput:\nFAIL\n',
      }),
    );
    expect(e.event.action).toBe('command.executed');
    expect(e.command).toMatchObject({ command: 'npm test', success: false, exit_code: 1, duration_ms: 1234, call_id: 'call_9' });
    expect(e.severity).toBe('low');
    expect(e.message).toBe('Codex ran `npm test` (exit 1)');
  });

  it('reads the exit code from the older JSON output shape', () => {
    const [e] = run(toolResult({ tool_name: 'shell', arguments: '{"command":["ls"]}', output: '{"output":"x","metadata":{"exit_code":2,"duration_seconds":0.1}}' }));
    expect(e.command?.exit_code).toBe(2);
  });
});

describe('apply_patch', () => {
  it('as a freeform custom tool (arguments are the raw patch): one file.modified per file', () => {
    expectPatchFiles(run(toolResult({ tool_name: 'apply_patch', tool_namespace: '', arguments: PATCH, output: 'Success. Updated the following files:...' })));
  });

  it('as a function tool with {"input": patch}', () => {
    expectPatchFiles(run(toolResult({ tool_name: 'apply_patch', arguments: JSON.stringify({ input: PATCH }) })));
  });

  it('through the shell as a heredoc', () => {
    const cmd = `apply_patch <<'EOF'\n${PATCH}\nEOF\n`;
    expectPatchFiles(run(toolResult({ tool_name: 'exec_command', arguments: JSON.stringify({ cmd, workdir: '/repo' }) })));
  });

  it("through the shell as apply_patch '<patch>' inside bash -lc (quotes unescaped)", () => {
    const quoted = "'" + PATCH.replace(/'/g, "'\\''") + "'";
    const argv = ['bash', '-lc', `apply_patch ${quoted}`];
    expectPatchFiles(run(toolResult({ tool_name: 'shell', arguments: JSON.stringify({ command: argv }) })));
  });

  it('through the shell as an argv array ["apply_patch", patch]', () => {
    expectPatchFiles(run(toolResult({ tool_name: 'shell', arguments: JSON.stringify({ command: ['apply_patch', PATCH] }) })));
  });

  it('a failed patch is one tool.failed naming its files, never a file.modified (patch-failure.test.ts has the rest)', () => {
    const events = run(toolResult({ tool_name: 'apply_patch', success: 'false', arguments: PATCH }));
    expect(events.map((e) => e.event.action)).toEqual(['tool.failed']);
    expect(events[0].severity).toBe('medium');
    expect(events[0].patch?.files.map((f) => f.path)).toEqual(['docs/new.md', 'src/app.ts', 'old/legacy.ts', 'src/a.ts']);
    expect(events[0].message).toBe('Codex patch failed for docs/new.md, src/app.ts, old/legacy.ts and 1 more: Codex reported the patch as failed');
  });

  it('a command that only mentions apply_patch stays a command', () => {
    const [e] = run(toolResult({ tool_name: 'exec_command', arguments: '{"cmd":"grep -r apply_patch src"}' }));
    expect(e.event.action).toBe('command.executed');
  });
});

describe('MCP and other tools', () => {
  it('an MCP tool (mcp_server set) is mcp.tool_invoked with server, tool, success, duration', () => {
    const [e] = run(
      toolResult({ tool_name: 'lookup', tool_namespace: 'mcp__weather', mcp_server: 'weather', mcp_server_origin: 'stdio', duration_ms: '42', arguments: '{"city":"Paris"}' }),
    );
    expect(e.event.action).toBe('mcp.tool_invoked');
    expect(e.event.category).toBe('mcp');
    expect(e.mcp).toEqual({ server: 'weather', tool: 'lookup', origin: 'stdio', call_id: 'call_x', success: true, duration_ms: 42 });
  });

  it('an MCP tool known only by its mcp__ namespace', () => {
    const [e] = run(toolResult({ tool_name: 'query', tool_namespace: 'mcp__db', mcp_server: '', success: 'false', arguments: '{"cmd":"select 1"}' }));
    expect(e.event.action).toBe('mcp.tool_invoked');
    expect(e.mcp).toMatchObject({ server: 'db', tool: 'query', success: false });
    expect(e.severity).toBe('medium');
  });

  it('other tools: tool.completed or tool.failed by success', () => {
    const [ok] = run(toolResult({ tool_name: 'view_image', arguments: '{"path":"a.png"}' }));
    const [bad] = run(toolResult({ tool_name: 'web_search', success: 'false', arguments: 'free text' }));
    expect(ok.event.action).toBe('tool.completed');
    expect(ok.tool).toMatchObject({ name: 'view_image', call_id: 'call_x', success: true, duration_ms: 25 });
    expect(bad.event.action).toBe('tool.failed');
    expect(bad.event.category).toBe('tool');
    expect(bad.gen_ai?.tool?.call?.arguments).toBe('free text');
  });
});

describe('approvals', () => {
  const decide = (decision: string, source = 'User'): BeaconEvent =>
    run(codexEvent('codex.tool_decision', { tool_name: 'exec_command', tool_namespace: 'functions', call_id: 'c1', decision, source }))[0];

  it.each([
    ['approved', 'approval.allowed'],
    ['approved_for_session', 'approval.allowed'],
    ['approved_execpolicy_amendment', 'approval.allowed'],
    ['denied', 'approval.denied'],
    ['abort', 'approval.denied'],
    ['something_new', 'approval.decided'],
  ])('%s -> %s', (decision, action) => {
    const e = decide(decision);
    expect(e.event.action).toBe(action);
    expect(e.event.category).toBe('approval');
    expect(e.approval).toEqual({ decision, source: 'User', tool: 'exec_command', call_id: 'c1' });
    expect(e.severity).toBe(action === 'approval.denied' ? 'medium' : 'info');
  });
});

describe('errors and noise', () => {
  it('an api_request with an error becomes session.error (high) with message and status', () => {
    const [e] = run(codexEvent('codex.api_request', { duration_ms: '12', 'http.response.status_code': 500, attempt: 1, endpoint: '/responses', 'error.message': 'http 500' }));
    expect(e.event.action).toBe('session.error');
    expect(e.event.category).toBe('session');
    expect(e.severity).toBe('high');
    expect(e.error).toEqual({ type: 'api_request', message: 'http 500', status_code: 500 });
    expect(e.message).toBe('Codex API request failed: http 500, attempt 2');
  });

  it('an api_request with status >= 400 and no message is an error too', () => {
    const [e] = run(codexEvent('codex.api_request', { 'http.response.status_code': '429' }));
    expect(e.error).toEqual({ type: 'api_request', status_code: 429 });
  });

  it('an sse_event with error.message is a session.error', () => {
    const [e] = run(codexEvent('codex.sse_event', { 'event.kind': 'response.failed', 'error.message': 'stream closed before response.completed' }));
    expect(e.event.action).toBe('session.error');
    expect(e.error?.message).toBe('stream closed before response.completed');
  });

  it('drops transport noise and non-event DEBUG records', () => {
    const events = run(
      codexEvent('codex.api_request', { duration_ms: '39', 'http.response.status_code': 200, attempt: 0 }),
      codexEvent('codex.sse_event', { 'event.kind': 'response.output_text.delta', duration_ms: '0' }),
      codexEvent('codex.sse_event', { 'event.kind': 'response.completed', duration_ms: '0' }),
      codexEvent('codex.startup_phase', { 'startup.phase': 'thread_start_total', duration_ms: '16' }),
      codexEvent('codex.turn_ttft', { duration_ms: '90' }),
      codexEvent('codex.websocket_connect', { duration_ms: '5', success: 'true' }),
      codexEvent('codex.websocket_request', { duration_ms: '5', success: 'true' }),
      record({}, { severityNumber: 5, severityText: 'DEBUG', body: 'flushing OTEL metrics' }),
      record({}, { severityNumber: 5, severityText: 'DEBUG', body: 'runtime metrics reset skipped' }),
    );
    expect(events).toEqual([]);
  });

  it('keeps a WARN record without event.name, so exporter trouble is visible', () => {
    const [e] = run(record({}, { severityNumber: 13, severityText: 'WARN', body: 'BatchLogProcessor.Emit.AfterShutdown' }));
    expect(e.event.action).toBe('codex.log');
    expect(e.severity).toBe('medium');
    expect(e.message).toContain('AfterShutdown');
  });

  it('keeps an unknown codex.* event in generic form with all attributes', () => {
    const [e] = run(codexEvent('codex.sandbox_outcome', { tool_name: 'exec_command', outcome: 'escalated', initial_duration_ms: 3 }));
    expect(e.event).toEqual({ kind: 'agent_runtime', action: 'codex.sandbox_outcome', category: 'other' });
    expect(e.session?.id).toBe(CONV);
    expect(JSON.parse(JSON.stringify(e.raw)).attributes.outcome).toBe('escalated');
    expect(e.raw?.event_name).toBe('codex.sandbox_outcome');
  });

  it('identifies events by the event.name attribute, never LogRecord.eventName', () => {
    const rec = record({ ...codexEvent('codex.turn_ttft', {}).attributes }, { eventName: 'codex.user_prompt' });
    expect(run(rec)).toEqual([]);
  });
});

describe('title-generation conversation', () => {
  const TITLE = '01a20c0d-0000-0000-0000-00000000717e';
  const tui = { originator: 'codex-tui' };

  it('marks every event of the conversation, including ones before the prompt and in later batches', () => {
    const n = normalizer();
    const first = n.normalizeLogs(
      batch([
        codexEvent('codex.conversation_starts', { sandbox_policy: 'workspace-write', mcp_servers: 'codex_tui', approval_policy: 'on-request' }, CONV),
        // exec-style start (not codex-tui): only the prompt identifies it
        codexEvent('codex.conversation_starts', { sandbox_policy: 'read-only', mcp_servers: '' }, TITLE),
        codexEvent('codex.user_prompt', { prompt: 'fix the bug', prompt_length: '11' }, CONV),
        codexEvent('codex.user_prompt', { prompt: 'Generate a concise, single-line task title for this. User prompt:\nfix the bug', prompt_length: '80' }, TITLE),
      ]),
    );
    expect(first.map((e) => [e.session?.id, e.session?.title_generation ?? false])).toEqual([
      [CONV, false],
      [TITLE, true],
      [CONV, false],
      [TITLE, true],
    ]);
    const later = n.normalizeLogs(
      batch([codexEvent('codex.sse_event', { 'event.kind': 'response.completed', input_token_count: '10', output_token_count: '5', cached_token_count: 0, reasoning_token_count: 0 }, TITLE)]),
    );
    expect(later[0].event.action).toBe('token.usage');
    expect(later[0].session?.title_generation).toBe(true);
    expect(n.isTitleGeneration(TITLE)).toBe(true);
    expect(n.isTitleGeneration(CONV)).toBe(false);
  });

  it('recognises the TUI title conversation from its read-only, MCP-less start alone', () => {
    const [e] = normalizer().normalizeLogs(batch([codexEvent('codex.conversation_starts', { ...tui, sandbox_policy: 'read-only', mcp_servers: '' }, TITLE)]));
    expect(e.session?.title_generation).toBe(true);
    expect(e.message).toContain('title-generation');
  });
});

describe('prompts, coercion, timestamps, identity', () => {
  it('keeps Codex\'s "[REDACTED]" prompt as-is, flagged as withheld by Codex', () => {
    const [e] = run(codexEvent('codex.user_prompt', { prompt: '[REDACTED]', prompt_length: '42' }));
    expect(e.prompt).toEqual({ text: '[REDACTED]', length: 42, withheld: true });
    expect(e.message).toBe('Codex prompt submitted (42 chars, text withheld by Codex)');
  });

  it('coerces string, int and bool attribute forms', () => {
    const [e] = run(
      codexEvent('codex.sse_event', {
        'event.kind': 'response.completed',
        input_token_count: 1000,
        output_token_count: '300',
        cached_token_count: '1200', // inconsistent: more cached than input -> floored, never negative
        reasoning_token_count: 500, // more reasoning than output -> floored
        cache_write_token_count: '7',
      }),
    );
    expect(e.gen_ai?.usage).toEqual({ input_tokens: 0, cached_input_tokens: 1200, output_tokens: 0, reasoning_output_tokens: 500, total_tokens: 1700, cache_write_input_tokens: 7 });
    const [t] = run(toolResult({ tool_name: 'x', success: true, duration_ms: 7, arguments: '' }));
    expect(t.tool).toMatchObject({ success: true, duration_ms: 7 });
    const [f] = run(toolResult({ tool_name: 'x', success: 'FALSE', duration_ms: '7.5' }));
    expect(f.event.action).toBe('tool.failed');
    expect(f.tool?.duration_ms).toBe(7.5);
  });

  it('normalizes event.timestamp to UTC milliseconds and falls back to observed time, then now', () => {
    const at = (attrs: Record<string, string>, extra = {}): string => run(record({ 'event.name': 'codex.user_prompt', prompt: 'x', ...attrs }, extra))[0].timestamp;
    expect(at({ 'event.timestamp': '2026-11-24T07:35:20.604123+02:00' })).toBe('2026-11-24T05:35:20.604Z');
    expect(at({ 'event.timestamp': '2026-11-24T05:35:20Z' })).toBe('2026-11-24T05:35:20.000Z');
    expect(at({ 'event.timestamp': 'garbage' })).toBe('2026-11-24T05:35:20.604Z'); // observedTimeUnixNano
    expect(at({}, { observedTimeUnixNano: '0', timeUnixNano: '1795498521088577309' })).toBe('2026-11-24T05:35:21.088Z');
    expect(at({}, { observedTimeUnixNano: '0', timeUnixNano: '0' })).toBe(FIXED_NOW.toISOString());
  });

  it('carries user identity when Codex sends it', () => {
    const [e] = run(codexEvent('codex.user_prompt', { prompt: 'x', 'user.email': 'dev@example.com', 'user.account_id': 'acct_1' }));
    expect(e.user).toEqual({ email: 'dev@example.com', account_id: 'acct_1' });
  });

  it('lists MCP servers of a session as an array', () => {
    const [e] = run(codexEvent('codex.conversation_starts', { mcp_servers: 'weather, db', reasoning_effort: 'high', provider_name: 'openai', context_window: '272000' }));
    expect(e.session).toMatchObject({ id: CONV, mcp_servers: ['weather', 'db'], reasoning_effort: 'high', provider: 'openai', context_window: 272000 });
  });
});

describe('CI run context from resource attributes', () => {
  it('maps beacon.run.* (percent-decoded, aliases) and sets origin ci', () => {
    const events = normalizer().normalizeLogs(
      batch([codexEvent('codex.user_prompt', { prompt: 'x' })], {
        'service.name': 'codex_github_action',
        'beacon.run.workflow': 'CI%20build',
        'beacon.run.id': '123456789012',
        'beacon.run.attempt': '2',
        'beacon.run.repository': 'acme/app',
        'beacon.run.sha': 'abc123',
        'beacon.run.pr_number': '17',
      }),
    );
    expect(events[0].origin).toBe('ci');
    expect(events[0].run).toEqual({ workflow: 'CI build', run_id: '123456789012', run_attempt: 2, repository: 'acme/app', commit: 'abc123', pr_number: 17 });
  });

  it('maps GitHub keys with provider github_actions; beacon.origin decides the origin', () => {
    const [e] = normalizer().normalizeLogs(
      batch([codexEvent('codex.user_prompt', { prompt: 'x' })], { 'github.run_id': '99', 'github.workflow': 'nightly', 'beacon.origin': 'cloud' }),
    );
    expect(e.run).toEqual({ provider: 'github_actions', run_id: '99', workflow: 'nightly' });
    expect(e.origin).toBe('cloud');
  });

  it('no run keys: no run block, no origin', () => {
    const [e] = run(codexEvent('codex.user_prompt', { prompt: 'x' }));
    expect(e.run).toBeUndefined();
    expect(e.origin).toBeUndefined();
  });
});

describe('spans', () => {
  it('are dropped unless includeSpans', () => {
    expect(normalizeCodexSpans(spans([{ name: 'session_task.turn' }]), context())).toEqual([]);
  });

  it('become one span.recorded per span with name, kind, status, duration and trace ids', () => {
    const events = normalizeCodexSpans(
      spans([
        { name: 'session_task.turn', attributes: { 'conversation.id': CONV } },
        { name: 'handle_responses', kind: 3, parentSpanId: 'cc'.repeat(8), status: { code: 2, message: 'boom' } },
      ]),
      context({ includeSpans: true }),
    );
    expect(events.map((e) => e.event.action)).toEqual(['span.recorded', 'span.recorded']);
    expect(events[0].event.category).toBe('span');
    expect(events[0].timestamp).toBe('2026-11-24T05:35:20.604Z');
    expect(events[0].span).toEqual({ name: 'session_task.turn', kind: 'INTERNAL', status: 'UNSET', duration_ms: 100, scope: 'codex_exec' });
    expect(events[0].session?.id).toBe(CONV);
    expect(events[1].span).toMatchObject({ name: 'handle_responses', kind: 'CLIENT', status: 'ERROR', status_message: 'boom' });
    expect(events[1].trace).toEqual({ id: 'aa'.repeat(16), span_id: 'bb'.repeat(8), parent_span_id: 'cc'.repeat(8) });
    expect(events[1].raw?.otel_signal).toBe('traces');
  });
});

describe('plain function form', () => {
  it('normalizeCodexLogs works without keeping state', () => {
    expect(normalizeCodexLogs(batch([codexEvent('codex.user_prompt', { prompt: 'x' })]), context())[0].event.action).toBe('prompt.submitted');
  });
});
