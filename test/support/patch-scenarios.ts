/**
 * Model scripts for the fake Responses API (fake-responses-api.ts) that exercise apply_patch
 * failures in the real Codex CLI. Codex verifies a patch before writing, and answers the model
 * with "apply_patch verification failed: ..." and `success: false` in its `codex.tool_result`.
 */
import type { ModelTurn, TurnUsage } from './fake-responses-api';

export const FAILED_PATCH_FILE = { path: 'src/hello.ts', content: 'export const hello = "beacon";\n' } as const;

export const FAILED_PATCH_CALL_IDS = {
  /** Update File on a file that does not exist yet: fails. */
  missing: 'call_patch_update_missing',
  /** Add File: succeeds, the only real change. */
  add: 'call_patch_add',
  /** Update File whose context line is not in the (now existing) file: fails. */
  mismatch: 'call_patch_context_mismatch',
} as const;

/** Distinct usage per response, with cached input, so Codex's own total and Beacon's differ. */
export const FAILED_PATCH_USAGES: readonly TurnUsage[] = [
  { input_tokens: 2000, cached_tokens: 0, output_tokens: 40, reasoning_tokens: 10 },
  { input_tokens: 2400, cached_tokens: 1800, output_tokens: 60, reasoning_tokens: 20 },
  { input_tokens: 2600, cached_tokens: 2200, output_tokens: 50, reasoning_tokens: 10 },
  { input_tokens: 2900, cached_tokens: 2400, output_tokens: 30, reasoning_tokens: 0 },
];

export const FAILED_PATCH_FINAL_TEXT = 'Created src/hello.ts after two patches failed.';

function patch(lines: string[]): string {
  return ['*** Begin Patch', ...lines, '*** End Patch'].join('\n');
}

/**
 * 1. apply_patch (freeform) updating src/hello.ts, which does not exist  -> fails
 * 2. apply_patch adding src/hello.ts                                    -> succeeds
 * 3. apply_patch updating src/hello.ts with a hunk that does not match  -> fails
 * 4. final answer.
 */
export function failedPatchScenario(): { prompt: string; turns: ModelTurn[] } {
  const { path, content } = FAILED_PATCH_FILE;
  return {
    prompt: 'fix the greeting in src/hello.ts',
    turns: [
      {
        kind: 'custom_tool_call',
        name: 'apply_patch',
        input: patch([`*** Update File: ${path}`, '@@', '-export const hello = "world";', '+export const hello = "beacon";']),
        callId: FAILED_PATCH_CALL_IDS.missing,
        usage: FAILED_PATCH_USAGES[0],
      },
      {
        kind: 'custom_tool_call',
        name: 'apply_patch',
        input: patch([`*** Add File: ${path}`, ...content.replace(/\n$/, '').split('\n').map((l) => `+${l}`)]),
        callId: FAILED_PATCH_CALL_IDS.add,
        usage: FAILED_PATCH_USAGES[1],
      },
      {
        kind: 'custom_tool_call',
        name: 'apply_patch',
        input: patch([`*** Update File: ${path}`, '@@', '-this line is not in the file', '+replacement']),
        callId: FAILED_PATCH_CALL_IDS.mismatch,
        usage: FAILED_PATCH_USAGES[2],
      },
      { kind: 'message', text: FAILED_PATCH_FINAL_TEXT, phase: 'final_answer', usage: FAILED_PATCH_USAGES[3] },
    ],
  };
}
