/**
 * The content policy's building blocks: mask and cut one string or every string of a JSON-like
 * value, and fingerprint what the `metadata` policy withholds. Shared by content-policy.ts
 * (the typed fields) and metadata-attributes.ts (raw attributes).
 */
import { createHash } from 'node:crypto';
import { REDACTED, isPlainValue, keyVerdict, redactText } from './redaction';

export const TEXT_LIMIT = 4096;
export const POLICY_TRUNCATION_MARKER = '…[truncated]';

export interface Fingerprint {
  length: number;
  sha256: string;
}

export interface PolicyState {
  /** Strings longer than this are cut (undefined: never). */
  limit: number | undefined;
  redacted: boolean;
  truncated: boolean;
  /** metadata policy: what was removed, by dotted path. */
  withheld: Record<string, Fingerprint>;
}

export function newState(limit: number | undefined): PolicyState {
  return { limit, redacted: false, truncated: false, withheld: {} };
}

export function cut(s: string, st: PolicyState, limit = st.limit): string {
  if (limit === undefined || s.length <= limit) return s;
  let end = limit;
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end -= 1; // never split a surrogate pair
  st.truncated = true;
  return s.slice(0, end) + POLICY_TRUNCATION_MARKER;
}

/**
 * Past the limit, text is cut anyway: only what is kept, plus a margin for a secret that starts
 * before the cut and ends after it, is scanned (a megabyte of tool output costs what 5 KB do).
 */
const SCAN_MARGIN = 1024;

export function policeText(s: string, st: PolicyState, limit = st.limit): string {
  if (s.length < 8) return s; // never a secret (redactText's own rule), never over a limit
  const sliced = limit !== undefined && s.length > limit + SCAN_MARGIN;
  const r = redactText(sliced ? s.slice(0, limit + SCAN_MARGIN) : s);
  if (r.redacted) st.redacted = true;
  if (sliced && r.text.length <= limit) {
    // Masking made the kept part shorter than the limit, but the tail is still gone: say so.
    st.truncated = true;
    return r.text + POLICY_TRUNCATION_MARKER;
  }
  return cut(r.text, st, limit);
}

/**
 * Mask and cut every string inside a JSON-like value, keys included; a string under a
 * secret-named key is masked whole. Returns a new value when anything changed (never edits).
 */
export function policeValue(value: unknown, st: PolicyState, keyHint?: string): unknown {
  return policeUnder(value, st, keyHint !== undefined && keyVerdict(keyHint).secretName);
}

/** `secretKey`: the value stands under a secret-named key (one key verdict per key, remembered). */
function policeUnder(value: unknown, st: PolicyState, secretKey: boolean): unknown {
  if (typeof value === 'string') {
    if (secretKey && value !== '' && !value.startsWith('[REDACTED') && !isPlainValue(value)) {
      st.redacted = true;
      return REDACTED;
    }
    return policeText(value, st);
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = policeUnder(value[i], st, secretKey);
      if (v !== value[i]) (copy ??= value.slice())[i] = v;
    }
    return copy ?? value;
  }
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (const k in obj) {
      const verdict = keyVerdict(k);
      const v = policeUnder(obj[k], st, verdict.secretName);
      if (verdict.maskedKey !== undefined) {
        // A secret used as a key (a header map keyed by token...): the key is masked too.
        st.redacted = true;
        copy ??= { ...obj };
        delete copy[k];
        copy[verdict.maskedKey] = v;
      } else if (v !== obj[k]) {
        (copy ??= { ...obj })[k] = v;
      }
    }
    return copy ?? value;
  }
  return value;
}

/** Length and sha256 of the SECRET-MASKED text, so a hash can never confirm a guessed secret. */
export function fingerprint(text: string, st: PolicyState): Fingerprint {
  const masked = redactText(text);
  if (masked.redacted) st.redacted = true;
  return { length: text.length, sha256: createHash('sha256').update(masked.text, 'utf8').digest('hex') };
}

/** Fingerprint of a structured value: of its JSON, every string in it masked first. */
export function fingerprintValue(value: unknown, st: PolicyState): Fingerprint {
  if (typeof value === 'string') return fingerprint(value, st);
  const text = JSON.stringify(value) ?? '';
  const masked = JSON.stringify(policeValue(value, { ...st, limit: undefined })) ?? '';
  if (masked !== text) st.redacted = true;
  return { length: text.length, sha256: createHash('sha256').update(masked, 'utf8').digest('hex') };
}
