/**
 * Mask every secret in a string: gitleaks' rule set (gitleaks.ts) plus Beacon's own rules
 * (beacon-*.ts), behind one keyword pass (scanner.ts). Runs on every string of every event, so:
 *  - strings shorter than 8 characters are never secrets; short strings (ids, versions, model
 *    names, enum values, which Codex repeats in every record) are judged once and remembered;
 *  - a string no rule's keyword occurs in costs one pass of the keyword automaton, nothing more;
 *  - every pattern is compiled once and bounded so that no input makes it backtrack without
 *    limit (test/redaction/redact.test.ts feeds megabyte adversarial inputs).
 *
 * Escaped text is decoded before it is judged: `\u0073k-proj-...` in a JSON string (any
 * number of backslashes, so JSON inside JSON too) and `%3D` / `%20` percent-escapes are
 * secrets as much as their decoded form. When the decoded form holds a secret, the masked
 * decoded form is what gets written (only printable characters other than `"` and `\` are
 * decoded, so JSON text stays valid JSON).
 *
 * Marker: `[REDACTED:<kind>]` for a secret whose kind is known (`[REDACTED:stripe-key]`),
 * `[REDACTED]` for a value masked because of where it stands (`password=[REDACTED]`).
 */
import type { Detector, Span } from './detector';
import { gitleaksDetectors } from './gitleaks';
import { beaconTokens } from './beacon-tokens';
import { beaconContext } from './beacon-context';
import { pemBlock, puttyKey } from './beacon-blocks';
import { SecretScanner } from './scanner';

export const REDACTED = '[REDACTED]';

export interface RedactResult {
  readonly text: string;
  readonly redacted: boolean;
}

let scanner: SecretScanner | undefined;

/** Built on first use: compiling ~230 rules costs a few ms that a CLI command needn't pay. */
function getScanner(): SecretScanner {
  return (scanner ??= new SecretScanner(allDetectors()));
}

export function allDetectors(): Detector[] {
  return [pemBlock, puttyKey, ...beaconTokens, ...beaconContext, ...gitleaksDetectors()];
}

let detectionEnabled = true;

/**
 * Turn secret detection off in this process. Only the benchmark calls it, in a collector
 * process of its own, to measure ingest without the detector against the same run with it.
 */
export function setSecretDetectionForBenchmark(enabled: boolean): void {
  detectionEnabled = enabled;
  memo.clear();
  recentText.fill(undefined);
}

const MEMO_MAX_LENGTH = 160;
const MEMO_MAX_ENTRIES = 4096;
const memo = new Map<string, RedactResult>();
/**
 * Longer texts are rarely repeated across records, but one record's tool output or prompt is
 * the same string in its typed field and in raw.attributes (two or three scans of the same
 * text): the last few are remembered, in a small ring that the content policy empties at each
 * event (forgetRecentTexts), so it serves those and never a repeat from another record.
 */
const RECENT = 4;
const recentText: (string | undefined)[] = new Array(RECENT).fill(undefined);
const recentResult: (RedactResult | undefined)[] = new Array(RECENT).fill(undefined);
let recentNext = 0;

export function forgetRecentTexts(): void {
  // Called for every event: a plain loop (Array.prototype.fill cost more than the rest of it).
  for (let i = 0; i < RECENT; i++) {
    recentText[i] = undefined;
    recentResult[i] = undefined;
  }
}

function redactLong(s: string): RedactResult {
  for (let i = 0; i < RECENT; i++) if (recentText[i] === s) return recentResult[i]!;
  const r = Object.freeze(redactUncached(s));
  recentText[recentNext] = s;
  recentResult[recentNext] = r;
  recentNext = (recentNext + 1) % RECENT;
  return r;
}
const CLEAN = (s: string): RedactResult => ({ text: s, redacted: false });

/** Mask every secret in `s`. `redacted` says whether anything was masked. */
export function redactText(s: string): RedactResult {
  if (s.length < 8 || !detectionEnabled) return CLEAN(s);
  if (s.length > MEMO_MAX_LENGTH) return redactLong(s);
  let r = memo.get(s);
  if (r === undefined) {
    r = Object.freeze(redactUncached(s));
    if (memo.size >= MEMO_MAX_ENTRIES) memo.clear();
    memo.set(s, r);
  }
  // Shared and frozen: no copy per call, and no caller can change the remembered answer.
  return r;
}

function redactUncached(s: string): RedactResult {
  const sc = getScanner();
  const decoded = decodeEscapes(s);
  if (decoded !== s) {
    const spans = sc.scan(decoded);
    if (spans.length > 0) return { text: mask(decoded, spans), redacted: true };
  }
  const spans = sc.scan(s);
  return spans.length > 0 ? { text: mask(s, spans), redacted: true } : CLEAN(s);
}

function mask(s: string, spans: readonly Span[]): string {
  let out = '';
  let from = 0;
  for (const sp of spans) {
    out += s.slice(from, sp.start) + (sp.kind === '' ? REDACTED : `[REDACTED:${sp.kind}]`);
    from = sp.end;
  }
  return out + s.slice(from);
}

const UNICODE_ESCAPE = /\\+u([0-9a-fA-F]{4})/g;
const PERCENT_ESCAPE = /%([0-9a-fA-F]{2})/g;

/** Decodes what can hide a secret from the rules; returns `s` itself when there is nothing to decode. */
export function decodeEscapes(s: string): string {
  let out = s;
  if (out.indexOf('\\') >= 0 && /\\u[0-9a-fA-F]{4}/.test(out)) {
    out = out.replace(UNICODE_ESCAPE, (all, hex: string) => printable(parseInt(hex, 16)) ?? all);
  }
  if (out.indexOf('%') >= 0) {
    out = out.replace(PERCENT_ESCAPE, (all, hex: string) => printable(parseInt(hex, 16)) ?? all);
  }
  return out;
}

/** The character, if decoding it can change neither JSON nor line structure. */
function printable(cp: number): string | undefined {
  if (cp < 0x20 || cp === 0x22 || cp === 0x5c || cp === 0x7f || (cp >= 0xd800 && cp <= 0xdfff)) return undefined;
  return String.fromCharCode(cp);
}
