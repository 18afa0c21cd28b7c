/**
 * Did an apply_patch call change anything? Codex's `success` flag is the first answer, but it is
 * not the only one: a shell-run patch can report success with a non-zero exit code, and releases
 * differ in what they flag. The output text Codex returns to the model settles it.
 *
 * The strings below were captured from the real Codex 0.169.0 (test/fixtures/codex-0.169.0-failed-patch):
 *   apply_patch verification failed: Failed to read file to update /abs/src/hello.ts: No such file or directory (os error 2)
 *   apply_patch verification failed: Failed to find expected lines in /abs/exists.txt:\n<the lines>
 *   apply_patch verification failed: invalid patch: The first line of the patch must be '*** Begin Patch'
 *   tool apply_patch invoked with incompatible payload      (function form where the freeform tool is offered)
 *   unsupported call: apply_patch                            (a tool the model was not offered; 0.60-0.77)
 *   failed to parse function arguments: ...
 * and on success: "Exit code: 0\n...Success. Updated the following files:\nA src/ok.ts".
 *
 * Codex verifies the whole patch before it writes a byte (a two-file patch whose second file is
 * missing left the first one unwritten), so a patch that fails verification changed none of its
 * files; Beacon says "failed", names the files it tried, and claims no change.
 *
 * The reason is reduced to a kind and a fixed sentence: Codex's text can quote the patch's lines
 * ("Failed to find expected lines in X:\n<lines>"), which the `metadata` content policy must not
 * keep, and error messages survive that policy. The full text stays in `tool.output`, which the
 * policy handles.
 */
import { exitCodeFromOutput } from './normalize-command';

export type PatchFailureKind = 'file_not_found' | 'context_mismatch' | 'invalid_patch' | 'tool_unavailable' | 'patch_failed';

export interface PatchOutcome {
  failed: boolean;
  /** Set when failed. */
  reason?: { type: PatchFailureKind; message: string };
}

const FAILURE_PREFIXES = [
  'apply_patch verification failed',
  'unsupported call',
  'tool apply_patch invoked with incompatible payload',
  'failed to parse function arguments',
];

function classify(output: string | undefined): { type: PatchFailureKind; message: string } {
  const text = output ?? '';
  const firstLine = text.split('\n', 1)[0];
  const missing = /Failed to read file to (update|delete)\b.*: (No such file or directory|Not a directory)/.exec(firstLine);
  if (missing) return { type: 'file_not_found', message: `the file to ${missing[1]} does not exist` };
  const unreadable = /Failed to read file to (update|delete)\b.*: ([A-Za-z][A-Za-z ]{2,60}) \(os error \d+\)/.exec(firstLine);
  if (unreadable) return { type: 'file_not_found', message: `the file to ${unreadable[1]} could not be read (${unreadable[2]})` };
  if (/Failed to find expected lines/.test(firstLine)) return { type: 'context_mismatch', message: 'its context lines are not in the file' };
  if (/invalid (patch|hunk)/i.test(firstLine)) return { type: 'invalid_patch', message: 'the patch text is not a valid patch' };
  if (/^unsupported call/.test(firstLine)) return { type: 'tool_unavailable', message: 'this Codex did not offer the apply_patch tool' };
  if (/incompatible payload|failed to parse function arguments/.test(firstLine)) {
    return { type: 'tool_unavailable', message: 'Codex did not accept the call in this form' };
  }
  return { type: 'patch_failed', message: 'Codex reported the patch as failed' };
}

/** What apply_patch prints after writing (the tool and Codex's `apply_patch` shell helper alike). */
const APPLIED_MARKER = 'Success. Updated the following files';

/**
 * In order: Codex's flag, Codex's own failure text, apply_patch's success line (a shell command
 * like `apply_patch <<EOF ... EOF && npm test` can exit 1 after the patch was written), and last
 * the exit code a shell-run patch states.
 */
export function patchOutcome(success: boolean | undefined, output: string | undefined): PatchOutcome {
  const failed = success === false || (output !== undefined && FAILURE_PREFIXES.some((p) => output.startsWith(p))) || (!output?.includes(APPLIED_MARKER) && exitFailed(output));
  return failed ? { failed, reason: classify(output) } : { failed };
}

function exitFailed(output: string | undefined): boolean {
  const exit = exitCodeFromOutput(output);
  return exit !== undefined && exit !== 0;
}
