import { describe, expect, it } from 'vitest';
import { batch, normalizer, toolResult } from './helpers';

// Codex 0.169.0 reports success "true" for a shell tool call whose command exited non-zero (the
// tool call worked); the command's own result is only in the output preview.
describe('command.executed success comes from the command, not from the tool call', () => {
  const run = (success: string, output: string) =>
    normalizer().normalizeLogs(
      batch([toolResult({ tool_name: 'exec_command', call_id: 'c1', success, duration_ms: '12', arguments: JSON.stringify({ cmd: 'ls /nope' }), output })]),
    )[0];

  it('a non-zero exit stated in the output is a failure even when Codex says success=true', () => {
    const e = run('true', 'Chunk ID: 1\nWall time: 0.0 seconds\nProcess exited with code 2\nOutput:\nls: cannot access');
    expect(e.event.action).toBe('command.executed');
    expect(e.command).toMatchObject({ success: false, exit_code: 2, call_id: 'c1' });
    expect(e.message).toContain('exit 2');
  });

  it('exit code 0 is a success', () => {
    expect(run('true', 'Process exited with code 0\nOutput:\nok').command).toMatchObject({ success: true, exit_code: 0 });
  });

  it('without a stated exit code, Codex success=false still means failure', () => {
    expect(run('false', 'sandbox denied').command?.success).toBe(false);
  });
});
