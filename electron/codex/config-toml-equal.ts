/**
 * Semantic equality of parsed TOML values (smol-toml output), used to prove that an edit changed
 * nothing but the otel table: tables compare by keys regardless of order, arrays by position,
 * dates by their text (TomlDate keeps local dates/times that a Date comparison would mangle).
 */
import { TomlDate } from './config-toml-parse';

export function tomlEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (a instanceof TomlDate || b instanceof TomlDate || a instanceof Date || b instanceof Date) {
    if (!(a instanceof Date) || !(b instanceof Date) || a.constructor !== b.constructor) return false;
    // TomlDate.toISOString() renders the TOML form (local date, local time, offset kept).
    return a.toISOString() === b.toISOString();
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => tomlEqual(v, b[i]));
  }
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    if (ka.length !== kb.length) return false;
    const rb = b as Record<string, unknown>;
    const ra = a as Record<string, unknown>;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && tomlEqual(ra[k], rb[k]));
  }
  return false;
}

/** A table without one key (shallow copy), for "everything except otel is unchanged". */
export function withoutKey(table: Record<string, unknown>, key: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(table)) if (k !== key) out[k] = table[k];
  return out;
}
