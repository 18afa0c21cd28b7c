/**
 * The three content policies on events built by the real normalizer: secrets are masked in
 * every mode; `redacted` also caps texts at 4096 characters; `metadata` keeps no free text but
 * fingerprints what it removed.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { POLICY_TRUNCATION_MARKER, TEXT_LIMIT, applyContentPolicy } from '../../electron/log/content-policy';
import type { BeaconEvent, ContentPolicy } from '../../electron/shared/event';
import { batch, codexEvent, normalizer, toolResult } from '../codex-normalizer/helpers';

const SECRET = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
const LONG_OUTPUT = 'Process exited with code 0\nOutput:\n' + 'x'.repeat(10_000) + `\ntoken=${SECRET}\n`;

function events(): BeaconEvent[] {
  return normalizer().normalizeLogs(
    batch([
      codexEvent('codex.user_prompt', { prompt: `deploy using GITHUB_TOKEN=${SECRET} please`, prompt_length: '73' }),
      toolResult({
        tool_name: 'exec_command',
        call_id: 'call_1',
        arguments: JSON.stringify({ cmd: `curl -H "Authorization: Bearer ${SECRET}" https://x`, workdir: '/repo' }),
        output: LONG_OUTPUT,
      }),
      codexEvent('codex.agent_response', { response: 'Done. The password: hunter22 was rotated.', response_length: 41 }),
      codexEvent('codex.api_request', { 'http.response.status_code': 401, 'error.message': 'http 401: invalid api_key=sk-live-123' }),
      toolResult({ tool_name: 'apply_patch', arguments: '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch' }),
    ]),
  );
}

const policed = (policy: ContentPolicy): BeaconEvent[] => events().map((e) => applyContentPolicy(e, policy));
const json = (e: BeaconEvent): string => JSON.stringify(e);
/** `raw` as it is written to the log (raw.attributes is then one merged object). */
const writtenRaw = (e: BeaconEvent): Record<string, unknown> => JSON.parse(JSON.stringify(e.raw)) as Record<string, unknown>;

describe.each(['full', 'redacted', 'metadata'] as const)('%s', (policy) => {
  it('never writes a secret anywhere in the event, and records the policy', () => {
    for (const e of policed(policy)) {
      expect(json(e)).not.toContain(SECRET);
      expect(json(e)).not.toContain('hunter22');
      expect(json(e)).not.toContain('sk-live-123');
      expect(e.content?.retention).toBe(policy);
    }
  });

  it('keeps metadata: paths, tool names, decisions, counts, exit codes', () => {
    const [prompt, cmd, , error, file] = policed(policy);
    expect(prompt.prompt?.length).toBe(73);
    expect(cmd.command).toMatchObject({ success: true, exit_code: 0, call_id: 'call_1' });
    expect(cmd.tool?.name).toBe('exec_command');
    expect(error.error?.status_code).toBe(401);
    expect(file.file).toMatchObject({ path: 'a.txt', operation: 'add' });
  });
});

describe('full', () => {
  it('keeps texts whole, with secrets masked', () => {
    const [prompt, cmd, response] = policed('full');
    expect(prompt.prompt?.text).toBe('deploy using GITHUB_TOKEN=[REDACTED:github-token] please');
    expect(cmd.command?.command).toBe('curl -H "Authorization: Bearer [REDACTED:github-token]" https://x');
    expect(cmd.command?.output?.length).toBeGreaterThan(10_000);
    expect(cmd.command?.output).toContain('token=[REDACTED:github-token]');
    expect(response.response?.text).toBe('Done. The password: [REDACTED] was rotated.');
    expect(cmd.content).toEqual({ retention: 'full', redacted: true, truncated: false });
    expect(cmd.field_truncated).toBeUndefined();
  });

  it('masks secrets in parsed tool arguments and raw attributes', () => {
    const [, cmd] = policed('full');
    expect((cmd.gen_ai?.tool?.call?.arguments as { cmd: string }).cmd).toContain('Bearer [REDACTED:github-token]');
    const attrs = writtenRaw(cmd).attributes as Record<string, string>;
    expect(attrs.arguments).toContain('[REDACTED:github-token]');
    expect(attrs.call_id).toBe('call_1');
  });

  it('reports redacted: false for an event without secrets', () => {
    const [, , , , file] = policed('full');
    expect(file.content).toEqual({ retention: 'full', redacted: false, truncated: false });
  });
});

describe('redacted (default)', () => {
  it('also cuts long texts at 4096 characters with a marker, and says so', () => {
    const [, cmd] = policed('redacted');
    expect(cmd.command?.output).toHaveLength(TEXT_LIMIT + POLICY_TRUNCATION_MARKER.length);
    expect(cmd.command?.output?.endsWith(POLICY_TRUNCATION_MARKER)).toBe(true);
    expect((writtenRaw(cmd).attributes as Record<string, string>).output.length).toBe(TEXT_LIMIT + POLICY_TRUNCATION_MARKER.length);
    expect(cmd.content).toEqual({ retention: 'redacted', redacted: true, truncated: true });
    expect(cmd.field_truncated).toBe(true);
  });

  it('keeps short texts whole (secrets masked)', () => {
    const [prompt] = policed('redacted');
    expect(prompt.prompt?.text).toBe('deploy using GITHUB_TOKEN=[REDACTED:github-token] please');
    expect(prompt.content?.truncated).toBe(false);
  });
});

describe('metadata', () => {
  const sha = (s: string): string => createHash('sha256').update(s).digest('hex');

  it('removes prompt, command, arguments, output and response text, and fingerprints them', () => {
    const [prompt, cmd, response] = policed('metadata');
    expect(prompt.prompt).toEqual({ length: 73, hash: sha('deploy using GITHUB_TOKEN=[REDACTED:github-token] please') });
    expect(prompt.content?.withheld?.['prompt.text']).toEqual({ length: 73, sha256: prompt.prompt?.hash });
    expect(cmd.command?.command).toBeUndefined();
    expect(cmd.command?.output).toBeUndefined();
    expect(cmd.tool?.command).toBeUndefined();
    expect(cmd.gen_ai?.tool?.call).toEqual({ id: 'call_1' });
    expect(Object.keys(cmd.content?.withheld ?? {}).sort()).toEqual(['command.command', 'command.output', 'gen_ai.tool.call.arguments', 'raw.attributes.arguments', 'raw.attributes.output', 'tool.command']);
    expect(response.response?.text).toBeUndefined();
    expect(response.response?.length).toBe(41);
  });

  it('removes text attributes from raw and quotes no text in messages', () => {
    const [prompt, cmd, response, error] = policed('metadata');
    for (const e of [prompt, cmd, response]) {
      const attrs = writtenRaw(e).attributes as Record<string, unknown>;
      for (const k of ['prompt', 'arguments', 'output', 'response']) expect(attrs).not.toHaveProperty(k);
      expect(attrs['conversation.id']).toBeDefined();
    }
    expect(cmd.message).toBe('Command executed (exit 0)');
    expect(json(cmd)).not.toContain('curl');
    expect(json(prompt)).not.toContain('deploy using');
    expect(json(response)).not.toContain('rotated');
    expect(error.message).toBe('Session error (HTTP 401)');
    expect(error.error?.message).toBe('http 401: invalid api_key=[REDACTED]');
  });

  it('equal texts give equal hashes, so commands can still be correlated', () => {
    const a = policed('metadata')[1].content?.withheld?.['command.command'];
    const b = policed('metadata')[1].content?.withheld?.['command.command'];
    expect(a).toEqual(b);
  });
});

describe('metadata: no free text anywhere in raw', () => {
  function custom(): BeaconEvent {
    const [ev] = normalizer().normalizeLogs(
      batch(
        [
          codexEvent('codex.tool_decision', {
            tool_name: 'exec_command',
            call_id: 'call_9',
            decision: 'approved',
            'my.note': 'the customer said their pin is 4321',
            'my.kv': { inner: { note: 'free text', n: 2 }, flag: true },
            'my.list': ['a', 'b'],
            'my.numbers': [1, 2, 3],
            'my.count': 7,
          }),
        ],
        { 'service.name': 'codex_exec', 'host.name': 'vm', 'team.motto': 'ship it friday' },
      ),
    );
    return applyContentPolicy(ev, 'metadata');
  }

  it('withholds every string of an unknown attribute, at any depth, resource included', () => {
    const e = custom();
    const attrs = writtenRaw(e).attributes as Record<string, unknown>;
    for (const k of ['my.note', 'my.kv', 'my.list', 'team.motto']) expect(attrs).not.toHaveProperty(k);
    expect(Object.keys(e.content?.withheld ?? {}).sort()).toEqual(['raw.attributes.my.kv', 'raw.attributes.my.list', 'raw.attributes.my.note', 'raw.attributes.team.motto']);
    expect(json(e)).not.toMatch(/pin is|free text|ship it/);
  });

  it('keeps numbers, booleans and known metadata strings', () => {
    const attrs = writtenRaw(custom()).attributes as Record<string, unknown>;
    expect(attrs).toMatchObject({ tool_name: 'exec_command', call_id: 'call_9', decision: 'approved', 'my.numbers': [1, 2, 3], 'my.count': 7, 'service.name': 'codex_exec', 'host.name': 'vm' });
  });
});

describe('every string is masked, not only the text fields', () => {
  it('masks a secret in the session, user, run or tool name fields', () => {
    const [ev] = normalizer().normalizeLogs(batch([codexEvent('codex.user_prompt', { prompt: 'hi there', 'user.email': `dev+${SECRET}@example.com` })]));
    const e = applyContentPolicy(ev, 'full');
    expect(json(e)).not.toContain(SECRET);
    expect(e.user?.email).toBe('dev+[REDACTED:github-token]@example.com');
  });
});

it('rejects an unknown policy with a clear error', () => {
  expect(() => applyContentPolicy(events()[0], 'none' as ContentPolicy)).toThrow(/unknown content policy "none"/);
});
