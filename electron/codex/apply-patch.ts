/**
 * Codex's apply_patch format, read for telemetry: which files a patch adds, updates (maybe
 * moving them) or deletes, and a size and fingerprint of each file's part of the patch.
 *
 *   *** Begin Patch
 *   *** Add File: path        (+ lines follow)
 *   *** Update File: path
 *   *** Move to: new/path     (optional, right after Update File)
 *   @@ ... / -old / +new      (hunks)
 *   *** Delete File: path
 *   *** End Patch
 *
 * The same patch reaches us in three wrappings: the raw text (freeform custom tool), a JSON
 * function argument, or a shell command (`apply_patch <<'EOF' ... EOF`, `apply_patch '<patch>'`,
 * or an argv array). `findPatchText` digs it out of any of them. We never apply anything.
 */
import { createHash } from 'node:crypto';

export const BEGIN_PATCH = '*** Begin Patch';
export const END_PATCH = '*** End Patch';

const ADD = '*** Add File: ';
const UPDATE = '*** Update File: ';
const DELETE = '*** Delete File: ';
const MOVE = '*** Move to: ';

export interface PatchFileChange {
  path: string;
  operation: 'add' | 'update' | 'delete';
  /** Set when an Update File section also moves the file. */
  move_to?: string;
  /** UTF-8 bytes of this file's section of the patch (header lines excluded). */
  diff_bytes: number;
  /** sha256 (hex) of this file's section of the patch (header lines excluded). */
  diff_hash: string;
}

interface Section {
  path: string;
  operation: PatchFileChange['operation'];
  move_to?: string;
  body: string[];
}

/** The files a patch touches, in patch order. Text that is not a patch gives []. */
export function parsePatchFiles(patch: string): PatchFileChange[] {
  const start = patch.indexOf(BEGIN_PATCH);
  if (start < 0) return [];
  const lines = patch.slice(start + BEGIN_PATCH.length).split('\n');
  const sections: Section[] = [];
  let current: Section | undefined;
  for (let raw of lines) {
    if (raw.endsWith('\r')) raw = raw.slice(0, -1);
    if (raw.startsWith('*** ')) {
      if (raw.startsWith(END_PATCH)) break;
      const header = fileHeader(raw);
      if (header) {
        current = { ...header, body: [] };
        sections.push(current);
        continue;
      }
      if (current && current.operation === 'update' && raw.startsWith(MOVE) && current.body.length === 0) {
        const to = raw.slice(MOVE.length).trim();
        if (to) current.move_to = to;
        continue;
      }
      // '*** End of File' and other markers belong to the hunk text.
    }
    current?.body.push(raw);
  }
  return sections.map((s) => {
    const body = s.body.join('\n');
    const change: PatchFileChange = {
      path: s.path,
      operation: s.operation,
      diff_bytes: Buffer.byteLength(body, 'utf8'),
      diff_hash: createHash('sha256').update(body, 'utf8').digest('hex'),
    };
    if (s.move_to) change.move_to = s.move_to;
    return change;
  });
}

function fileHeader(line: string): Omit<Section, 'body'> | undefined {
  let path: string | undefined;
  let operation: PatchFileChange['operation'] | undefined;
  if (line.startsWith(ADD)) [path, operation] = [line.slice(ADD.length), 'add'];
  else if (line.startsWith(UPDATE)) [path, operation] = [line.slice(UPDATE.length), 'update'];
  else if (line.startsWith(DELETE)) [path, operation] = [line.slice(DELETE.length), 'delete'];
  if (!operation || path === undefined) return undefined;
  path = path.trim();
  return path ? { path, operation } : undefined;
}

/**
 * The patch text inside `s`, unwrapped from shell quoting when it sits in a quoted argument;
 * undefined when `s` holds no patch. A heredoc body is taken verbatim (that is what the shell
 * passes on for a quoted delimiter, which is how Codex writes it).
 */
export function findPatchText(s: string): string | undefined {
  const begin = s.indexOf(BEGIN_PATCH);
  if (begin < 0) return undefined;
  const endAt = s.lastIndexOf(END_PATCH);
  const end = endAt > begin ? endAt + END_PATCH.length : s.length;
  const text = s.slice(begin, end);
  const quote = begin > 0 ? s[begin - 1] : '';
  if (quote === "'") {
    // Inside '...', a literal quote is written '\'' (or '"'"'): undo both.
    return text.indexOf("'") >= 0 ? text.replace(/'\\''|'"'"'/g, "'") : text;
  }
  if (quote === '"') {
    return text.indexOf('\\') >= 0 ? text.replace(/\\([\\"$`])/g, '$1') : text;
  }
  return text;
}

/**
 * Whether a shell command runs apply_patch with an inline patch. Both markers are required so
 * a command that merely mentions apply_patch (`grep apply_patch`) is still a command.
 */
export function isShellApplyPatch(command: string): boolean {
  return command.indexOf(BEGIN_PATCH) >= 0 && /(^|[\s;&|('"/])apply_patch\b/.test(command);
}
