/**
 * Reading Codex attributes: Codex sends the same logical field with different OTLP types
 * (`duration_ms` and `success` as strings, `cached_token_count` as an int, `output_truncated` as
 * a bool), and decoders give 64-bit ints as numbers or, beyond 2^53, decimal strings. These
 * helpers accept every form so the normalizer never depends on which one Codex picked this
 * release. Also: Codex's timestamps, which come from three places of varying quality.
 */
import type { AnyValue } from '../shared/otlp-types';
import type { LayeredAttributes } from '../shared/layered-attributes';

/** A non-empty string form of the attribute, or undefined. Numbers and booleans are stringified. */
export function attrString(attrs: LayeredAttributes, key: string): string | undefined {
  const v = attrs.get(key);
  if (typeof v === 'string') return v === '' ? undefined : v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** The attribute when it is a string, empty or not (free text: prompt, arguments, output); else undefined. */
export function attrText(attrs: LayeredAttributes, key: string): string | undefined {
  const v = attrs.get(key);
  return typeof v === 'string' ? v : undefined;
}

/** A finite number from an int, double or numeric string ("32"); undefined otherwise. */
export function attrNumber(attrs: LayeredAttributes, key: string): number | undefined {
  return toNumber(attrs.get(key));
}

export function toNumber(v: AnyValue | undefined): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v !== '') {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** true/false from a bool or the strings "true"/"false" (any case, also "1"/"0"); else undefined. */
export function attrBool(attrs: LayeredAttributes, key: string): boolean | undefined {
  const v = attrs.get(key);
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'true' || s === '1' || s === 'yes') return true;
    if (s === 'false' || s === '0' || s === 'no') return false;
    return undefined;
  }
  if (typeof v === 'number') return v !== 0;
  return undefined;
}

/**
 * `2026-11-24T05:35:20.604Z`: the exact shape we write. Checked by character rather than by
 * regex because every record goes through here.
 */
function isCanonicalMillisUtc(s: string): boolean {
  return (
    s.length === 24 &&
    s.charCodeAt(23) === 90 /* Z */ &&
    s.charCodeAt(19) === 46 /* . */ &&
    s.charCodeAt(10) === 84 /* T */ &&
    s.charCodeAt(4) === 45 &&
    s.charCodeAt(7) === 45 &&
    s.charCodeAt(13) === 58 &&
    s.charCodeAt(16) === 58
  );
}

/** An RFC 3339 string as UTC with exactly millisecond precision, or undefined if unparseable. */
export function rfc3339ToMillisUtc(s: string): string | undefined {
  if (isCanonicalMillisUtc(s)) return s;
  const ms = Date.parse(s);
  if (!Number.isFinite(ms)) return undefined;
  return new Date(ms).toISOString();
}

/** A decimal-string nanosecond time as ISO UTC milliseconds; undefined for "0", "" or garbage. */
export function nanosToMillisUtc(ns: string | undefined): string | undefined {
  if (!ns || ns === '0') return undefined;
  // Drop the sub-millisecond digits before converting: a nanosecond count exceeds 2^53.
  const ms = ns.length > 6 ? Number(ns.slice(0, -6)) : 0;
  if (!Number.isFinite(ms) || ms <= 0) return undefined;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/**
 * The event time, best source first: the `event.timestamp` attribute (when Codex says the event
 * happened), then observedTimeUnixNano (when the SDK saw it; Codex's timeUnixNano is always 0),
 * then timeUnixNano, then the collector's clock.
 */
export function eventTimestamp(
  eventTs: AnyValue | undefined,
  observedNs: string | undefined,
  timeNs: string | undefined,
  now: () => Date,
): string {
  if (typeof eventTs === 'string' && eventTs !== '') {
    const t = rfc3339ToMillisUtc(eventTs);
    if (t) return t;
  }
  return nanosToMillisUtc(observedNs) ?? nanosToMillisUtc(timeNs) ?? now().toISOString();
}

/** Nanosecond difference of two decimal-string times, in milliseconds (3 decimals). */
export function nanosDurationMs(startNs: string, endNs: string): number | undefined {
  if (!startNs || !endNs || startNs === '0' || endNs === '0') return undefined;
  try {
    const d = BigInt(endNs) - BigInt(startNs);
    if (d < 0n) return undefined;
    // Microsecond resolution is plenty for a duration and keeps the number exact.
    return Number(d / 1000n) / 1000;
  } catch {
    return undefined;
  }
}
