/**
 * What install and uninstall planning (config-editor.ts, config-uninstall-plan.ts) both need to
 * know about a config.toml: does it parse, where is its root `otel` table, is that table Beacon's,
 * does it export elsewhere, and the record install keeps so uninstall can undo it.
 *
 * Ownership rule (the one both directions follow): an `[otel]` section that carries Beacon's
 * marker comment is Beacon's, even when someone edited its values since. A table without the
 * marker is the user's. The marker says "beacon endpoint uninstall removes it", so that is what
 * uninstall does, and install never mistakes an edited Beacon block for the user's own config.
 */
import { parseToml } from './config-toml-parse';
import { describeExporter, inspectOtel, tomlErrorSummary, type ExporterInspection } from './config-inspect';
import { hasManagedMarker, matchBeaconBlock, type OtelSettings } from './config-otel-block';
import { cutRanges, findOtelRanges, hasBom, scanStatements, TomlLayoutError, type OtelRange, type Statement } from './config-toml-layout';

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
  /**
   * The file as it was before Beacon's FIRST install; null when it did not exist. Re-installs and
   * repairs carry it over unchanged (they derive it again by undoing the previous record), so it
   * is never a copy of a Beacon block, edited or not.
   */
  before: string | null;
  /** The exact text Beacon wrote last. */
  after: string;
  /** The user's own otel table that the first install replaced (install --force), if any. */
  replacedOtel?: ReplacedOtel;
  /** What was added in front of the block when it was appended at the end (newline, blank line). */
  appendedPrefix?: string;
}

export type RefuseCode = 'invalid-toml' | 'foreign-otel' | 'layout' | 'verify-failed' | 'file-access';

export interface Layout {
  doc: Record<string, unknown>;
  statements: Statement[];
  ranges: OtelRange[];
}

export class PlanError extends Error {
  constructor(readonly code: RefuseCode, message: string) {
    super(message);
  }
}

export function analyze(text: string, label: string): Layout {
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

export const normalizeEol = (s: string) => s.replace(/\r\n/g, '\n');
export const joinRanges = (text: string, ranges: OtelRange[]) => ranges.map((r) => text.slice(r.start, r.end)).join('');
export const contentOf = (text: string) => (hasBom(text) ? text.slice(1) : text);

/** The file with its whole root otel table taken out: what "the rest of the file" means. */
export function outsideOtel(text: string, layout: Layout): string {
  return cutRanges(text, layout.ranges);
}

/** The otel table carries Beacon's marker comment: it is Beacon's, whatever its values now are. */
export function isMarkedOtel(text: string, layout: Layout): boolean {
  return layout.ranges.some((r) => r.kind === 'section' && hasManagedMarker(text.slice(r.start, r.end)));
}

export function refuseFrom(err: unknown): { kind: 'refuse'; code: RefuseCode; reason: string } {
  if (err instanceof PlanError) return { kind: 'refuse', code: err.code, reason: err.message };
  throw err;
}

export function foreignExports(text: string, port: number): Array<{ key: string; ex: ExporterInspection }> {
  const insp = inspectOtel(text, { port });
  const out: Array<{ key: string; ex: ExporterInspection }> = [];
  for (const [key, ex] of [['exporter', insp.logs], ['metrics_exporter', insp.metrics], ['trace_exporter', insp.traces]] as const) {
    if ((ex.kind === 'otlp-http' || ex.kind === 'otlp-grpc') && !ex.pointsAtCollector) out.push({ key, ex });
  }
  return out;
}

/** "http://x/v1/logs ([otel] exporter)": where a foreign table sends telemetry, for messages. */
export function describeForeign(foreign: Array<{ key: string; ex: ExporterInspection }>): string {
  const where = [...new Set(foreign.map((f) => f.ex.endpoint ?? f.ex.kind))].join(', ');
  return `${where} ([otel] ${foreign.map((f) => f.key).join(', ')})`;
}

export function summarizeOtel(text: string): string {
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
