/**
 * The redaction corpus: secret formats (corpus/secrets.json) and ordinary strings
 * (corpus/ordinary.json), expanded from their templates with a PRNG seeded by each entry's id,
 * so every run makes the same fake-but-valid-format values and the repository holds no
 * complete token.
 *
 * A larger corpus kept elsewhere runs through the same tests:
 *   BEACON_REDACTION_CORPUS=/path/secrets.json    more secrets ({"secrets": [...]} or [...])
 *   BEACON_REDACTION_ORDINARY=/path/ordinary.json more ordinary strings ({"ordinary": [...]} or [...])
 * An entry is {id, secret, text?, kind?, escape?} (secret: a literal, a template, or an array of
 * parts joined), or {id, text} for an ordinary string. `text` places `{{secret}}`; without it the
 * secret stands alone.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SecretCase {
  id: string;
  family: string;
  secret: string;
  text: string;
  kind?: string;
  escape?: 'unicode';
}

export interface OrdinaryCase {
  id: string;
  text: string;
}

const CHARSETS: Record<string, string> = {
  a: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789',
  B: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-',
  b: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/',
  h: '0123456789abcdef',
  H: '0123456789ABCDEF',
  d: '0123456789',
  U: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567',
  X: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  L: 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
  l: 'abcdefghijklmnopqrstuvwxyz',
  x: 'abcdefghijklmnopqrstuvwxyz0123456789',
  p: 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789!#^*_+-',
  A: 'QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L',
};

/** mulberry32, seeded from a string: deterministic, and good enough to look random. */
function prng(seed: string): () => number {
  let h = 1779033703;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function expand(template: string, seed: string): string {
  const rnd = prng(seed);
  return template.replace(/\{([aBbhHdUXLlxpA]):(\d+)\}/g, (_all, set: string, n: string) => {
    const chars = CHARSETS[set];
    let out = '';
    for (let i = 0; i < Number(n); i++) {
      // A password starts with a letter or digit (a leading '-' would read as a flag).
      const pool = set === 'p' && i === 0 ? CHARSETS.a : chars;
      out += pool[Math.floor(rnd() * pool.length)];
    }
    return out;
  });
}

type RawSecret = { id: string; family?: string; secret: string | string[]; text?: string; kind?: string; escape?: 'unicode' };
type RawOrdinary = { id: string; text: string };

function entries<T>(file: string, key: string): T[] {
  const data = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  const list = Array.isArray(data) ? data : (data as Record<string, unknown>)[key];
  if (!Array.isArray(list)) throw new Error(`${file}: expected an array or {"${key}": [...]}`);
  return list as T[];
}

const HERE = join(__dirname, 'corpus');

export function secretCases(): SecretCase[] {
  const files = [join(HERE, 'secrets.json'), ...(process.env.BEACON_REDACTION_CORPUS ? [process.env.BEACON_REDACTION_CORPUS] : [])];
  return files.flatMap((f) =>
    entries<RawSecret>(f, 'secrets').map((e) => {
      const secret = expand(Array.isArray(e.secret) ? e.secret.join('') : e.secret, e.id);
      const text = expand(e.text ?? '{{secret}}', `${e.id}/text`).split('{{secret}}').join(secret);
      return { id: e.id, family: e.family ?? 'external', secret, text, kind: e.kind, escape: e.escape };
    }),
  );
}

export function ordinaryCases(): OrdinaryCase[] {
  const files = [join(HERE, 'ordinary.json'), ...(process.env.BEACON_REDACTION_ORDINARY ? [process.env.BEACON_REDACTION_ORDINARY] : [])];
  return files.flatMap((f) => entries<RawOrdinary>(f, 'ordinary').map((e) => ({ id: e.id, text: expand(e.text, e.id) })));
}

/** `text` with the secret's first character written as a `\uXXXX` escape (see `escape`). */
export function unicodeEscaped(text: string, secret: string): string {
  const escaped = `\\u${secret.charCodeAt(0).toString(16).padStart(4, '0')}${secret.slice(1)}`;
  return text.split(secret).join(escaped);
}

/**
 * Pieces of the secret that must not appear anywhere in the output: every 12-character window
 * (all of it when shorter), as written and as JSON would escape it. A secret masked only in
 * part (its prefix, or up to a character the rule did not expect) leaves a window behind.
 */
export function leakNeedles(secret: string): string[] {
  const size = Math.min(12, secret.length);
  const out = new Set<string>();
  for (let i = 0; i + size <= secret.length; i++) {
    const w = secret.slice(i, i + size);
    out.add(w);
    out.add(JSON.stringify(w).slice(1, -1));
  }
  return [...out];
}

/** The first needle of `secret` found in `haystack`, if any. */
export function findLeak(haystack: string, secret: string): string | undefined {
  return leakNeedles(secret).find((n) => haystack.includes(n));
}
