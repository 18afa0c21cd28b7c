/**
 * Go (RE2) regular expression syntax -> a JavaScript RegExp source with the same meaning, for
 * the subset gitleaks' rules use. Node 20's V8 has no inline modifier groups (`(?i:...)`,
 * `(?-i:...)`, a `(?i)` in the middle of a pattern), so case-insensitivity is compiled into the
 * pattern instead of a flag: under `i`, every ASCII letter becomes `[aA]` and every class gets
 * both cases. The result is always used WITHOUT the `i` flag.
 *
 * Also translated: `(?P<name>` -> `(?<name>`, POSIX classes (`[[:alnum:]]`), `\z` -> `$` and
 * `\A` -> `^` (JS without `m`: start / end of input, as in Go without `m`), `(?s)` (dot matches
 * newline) -> `[\s\S]`, and `.` -> `[^\n]` (Go's dot excludes only `\n`).
 * Anything else this does not know throws, so a new construct in an updated rule set fails the
 * import test instead of silently matching something else.
 */

export interface ConvertedRegex {
  source: string;
  /** Named groups, in the order they appear (JS needs unique names; Go allows repeats). */
  groupNames: string[];
}

interface Flags {
  i: boolean;
  s: boolean;
}

const POSIX: Record<string, string> = {
  alnum: 'a-zA-Z0-9',
  alpha: 'a-zA-Z',
  digit: '0-9',
  lower: 'a-z',
  upper: 'A-Z',
  space: '\\t\\n\\v\\f\\r ',
  xdigit: '0-9A-Fa-f',
  word: '\\w',
  punct: '!-\\/:-@\\[-`{-~',
};

const isLetter = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');

function caseless(c: string): string {
  return isLetter(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : c;
}

function parseFlags(spec: string, into: Flags): Flags {
  const out = { ...into };
  let on = true;
  for (const ch of spec) {
    if (ch === '-') on = false;
    else if (ch === 'i') out.i = on;
    else if (ch === 's') out.s = on;
    else if (ch === 'm' || ch === 'U') throw new Error(`unsupported Go regex flag ${ch}`);
    else throw new Error(`unknown Go regex flag ${ch}`);
  }
  return out;
}

/** One class member range (code points), for case folding. */
type Item = { lo: number; hi: number } | { raw: string };

function parseClass(src: string, start: number, flags: Flags): { text: string; end: number } {
  // src[start] === '['
  let i = start + 1;
  let negated = false;
  if (src[i] === '^') {
    negated = true;
    i++;
  }
  const items: Item[] = [];
  let first = true;
  const readAtom = (): Item | number => {
    const c = src[i];
    if (c === '\\') {
      const e = src[i + 1];
      i += 2;
      if (e === 'x') {
        const hex = src.slice(i, i + 2);
        i += 2;
        return parseInt(hex, 16);
      }
      if (e === 'd' || e === 'w' || e === 's' || e === 'D' || e === 'W' || e === 'S') return { raw: `\\${e}` };
      if (e === 'n') return 10;
      if (e === 'r') return 13;
      if (e === 't') return 9;
      if (e === 'f') return 12;
      if (e === 'v') return 11;
      if (/[A-Za-z0-9]/.test(e)) throw new Error(`unsupported escape \\${e} in a class`);
      return e.charCodeAt(0);
    }
    if (c === '[' && src[i + 1] === ':') {
      const close = src.indexOf(':]', i + 2);
      if (close < 0) throw new Error('unterminated POSIX class');
      const name = src.slice(i + 2, close);
      const def = POSIX[name];
      if (def === undefined) throw new Error(`unknown POSIX class [:${name}:]`);
      i = close + 2;
      return { raw: def };
    }
    i++;
    return c.charCodeAt(0);
  };
  for (;;) {
    if (i >= src.length) throw new Error('unterminated character class');
    if (src[i] === ']' && !first) {
      i++;
      break;
    }
    first = false;
    const a = readAtom();
    if (typeof a === 'number' && src[i] === '-' && src[i + 1] !== ']' && i + 1 < src.length) {
      i++;
      const b = readAtom();
      if (typeof b !== 'number') throw new Error('class range with a class escape');
      items.push({ lo: a, hi: b });
    } else if (typeof a === 'number') {
      items.push({ lo: a, hi: a });
    } else {
      items.push(a);
    }
  }
  const parts: string[] = [];
  const esc = (cp: number): string => {
    const ch = String.fromCharCode(cp);
    if (/[A-Za-z0-9_]/.test(ch)) return ch;
    return cp < 256 ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
  };
  const range = (lo: number, hi: number) => (lo === hi ? esc(lo) : `${esc(lo)}-${esc(hi)}`);
  for (const it of items) {
    if ('raw' in it) {
      parts.push(it.raw);
      continue;
    }
    parts.push(range(it.lo, it.hi));
    if (flags.i) {
      // Add the other case of the ASCII letters inside the range.
      const lo = Math.max(it.lo, 65);
      const hi = Math.min(it.hi, 90);
      if (lo <= hi) parts.push(range(lo + 32, hi + 32));
      const lo2 = Math.max(it.lo, 97);
      const hi2 = Math.min(it.hi, 122);
      if (lo2 <= hi2) parts.push(range(lo2 - 32, hi2 - 32));
    }
  }
  return { text: `[${negated ? '^' : ''}${parts.join('')}]`, end: i };
}

export function convertGoRegex(src: string): ConvertedRegex {
  const stack: Flags[] = [];
  let flags: Flags = { i: false, s: false };
  let out = '';
  const groupNames: string[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '\\') {
      const e = src[i + 1];
      if (e === undefined) throw new Error('trailing backslash');
      i += 2;
      if (e === 'z') out += '$';
      else if (e === 'A') out += '^';
      else if (e === 'x') {
        out += `\\x${src.slice(i, i + 2)}`;
        i += 2;
      } else if ('bBdDwWsSnrtfv'.includes(e)) out += `\\${e}`;
      else if (/[A-Za-z0-9]/.test(e)) throw new Error(`unsupported escape \\${e}`);
      else out += `\\${e}`;
      continue;
    }
    if (c === '[') {
      const cls = parseClass(src, i, flags);
      out += cls.text;
      i = cls.end;
      continue;
    }
    if (c === '(') {
      if (src[i + 1] === '?') {
        const m = /^\(\?([a-zA-Z-]*)([:)])/.exec(src.slice(i));
        if (src.startsWith('(?P<', i) || src.startsWith('(?<', i)) {
          const at = src.indexOf('<', i);
          const close = src.indexOf('>', at);
          const name = src.slice(at + 1, close);
          let unique = name;
          for (let n = 2; groupNames.includes(unique); n++) unique = `${name}_${n}`;
          groupNames.push(unique);
          stack.push(flags);
          out += `(?<${unique}>`;
          i = close + 1;
          continue;
        }
        if (src[i + 2] === '=' || src[i + 2] === '!') {
          // A lookahead: not Go syntax (RE2 has none), but Beacon's own edits to a rule use it.
          stack.push(flags);
          out += src.slice(i, i + 3);
          i += 3;
          continue;
        }
        if (!m) throw new Error(`unsupported group at ${i}: ${src.slice(i, i + 8)}`);
        if (m[2] === ')') {
          // (?i) : sets flags until the end of the enclosing group
          flags = parseFlags(m[1], flags);
          i += m[0].length;
          continue;
        }
        stack.push(flags);
        flags = parseFlags(m[1], flags);
        out += '(?:';
        i += m[0].length;
        continue;
      }
      stack.push(flags);
      out += '(';
      i++;
      continue;
    }
    if (c === ')') {
      const prev = stack.pop();
      if (prev === undefined) throw new Error('unbalanced )');
      flags = prev;
      out += ')';
      i++;
      continue;
    }
    if (c === '.') {
      out += flags.s ? '[\\s\\S]' : '[^\\n]';
      i++;
      continue;
    }
    if (c === '{') {
      // A repetition {n}, {n,}, {n,m} stays as it is; Go reads a lone { as a literal.
      const m = /^\{\d+(?:,\d*)?\}/.exec(src.slice(i));
      if (m) {
        out += m[0];
        i += m[0].length;
      } else {
        out += '\\{';
        i++;
      }
      continue;
    }
    if (c === '}') {
      out += '\\}';
      i++;
      continue;
    }
    out += flags.i ? caseless(c) : c;
    i++;
  }
  if (stack.length > 0) throw new Error('unbalanced (');
  return { source: out, groupNames };
}
