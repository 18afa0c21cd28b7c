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
 *  - uninstall restores the exact bytes from before install when the file was not touched since,
 *    and otherwise removes only our block, keeping the user's later edits.
 */
import { parseToml } from './config-toml-parse';
import { describeExporter, inspectOtel, tomlErrorSummary, type ExporterInspection } from './config-inspect';
import { desiredOtelValue, hasManagedMarker, matchBeaconBlock, renderOtelBlock, type OtelSettings } from './config-otel-block';
import { tomlEqual, withoutKey } from './config-toml-equal';
import { cutRanges, detectEol, findOtelRanges, hasBom, scanStatements, TomlLayoutError, type OtelRange, type Statement } from './config-toml-layout';

/** One piece of a user's own otel table that install removed, and how to find its place again. */
export interface RemovedOtelRange {
  text: string;
  kind: OtelRange['kind'];
  /** Up to two lines that preceded it (in the file without any otel), '' at the start of the file. */
  anchorBefore: string;
  /** Up to two lines that followed it, '' at the end of the file. */
  anchorAfter: string;
  /** Beacon's block was written in its place (the first `[otel...]` section). */
  replacedByBlock?: boolean;
}

export interface ReplacedOtel {
  /** The user's otel source text, all ranges joined in file order. */
  text: string;
  /** One line describing what it did, for the install report. */
  summary: string;
  ranges: RemovedOtelRange[];
}

/** What the caller keeps in the install manifest so uninstall can undo exactly this install. */
export interface InstallRecord {
  version: 1;
  /** The file as it was without Beacon; null when it did not exist. */
  before: string | null;
  /** The exact text Beacon wrote. */
  after: string;
  /** The user's own otel table that Beacon replaced (install --force), if any. */
  replacedOtel?: ReplacedOtel;
  /** What was added in front of the block when it was appended at the end (newline, blank line). */
  appendedPrefix?: string;
}

export interface InstallOptions {
  /** Replace a user's own [otel] that exports elsewhere (it is restored by uninstall). */
  force: boolean;
  /** The record of an earlier install of this file, so a re-install keeps the original "before". */
  previous?: InstallRecord | null;
  /** How messages name the file, e.g. "~/.codex/config.toml". */
  fileLabel?: string;
}

export type RefuseCode = 'invalid-toml' | 'foreign-otel' | 'layout' | 'verify-failed' | 'file-access';

export type InstallPlan =
  | { kind: 'unchanged'; managedByBeacon: boolean; message: string }
  | {
      kind: 'write';
      newText: string;
      /** The file does not exist yet and will be created. */
      created: boolean;
      /** A user's own otel table that this write replaces (only with force, or when it exported nowhere). */
      replaced?: { text: string; summary: string };
      /** An earlier Beacon block is being updated (other port, spans, prompt setting). */
      updatedOwnBlock: boolean;
      record: InstallRecord;
    }
  | { kind: 'refuse'; code: RefuseCode; reason: string };

export type UninstallPlan =
  | { kind: 'write'; newText: string; exact: boolean; restoredUserOtel: boolean; notes: string[] }
  | { kind: 'delete'; exact: boolean; notes: string[] }
  | { kind: 'unchanged'; reason: string }
  | { kind: 'conflict'; reason: string }
  | { kind: 'refuse'; code: RefuseCode; reason: string };

interface Layout {
  doc: Record<string, unknown>;
  statements: Statement[];
  ranges: OtelRange[];
}

class PlanError extends Error {
  constructor(readonly code: RefuseCode, message: string) {
    super(message);
  }
}

function analyze(text: string, label: string): Layout {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch (err) {
    const e = tomlErrorSummary(err);
    throw new PlanError('invalid-toml', `${label} is not valid TOML (line ${e.line}: ${e.message}); fix it first, Beacon did not change it`);
  }
  let statements: Statement[];
  try {
    statements = scanStatements(text);
  } catch (err) {
    const detail = err instanceof TomlLayoutError ? err.message : String(err);
    throw new PlanError('layout', `Beacon could not map the layout of ${label} (${detail}); it did not change it`);
  }
  return { doc, statements, ranges: findOtelRanges(statements) };
}

const normalizeEol = (s: string) => s.replace(/\r\n/g, '\n');
const joinRanges = (text: string, ranges: OtelRange[]) => ranges.map((r) => text.slice(r.start, r.end)).join('');
const contentOf = (text: string) => (hasBom(text) ? text.slice(1) : text);

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

function foreignExports(text: string, port: number): Array<{ key: string; ex: ExporterInspection }> {
  const insp = inspectOtel(text, { port });
  const out: Array<{ key: string; ex: ExporterInspection }> = [];
  for (const [key, ex] of [['exporter', insp.logs], ['metrics_exporter', insp.metrics], ['trace_exporter', insp.traces]] as const) {
    if ((ex.kind === 'otlp-http' || ex.kind === 'otlp-grpc') && !ex.pointsAtCollector) out.push({ key, ex });
  }
  return out;
}

function summarizeOtel(text: string): string {
  const insp = inspectOtel(text);
  const parts = [`exporter ${describeExporter(insp.logs)}`, `metrics_exporter ${describeExporter(insp.metrics)}`, `trace_exporter ${describeExporter(insp.traces)}`];
  if (insp.environment !== undefined) parts.push(`environment "${insp.environment}"`);
  if (insp.logUserPrompt !== undefined) parts.push(`log_user_prompt ${insp.logUserPrompt}`);
  return `[otel] ${parts.join(', ')}`;
}

/**
 * If the otel table of `text` is exactly a block Beacon renders for some settings (marker
 * included), return those settings. Used when no install record is available.
 */
export function recogniseOwnBlock(text: string): OtelSettings | null {
  let layout: Layout;
  try {
    layout = analyze(text, 'config');
  } catch {
    return null;
  }
  if (layout.ranges.length !== 1 || layout.ranges[0].kind !== 'section') return null;
  // Any format Beacon ever wrote counts (an older Beacon's block has no `headers`), so a
  // re-install or repair upgrades it in place and uninstall removes it.
  return matchBeaconBlock(normalizeEol(joinRanges(text, layout.ranges)))?.settings ?? null;
}

function refuseFrom(err: unknown): { kind: 'refuse'; code: RefuseCode; reason: string } {
  if (err instanceof PlanError) return { kind: 'refuse', code: err.code, reason: err.message };
  throw err;
}

/**
 * Decide what `beacon endpoint install` does to one config file.
 * @param text the file's current text, or null when it does not exist.
 */
export function planInstall(text: string | null, desired: OtelSettings, opts: InstallOptions): InstallPlan {
  const label = opts.fileLabel ?? 'config.toml';
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
    // always points at the user's own text, never at an older Beacon block.
    let base: string | null = text;
    let carried: ReplacedOtel | undefined;
    let updatedOwnBlock = false;
    if (text !== null) {
      let undo: UninstallPlan | null = opts.previous ? planUninstall(text, opts.previous, { fileLabel: label }) : null;
      const fromRecord = undo !== null && (undo.kind === 'write' || undo.kind === 'delete');
      if (!fromRecord) undo = recogniseOwnBlock(text) ? planUninstall(text, null, { fileLabel: label }) : null;
      if (undo && (undo.kind === 'write' || undo.kind === 'delete')) {
        base = undo.kind === 'write' ? undo.newText : null;
        carried = fromRecord ? opts.previous?.replacedOtel : undefined;
        updatedOwnBlock = true;
      }
    }

    const baseText = base ?? '';
    const baseLayout = base === null ? analyze('', label) : base === text && current ? current : analyze(base, label);
    let replaced: ReplacedOtel | undefined;
    if (baseLayout.doc.otel !== undefined) {
      const otelText = joinRanges(baseText, baseLayout.ranges);
      const foreign = foreignExports(baseText, desired.port);
      const alreadyAllowed = carried !== undefined && carried.text === otelText;
      if (foreign.length > 0 && !opts.force && !alreadyAllowed) {
        const where = [...new Set(foreign.map((f) => f.ex.endpoint ?? f.ex.kind))].join(', ');
        const keys = foreign.map((f) => f.key).join(', ');
        return {
          kind: 'refuse',
          code: 'foreign-otel',
          reason: `${label} already exports Codex telemetry to ${where} ([otel] ${keys}); rerun with --force to replace it (it will be restored by uninstall)`,
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
      record,
    };
  } catch (err) {
    return refuseFrom(err);
  }
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
    .map((r, i) => ({ r, i, pos: r.replacedByBlock && blockAt !== null ? blockAt : locate(text, statements, r) })).sort((x, y) => x.pos - y.pos || x.i - y.i);
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

/**
 * Decide what `beacon endpoint uninstall` does to one config file.
 * @param currentText the file now (null: it no longer exists).
 * @param record what install stored; null when the manifest is lost: then only a block that is
 *   exactly Beacon's (marker included) is removed.
 */
export function planUninstall(currentText: string | null, record: InstallRecord | null, opts: { fileLabel?: string } = {}): UninstallPlan {
  const label = opts.fileLabel ?? 'config.toml';
  if (currentText === null) return { kind: 'unchanged', reason: `${label} no longer exists; nothing to remove` };
  if (record && currentText === record.after) {
    // Untouched since install: put back the exact bytes.
    return record.before === null ? { kind: 'delete', exact: true, notes: [] } : { kind: 'write', newText: record.before, exact: true, restoredUserOtel: record.replacedOtel !== undefined, notes: [] };
  }
  try {
    const current = analyze(currentText, label);
    const notes: string[] = [];
    const ourSource = record ? normalizeEol(joinRanges(record.after, analyze(record.after, label).ranges)) : null;
    const currentSource = normalizeEol(joinRanges(currentText, current.ranges));
    let stripped = currentText;
    let blockAt: number | null = null;
    if (current.ranges.length === 0) {
      notes.push(`Beacon's [otel] block was already removed from ${label}`);
    } else if (record ? currentSource === ourSource : recogniseOwnBlock(currentText) !== null) {
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
    } else if (record || hasManagedMarker(currentSource)) {
      return {
        kind: 'conflict',
        reason: `the [otel] block Beacon wrote in ${label} was edited since install; Beacon left it in place (remove the [otel] table yourself if Codex should stop exporting to Beacon)`,
      };
    } else {
      return { kind: 'unchanged', reason: `${label} has no Beacon [otel] block; its [otel] table is the user's own and was left alone` };
    }

    let restoredUserOtel = false;
    let result = stripped;
    if (record?.replacedOtel) {
      const afterStrip = analyze(stripped, label);
      if (afterStrip.doc.otel !== undefined) {
        return { kind: 'conflict', reason: `${label} has a new [otel] table; Beacon did not put back the one it replaced:\n${record.replacedOtel.text}` };
      }
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
      return { kind: 'conflict', reason: `Beacon could not safely take its block out of ${label} (it was edited since install); the file was left unchanged.${original}` };
    }
    if (record && record.before === null && contentOf(result).trim() === '') return { kind: 'delete', exact: false, notes };
    if (result === currentText) return { kind: 'unchanged', reason: notes[0] ?? `${label} has nothing of Beacon's` };
    return { kind: 'write', newText: result, exact: false, restoredUserOtel, notes };
  } catch (err) {
    return refuseFrom(err);
  }
}
