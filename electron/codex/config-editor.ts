/**
 * Plans edits of Codex's config.toml: put Beacon's [otel] block in, take it out again. Pure
 * functions over text, no I/O (config-apply.ts reads and writes files).
 *
 * What this module promises, because a broken config.toml stops every Codex command:
 *  - only the byte ranges that make up the root `otel` table change; every other byte (comments,
 *    order, blank lines, CRLF, a BOM) stays as it was;
 *  - every result is re-parsed and checked (it parses, otel is exactly ours, every other key is
 *    deep-equal to before); if a check fails we refuse and nothing is written;
 *  - a user's own [otel] that sends telemetry elsewhere is never replaced without --force, and
 *    when it is, uninstall puts it back;
 *  - Beacon's own block (the [otel] section with its marker comment) is Beacon's even after
 *    someone edited it: install and repair re-apply it without --force and never record it as
 *    the user's; uninstall takes it out (config-uninstall-plan.ts);
 *  - uninstall restores the [otel] the file had before the first install, the exact bytes when
 *    nothing outside [otel] was touched since, and otherwise keeps the user's later edits.
 */
import { analyze, contentOf, describeForeign, foreignExports, isMarkedOtel, joinRanges, normalizeEol, PlanError, refuseFrom, summarizeOtel, type InstallRecord, type Layout, type RefuseCode, type RemovedOtelRange, type ReplacedOtel } from './config-edit-analysis';
import { desiredOtelValue, hasManagedMarker, renderOtelBlock, type OtelSettings } from './config-otel-block';
import { tomlEqual, withoutKey } from './config-toml-equal';
import { cutRanges, detectEol, hasBom } from './config-toml-layout';
import { planUninstall, type UninstallPlan } from './config-uninstall-plan';

export { planUninstall, type UninstallPlan } from './config-uninstall-plan';
export { recogniseOwnBlock, type InstallRecord, type RefuseCode, type RemovedOtelRange, type ReplacedOtel } from './config-edit-analysis';

export interface InstallOptions {
  /** Replace a user's own [otel] that exports elsewhere (it is restored by uninstall). */
  force: boolean;
  /** The record of an earlier install of this file, so a re-install keeps the original "before". */
  previous?: InstallRecord | null;
  /** How messages name the file, e.g. "~/.codex/config.toml". */
  fileLabel?: string;
  /**
   * How a refusal tells the user to force it, in the words of the command that asked: install and
   * repair say "rerun with --force"; doctor names the repair command. Every flag a message
   * suggests must exist on the command it names (test/cli/suggested-flags.test.ts).
   */
  forceHint?: string;
}

export type InstallPlan =
  | { kind: 'unchanged'; managedByBeacon: boolean; message: string }
  | {
      kind: 'write';
      newText: string;
      /** The file does not exist yet and will be created. */
      created: boolean;
      /** A user's own otel table that this write replaces (only with force, or when it exported nowhere). */
      replaced?: { text: string; summary: string };
      /** An earlier Beacon block is being updated (other port, spans, prompt setting, or edited by hand). */
      updatedOwnBlock: boolean;
      /** What undoing the earlier block found, e.g. that someone had edited it (for the report). */
      notes: string[];
      record: InstallRecord;
    }
  | { kind: 'refuse'; code: RefuseCode; reason: string };

/** Whole lines of `text` ending at `pos` (a line start), back to and including the `n`th non-blank one. */
function linesBefore(text: string, pos: number, n: number): string {
  const floor = hasBom(text) ? 1 : 0;
  let start = pos;
  let nonBlank = 0;
  while (nonBlank < n && start > floor) {
    const prev = text.lastIndexOf('\n', start - 2);
    const lineStart = Math.max(prev + 1, floor);
    if (text.slice(lineStart, start).trim() !== '') nonBlank++;
    start = lineStart;
  }
  return text.slice(start, pos);
}

/** Whole lines of `text` from `pos`, up to and including the `n`th non-blank one. */
function linesAfter(text: string, pos: number, n: number): string {
  let end = pos;
  let nonBlank = 0;
  while (nonBlank < n && end < text.length) {
    const nl = text.indexOf('\n', end);
    const lineEnd = nl < 0 ? text.length : nl + 1;
    if (text.slice(end, lineEnd).trim() !== '') nonBlank++;
    end = lineEnd;
  }
  return text.slice(pos, end);
}

interface Inserted {
  text: string;
  appendedPrefix?: string;
  removed: RemovedOtelRange[];
}

/**
 * Replace the root otel table of `base` with our block: at the place of its first `[otel...]`
 * section if it has one; otherwise (no otel, or only top-level `otel.x = ...` keys, where a
 * header would capture the keys that follow) appended at the end as a section.
 */
function insertBlock(base: string, layout: Layout, settings: OtelSettings): Inserted {
  const eol = detectEol(base);
  const block = renderOtelBlock(settings, eol);
  const { ranges } = layout;
  const outside = cutRanges(base, ranges);
  const removed: RemovedOtelRange[] = [];
  let shift = 0;
  for (const r of ranges) {
    const pos = r.start - shift;
    shift += r.end - r.start;
    removed.push({ text: base.slice(r.start, r.end), kind: r.kind, anchorBefore: linesBefore(outside, pos, 2), anchorAfter: linesAfter(outside, pos, 2) });
  }
  const firstSection = ranges.find((r) => r.kind === 'section');
  if (firstSection) removed[ranges.indexOf(firstSection)].replacedByBlock = true;
  if (firstSection) {
    let out = '';
    let at = 0;
    for (const r of ranges) {
      out += base.slice(at, r.start);
      if (r === firstSection) {
        // A section that ended the file without a final newline: our block ends with one anyway.
        out += block;
      }
      at = r.end;
    }
    return { text: out + base.slice(at), removed };
  }
  const content = contentOf(outside);
  let prefix = '';
  if (content.length > 0 && !content.endsWith('\n')) prefix += eol;
  if (/\S/.test(content) && !(content + prefix).endsWith(eol + eol)) prefix += eol;
  return { text: outside + prefix + block, appendedPrefix: prefix, removed };
}

/** Check an edit: parses, otel as expected, everything else deep-equal, outside bytes identical. */
function verifyEdit(label: string, before: Layout, beforeText: string, afterText: string, expectedOtel: unknown, appendedPrefix: string): void {
  let after: Layout;
  try {
    after = analyze(afterText, label);
  } catch (err) {
    throw new PlanError('verify-failed', `internal check failed: the edited ${label} would not be valid (${(err as Error).message}); Beacon did not change it`);
  }
  if (!tomlEqual(after.doc.otel, expectedOtel)) {
    throw new PlanError('verify-failed', `internal check failed: the otel table of the edited ${label} is not what Beacon intended; Beacon did not change it`);
  }
  if (!tomlEqual(withoutKey(after.doc, 'otel'), withoutKey(before.doc, 'otel'))) {
    throw new PlanError('verify-failed', `internal check failed: editing ${label} would change settings other than [otel]; Beacon did not change it`);
  }
  if (cutRanges(afterText, after.ranges) !== cutRanges(beforeText, before.ranges) + appendedPrefix) {
    throw new PlanError('verify-failed', `internal check failed: editing ${label} would change text outside [otel]; Beacon did not change it`);
  }
}

/**
 * Decide what `beacon endpoint install` (and repair, and doctor --fix) does to one config file.
 * @param text the file's current text, or null when it does not exist.
 */
export function planInstall(text: string | null, desired: OtelSettings, opts: InstallOptions): InstallPlan {
  const label = opts.fileLabel ?? 'config.toml';
  const forceHint = opts.forceHint ?? 'rerun with --force';
  try {
    const current = text === null ? null : analyze(text, label);
    const wanted = desiredOtelValue(desired);
    if (text !== null && current) {
      const own = current.ranges.length === 1 && current.ranges[0].kind === 'section' && normalizeEol(joinRanges(text, current.ranges)) === renderOtelBlock(desired);
      if (own) return { kind: 'unchanged', managedByBeacon: true, message: `${label} already has Beacon's [otel] block; nothing to change` };
      // A table of the user's own that already reaches the collector stays theirs, also in the
      // shape without `headers` (only Codex 0.44-0.58 need them). Beacon's own block of that
      // shape (it carries our marker) is upgraded below instead.
      const usersOwnWithoutHeaders = tomlEqual(current.doc.otel, desiredOtelValue(desired, 'pre-headers')) && !hasManagedMarker(joinRanges(text, current.ranges));
      if (tomlEqual(current.doc.otel, wanted) || usersOwnWithoutHeaders) {
        return { kind: 'unchanged', managedByBeacon: false, message: `${label} already sends Codex telemetry to the collector (its own [otel] table); left as it is` };
      }
    }

    // The file as it would be without Beacon: an earlier install is undone first, so the record
    // always points at the user's own text from before the FIRST install, never at a Beacon
    // block (as written, or as someone edited it since: a marked block is Beacon's either way).
    let base: string | null = text;
    let carried: ReplacedOtel | undefined;
    let updatedOwnBlock = false;
    let notes: string[] = [];
    if (text !== null && current && (opts.previous || current.ranges.length > 0)) {
      const marked = isMarkedOtel(text, current);
      let undo: UninstallPlan | null = null;
      if (opts.previous) {
        if (current.ranges.length > 0 && !marked && !sameAsRecorded(text, current, opts.previous, label)) {
          // A table without Beacon's marker, written since install: the user's. Replacing one
          // that exports elsewhere needs --force; either way uninstall later restores the file
          // as it was before the first install (the record), which the message says.
          const foreign = foreignExports(text, desired.port);
          if (foreign.length > 0 && !opts.force) {
            return {
              kind: 'refuse',
              code: 'foreign-otel',
              reason: `${label} has an [otel] table of its own since Beacon's install, exporting Codex telemetry to ${describeForeign(foreign)}; ${forceHint} to replace it with Beacon's block (uninstall then restores ${label} as it was before Beacon's first install)`,
            };
          }
        }
        undo = planUninstall(text, opts.previous, { fileLabel: label, takeOverUnmarked: true });
        carried = opts.previous.replacedOtel;
      } else if (marked) {
        undo = planUninstall(text, null, { fileLabel: label, adoptMarked: true });
      }
      if (undo && (undo.kind === 'conflict' || undo.kind === 'refuse')) {
        return { kind: 'refuse', code: undo.kind === 'refuse' ? undo.code : 'verify-failed', reason: undo.reason };
      }
      if (undo && (undo.kind === 'write' || undo.kind === 'delete')) {
        base = undo.kind === 'write' ? undo.newText : null;
        notes = undo.notes;
        updatedOwnBlock = marked || current.ranges.length === 0;
      }
    }

    const baseText = base ?? '';
    const baseLayout = base === null ? analyze('', label) : base === text && current ? current : analyze(base, label);
    let replaced: ReplacedOtel | undefined;
    if (baseLayout.doc.otel !== undefined) {
      const otelText = joinRanges(baseText, baseLayout.ranges);
      const foreign = foreignExports(baseText, desired.port);
      // The user's original, already replaced (and recorded) by an earlier forced install.
      const alreadyAllowed = carried !== undefined && carried.text === otelText;
      if (foreign.length > 0 && !opts.force && !alreadyAllowed) {
        return {
          kind: 'refuse',
          code: 'foreign-otel',
          reason: `${label} already exports Codex telemetry to ${describeForeign(foreign)}; ${forceHint} to replace it (it will be restored by uninstall)`,
        };
      }
      replaced = { text: otelText, summary: summarizeOtel(baseText), ranges: [] };
    }

    const ins = insertBlock(baseText, baseLayout, desired);
    verifyEdit(label, baseLayout, baseText, ins.text, wanted, ins.appendedPrefix ?? '');
    if (text !== null && ins.text === text) {
      return { kind: 'unchanged', managedByBeacon: true, message: `${label} already has Beacon's [otel] block; nothing to change` };
    }
    if (replaced) replaced.ranges = ins.removed;
    const record: InstallRecord = { version: 1, before: base, after: ins.text };
    if (replaced) record.replacedOtel = replaced;
    if (ins.appendedPrefix !== undefined) record.appendedPrefix = ins.appendedPrefix;
    return {
      kind: 'write',
      newText: ins.text,
      created: text === null,
      replaced: replaced ? { text: replaced.text, summary: replaced.summary } : undefined,
      updatedOwnBlock,
      notes,
      record,
    };
  } catch (err) {
    return refuseFrom(err);
  }
}

/** The otel table is byte for byte the one Beacon recorded writing (only its surroundings changed). */
function sameAsRecorded(text: string, current: Layout, record: InstallRecord, label: string): boolean {
  return normalizeEol(joinRanges(text, current.ranges)) === normalizeEol(joinRanges(record.after, analyze(record.after, label).ranges));
}
