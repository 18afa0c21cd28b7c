/**
 * Plans taking Beacon's [otel] block out of a config.toml again (uninstall, and the first half of
 * every re-install and repair, which undo the previous install before applying the block anew).
 * Pure functions over text, no I/O.
 *
 * The promise: the [otel] table goes back to what it was before Beacon's first install (the
 * record's `before` is the truth, whatever happened in between), and when nothing outside [otel]
 * changed since Beacon last wrote the file, the result is byte for byte that pre-install file.
 * Edits the user made elsewhere in the file are kept (and then the result is not called exact).
 */
import { parseToml } from './config-toml-parse';
import { analyze, contentOf, isMarkedOtel, joinRanges, normalizeEol, outsideOtel, recogniseOwnBlock, refuseFrom, summarizeOtel, type InstallRecord, type Layout, type RefuseCode, type RemovedOtelRange } from './config-edit-analysis';
import { hasManagedMarker } from './config-otel-block';
import { tomlEqual, withoutKey } from './config-toml-equal';
import { cutRanges, detectEol, hasBom, scanStatements, type Statement } from './config-toml-layout';

export type UninstallPlan =
  | { kind: 'write'; newText: string; exact: boolean; restoredUserOtel: boolean; notes: string[] }
  | { kind: 'delete'; exact: boolean; notes: string[] }
  | { kind: 'unchanged'; reason: string }
  | { kind: 'conflict'; reason: string }
  | { kind: 'refuse'; code: RefuseCode; reason: string };

export interface UninstallPlanOptions {
  fileLabel?: string;
  /**
   * Without a record, also take out a marked block whose values were edited (install and repair
   * do: the block is Beacon's to replace). Plain uninstall without a manifest does not: it cannot
   * know what the block replaced, so it removes only an unmodified block.
   */
  adoptMarked?: boolean;
  /**
   * With a record, also take out an [otel] table WITHOUT Beacon's marker, written since install
   * (install/repair --force, or a table that exports nowhere else): the record's original comes back.
   */
  takeOverUnmarked?: boolean;
}

/** Where a removed range goes back in `text` (the current file without our block). */
function locate(text: string, statements: Statement[], r: RemovedOtelRange): number {
  const start = hasBom(text) ? 1 : 0;
  const atLineStart = (i: number) => i === start || text[i - 1] === '\n';
  const unique = (needle: string): number => {
    let found = -1;
    for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
      if (!atLineStart(i)) continue;
      if (found >= 0) return -1;
      found = i;
    }
    return found;
  };
  if (r.anchorBefore !== '') {
    const b = unique(r.anchorBefore);
    if (b >= 0) return b + r.anchorBefore.length;
  }
  if (r.anchorAfter !== '') {
    const a = unique(r.anchorAfter);
    if (a >= 0) return a;
  }
  if (r.anchorBefore === '') return start;
  if (r.anchorAfter === '') return text.length;
  if (r.kind === 'root-key') return statements.find((s) => s.kind === 'header')?.start ?? text.length;
  return text.length;
}

/**
 * Put the user's removed otel pieces back into `text`. The piece our block replaced goes exactly
 * where our block was (`blockAt`); the others are found by the lines that surrounded them.
 */
function restoreRanges(text: string, ranges: RemovedOtelRange[], blockAt: number | null): string {
  const statements = scanStatements(text);
  const eol = detectEol(text);
  const placed = ranges
    .map((r, i) => ({ r, i, pos: r.replacedByBlock && blockAt !== null ? blockAt : locate(text, statements, r) }))
    .sort((x, y) => x.pos - y.pos || x.i - y.i);
  let out = '';
  let at = 0;
  for (const { r, pos } of placed) {
    out += text.slice(at, pos);
    at = pos;
    if (out.length > 0 && contentOf(out).length > 0 && !out.endsWith('\n')) out += eol;
    out += r.text;
    if (!r.text.endsWith('\n') && pos < text.length) out += eol;
  }
  return out + text.slice(at);
}

/** The current otel table, and whether it is Beacon's (and in which state). */
type Ownership = 'absent' | 'pristine' | 'edited-block' | 'unmarked' | 'foreign-to-us';

function ownership(text: string, current: Layout, record: InstallRecord | null, opts: UninstallPlanOptions, label: string): Ownership {
  if (current.ranges.length === 0) return 'absent';
  const source = normalizeEol(joinRanges(text, current.ranges));
  if (record) {
    const ours = normalizeEol(joinRanges(record.after, analyze(record.after, label).ranges));
    if (source === ours) return 'pristine';
    if (isMarkedOtel(text, current)) return 'edited-block';
    return opts.takeOverUnmarked ? 'unmarked' : 'foreign-to-us';
  }
  if (recogniseOwnBlock(text) !== null) return 'pristine';
  if (opts.adoptMarked && isMarkedOtel(text, current)) return 'edited-block';
  return 'foreign-to-us';
}

/**
 * Decide what `beacon endpoint uninstall` does to one config file.
 * @param currentText the file now (null: it no longer exists).
 * @param record what install stored; null when the manifest is lost: then only a block that is
 *   exactly Beacon's (marker included) is removed (see UninstallPlanOptions for install's use).
 */
export function planUninstall(currentText: string | null, record: InstallRecord | null, opts: UninstallPlanOptions = {}): UninstallPlan {
  const label = opts.fileLabel ?? 'config.toml';
  if (currentText === null) return { kind: 'unchanged', reason: `${label} no longer exists; nothing to remove` };
  if (record && currentText === record.after) {
    // Untouched since install: put back the exact bytes.
    return record.before === null ? { kind: 'delete', exact: true, notes: [] } : { kind: 'write', newText: record.before, exact: true, restoredUserOtel: record.replacedOtel !== undefined, notes: [] };
  }
  try {
    const current = analyze(currentText, label);
    const notes: string[] = [];
    const owner = ownership(currentText, current, record, opts, label);
    if (owner === 'foreign-to-us') {
      if (record) {
        const before = record.replacedOtel ? `this [otel] table:\n${record.replacedOtel.text}` : 'no [otel] table';
        return {
          kind: 'conflict',
          reason: `the [otel] table in ${label} is no longer Beacon's block (its marker comment is gone; ${summarizeOtel(currentText)}), so Beacon left it in place as yours. Before install the file had ${before}`,
        };
      }
      if (hasManagedMarker(joinRanges(currentText, current.ranges))) {
        return {
          kind: 'conflict',
          reason: `Beacon's [otel] block in ${label} was edited, and without the install manifest Beacon cannot tell what it replaced; it left the block in place (remove the [otel] table yourself if Codex should stop exporting to Beacon)`,
        };
      }
      return { kind: 'unchanged', reason: `${label} has no Beacon [otel] block; its [otel] table is the user's own and was left alone` };
    }
    if (owner === 'absent') notes.push(`Beacon's [otel] block was already removed from ${label}`);
    if (owner === 'edited-block') notes.push(`Beacon's [otel] block in ${label} had been edited since Beacon wrote it (it was ${summarizeOtel(currentText)}); it carries Beacon's marker comment, so Beacon replaced or removed it as its own`);
    if (owner === 'unmarked') notes.push(`replaced the [otel] table written in ${label} after install (${summarizeOtel(currentText)})`);

    let stripped = currentText;
    let blockAt: number | null = null;
    if (owner !== 'absent') {
      // The whole root otel table goes: while Beacon's block is in it, all of it is Beacon's.
      stripped = cutRanges(currentText, current.ranges);
      const ours = current.ranges[0];
      blockAt = current.ranges.length === 1 ? ours.start : null;
      let head = currentText.slice(0, ours.start);
      const tail = currentText.slice(ours.end);
      const eol = detectEol(currentText);
      // When the block was appended at the end, install also added a newline / blank line in
      // front of it; take that back too, if nothing but a blank line (or the end) follows it.
      const prefix = record ? record.appendedPrefix ?? '' : head.endsWith(eol + eol) ? eol : '';
      if (current.ranges.length === 1 && prefix && head.endsWith(prefix) && (tail === '' || tail.startsWith(eol))) {
        head = head.slice(0, head.length - prefix.length);
        if (tail !== '' && contentOf(head) !== '' && !head.endsWith('\n')) head += eol;
        stripped = head + tail;
      }
    }

    // Nothing outside [otel] changed since Beacon last wrote the file: the pre-install file IS
    // the answer, byte for byte (no re-derivation that could differ in a blank line).
    if (record && outsideOtel(currentText, current) === outsideOtel(record.after, analyze(record.after, label))) {
      if (record.before === null) return { kind: 'delete', exact: true, notes };
      if (record.before === currentText) return { kind: 'unchanged', reason: notes[0] ?? `${label} has nothing of Beacon's` };
      return { kind: 'write', newText: record.before, exact: true, restoredUserOtel: record.replacedOtel !== undefined, notes };
    }

    let restoredUserOtel = false;
    let result = stripped;
    if (record?.replacedOtel) {
      result = restoreRanges(stripped, record.replacedOtel.ranges, blockAt);
      restoredUserOtel = true;
    }

    // Verify: parses, everything but otel as the user has it now, otel as the user had it.
    const expectedOtel = record?.replacedOtel && record.before !== null ? parseToml(record.before).otel : undefined;
    let check: Layout | null = null;
    try {
      check = analyze(result, label);
    } catch {
      check = null;
    }
    if (!check || !tomlEqual(check.doc.otel, expectedOtel) || !tomlEqual(withoutKey(check.doc, 'otel'), withoutKey(current.doc, 'otel'))) {
      const original = record?.replacedOtel ? ` Your original [otel] was:\n${record.replacedOtel.text}` : '';
      return { kind: 'conflict', reason: `Beacon could not safely take its block out of ${label} (the file changed around it since install); the file was left unchanged.${original}` };
    }
    if (record && record.before === null && contentOf(result).trim() === '') return { kind: 'delete', exact: false, notes };
    if (result === currentText) return { kind: 'unchanged', reason: notes[0] ?? `${label} has nothing of Beacon's` };
    return { kind: 'write', newText: result, exact: false, restoredUserOtel, notes };
  } catch (err) {
    return refuseFrom(err);
  }
}
