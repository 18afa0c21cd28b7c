/**
 * Issue 12 item 1: a patch Codex did not apply is not a file change. From the real Codex 0.169.0
 * capture (test/fixtures/codex-0.169.0-failed-patch) and from the output strings Codex gives in
 * the other wrappings (captured from the same binary), a failed apply_patch becomes ONE
 * `tool.failed` naming the files it tried, and never a `file.modified`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeOtlpProtobuf } from '../../electron/collector/decode-protobuf';
import { applyContentPolicy } from '../../electron/log/content-policy';
import type { BeaconEvent } from '../../electron/shared/event';
import { batch, normalizer, toolResult } from './helpers';

const run = (...records: Parameters<typeof batch>[0]): BeaconEvent[] => normalizer().normalizeLogs(batch(records));

const MISSING_PATCH = ['*** Begin Patch', '*** Update File: src/hello.ts', '@@', '-old line', '+new line', '*** End Patch'].join('\n');
const MISSING_OUTPUT = 'apply_patch verification failed: Failed to read file to update /tmp/ws/src/hello.ts: No such file or directory (os error 2)';

describe('the real Codex 0.169.0 failed-patch capture', () => {
  const req = decodeOtlpProtobuf('logs', readFileSync(join(__dirname, '..', 'fixtures', 'codex-0.169.0-failed-patch', 'logs.bin')));
  if (req.signal !== 'logs') throw new Error('expected logs');
  const events = normalizer().normalizeLogs(req.resourceLogs);
  const of = (action: string) => events.filter((e) => e.event.action === action);

  it('writes file.modified only for the patch that was applied', () => {
    expect(of('file.modified').map((e) => [e.file?.path, e.file?.operation, e.tool?.call_id, e.tool?.success])).toEqual([['src/hello.ts', 'add', 'call_patch_add', true]]);
    expect(of('file.modified')[0].message).toBe('Codex added src/hello.ts');
  });

  it('writes one tool.failed per failed patch, naming the file it tried and why it failed', () => {
    const failed = of('tool.failed');
    expect(failed.map((e) => e.tool?.call_id)).toEqual(['call_patch_update_missing', 'call_patch_context_mismatch']);
    for (const e of failed) {
      expect(e.event.category).toBe('tool');
      expect(e.severity).toBe('medium');
      expect(e.file).toBeUndefined();
      expect(e.patch).toEqual({ files: [{ path: 'src/hello.ts', operation: 'update' }] });
      expect(e.tool).toMatchObject({ name: 'apply_patch', path: 'src/hello.ts', success: false });
      expect(e.tool?.output).toMatch(/^apply_patch verification failed: /);
    }
    expect(failed.map((e) => e.error)).toEqual([
      { type: 'file_not_found', message: 'the file to update does not exist' },
      { type: 'context_mismatch', message: 'its context lines are not in the file' },
    ]);
    expect(failed.map((e) => e.message)).toEqual([
      'Codex patch failed for src/hello.ts: the file to update does not exist',
      'Codex patch failed for src/hello.ts: its context lines are not in the file',
    ]);
  });
});

describe('failed patches in every wrapping (output strings from Codex 0.169.0)', () => {
  it('freeform: one event for a multi-file patch, naming every file, none as modified', () => {
    const patch = ['*** Begin Patch', '*** Add File: multi-a.txt', '+a', '*** Update File: nope/missing.txt', '@@', '-x', '+y', '*** End Patch'].join('\n');
    const events = run(toolResult({ tool_name: 'apply_patch', success: 'false', arguments: patch, output: 'apply_patch verification failed: Failed to read file to update /tmp/ws/nope/missing.txt: No such file or directory (os error 2)' }));
    expect(events.map((e) => e.event.action)).toEqual(['tool.failed']);
    expect(events[0].patch?.files.map((f) => f.path)).toEqual(['multi-a.txt', 'nope/missing.txt']);
    expect(events[0].message).toBe('Codex patch failed for multi-a.txt, nope/missing.txt: the file to update does not exist');
  });

  it('function form Codex did not accept ("incompatible payload")', () => {
    const good = ['*** Begin Patch', '*** Add File: src/ok.ts', '+export const ok = 1;', '*** End Patch'].join('\n');
    const [e, ...rest] = run(toolResult({ tool_name: 'apply_patch', success: 'false', arguments: JSON.stringify({ input: good }), output: 'tool apply_patch invoked with incompatible payload' }));
    expect(rest).toEqual([]);
    expect(e.event.action).toBe('tool.failed');
    expect(e.patch?.files).toEqual([{ path: 'src/ok.ts', operation: 'add' }]);
    expect(e.error).toEqual({ type: 'tool_unavailable', message: 'Codex did not accept the call in this form' });
  });

  it('a tool the model was not offered ("unsupported call", Codex 0.60-0.77)', () => {
    const [e] = run(toolResult({ tool_name: 'apply_patch', success: 'false', arguments: MISSING_PATCH, output: 'unsupported call: apply_patch' }));
    expect(e.event.action).toBe('tool.failed');
    expect(e.error?.type).toBe('tool_unavailable');
  });

  it('through the shell (exec_command heredoc, Codex intercepts it)', () => {
    const cmd = `cd . && apply_patch <<'EOF'\n${MISSING_PATCH}\nEOF`;
    const [e, ...rest] = run(toolResult({ tool_name: 'exec_command', success: 'false', arguments: JSON.stringify({ cmd }), output: MISSING_OUTPUT }));
    expect(rest).toEqual([]);
    expect(e.event.action).toBe('tool.failed');
    expect(e.tool).toMatchObject({ name: 'exec_command', path: 'src/hello.ts', success: false });
  });

  it("through the shell when Codex flags success but the command's exit code says otherwise", () => {
    const cmd = `apply_patch <<'EOF'\n${MISSING_PATCH}\nEOF`;
    const [e] = run(toolResult({ tool_name: 'exec_command', success: 'true', arguments: JSON.stringify({ cmd }), output: 'Chunk ID: 1\nProcess exited with code 1\nOutput:\nFailed to find expected lines in src/hello.ts' }));
    expect(e.event.action).toBe('tool.failed');
    expect(e.tool?.success).toBe(false);
  });

  it('a shell patch that was applied before a later part of the command failed is still a change', () => {
    const cmd = `apply_patch <<'EOF'\n${MISSING_PATCH}\nEOF\nnpm test`;
    const [e] = run(toolResult({ tool_name: 'exec_command', success: 'true', arguments: JSON.stringify({ cmd }), output: 'Process exited with code 1\nOutput:\nSuccess. Updated the following files:\nM src/hello.ts\nnpm ERR! test failed' }));
    expect(e.event.action).toBe('file.modified');
  });

  it('an apply_patch whose text is not a patch is still a failed patch, naming no file', () => {
    const [e] = run(toolResult({ tool_name: 'apply_patch', success: 'false', arguments: 'not a patch at all', output: "apply_patch verification failed: invalid patch: The first line of the patch must be '*** Begin Patch'" }));
    expect(e.event.action).toBe('tool.failed');
    expect(e.patch).toEqual({ files: [] });
    expect(e.message).toBe('Codex patch failed: the patch text is not a valid patch');
  });

  it('keeps no patch text in the message or error under the metadata policy', () => {
    const out = 'apply_patch verification failed: Failed to find expected lines in /tmp/ws/src/hello.ts:\nconst secret_line = 1;';
    const [e] = run(toolResult({ tool_name: 'apply_patch', success: 'false', arguments: MISSING_PATCH, output: out }));
    const kept = JSON.stringify(applyContentPolicy(e, 'metadata'));
    expect(kept).not.toContain('secret_line');
    expect(kept).not.toContain('old line');
    expect(e.message).toBe('Codex patch failed for src/hello.ts: its context lines are not in the file');
    expect(e.patch?.files[0].path).toBe('src/hello.ts');
  });
});
