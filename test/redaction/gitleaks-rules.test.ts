/**
 * gitleaks' imported rule set: where it came from, that every rule converts from Go syntax and
 * compiles, that gitleaks' semantics (keywords, secret group, entropy, allowlists) hold, and
 * that no rule can be made to run for long on hostile text.
 */
import { describe, expect, it } from 'vitest';
import data from '../../electron/log/redaction/gitleaks-rules.json';
import { convertGoRegex } from '../../electron/log/redaction/go-regex';
import { gitleaksDetectors } from '../../electron/log/redaction/gitleaks';
import { KeywordAutomaton } from '../../electron/log/redaction/keyword-automaton';
import { allDetectors, redactText } from '../../electron/log/redaction/redact-text';
import type { Span } from '../../electron/log/redaction/detector';
import { SecretScanner, mergeSpans } from '../../electron/log/redaction/scanner';
import { ordinaryCases, secretCases } from './corpus';

const find = (id: string, text: string): Span[] => {
  const d = gitleaksDetectors().find((x) => x.id === `gitleaks:${id}`)!;
  const out: Span[] = [];
  d.find(text, out);
  return out;
};
const part = (...p: string[]): string => p.join('');

describe('the imported rule set', () => {
  it('names the npm package and gitleaks release it came from', () => {
    expect(data.source.package).toMatch(/^@0xts\/gitleaks-cli@\d/);
    expect(data.source.gitleaks_version).toMatch(/^v8\.\d+\.\d+$/);
    expect(data.source.integrity).toMatch(/^sha512-/);
    expect(data.rules.length).toBeGreaterThanOrEqual(200);
  });

  it('converts and compiles every rule, allowlist and global allowlist regex', () => {
    const regexes = [
      ...data.rules.flatMap((r) => [r.regex, ...((r as { allowlists?: { regexes?: string[] }[] }).allowlists ?? []).flatMap((a) => a.regexes ?? [])]),
      ...data.allowlist.regexes,
    ].filter((r): r is string => typeof r === 'string');
    const failures = regexes.filter((r) => {
      try {
        new RegExp(convertGoRegex(r).source);
        return false;
      } catch {
        return true;
      }
    });
    expect(failures).toEqual([]);
    // Rules for file paths only, and the two curl rules (see gitleaks.ts), are left out.
    expect(gitleaksDetectors().length).toBe(data.rules.filter((r) => r.regex && !('path' in r)).length - 2);
  });
});

describe('Go regex conversion', () => {
  const js = (go: string): RegExp => new RegExp(convertGoRegex(go).source);
  it.each([
    ['(?i) for the whole pattern', '(?i)abc', 'xABcx', true],
    ['(?i) from the middle on', 'ab(?i)cd', 'abCD', true],
    ['(?i) from the middle, not before it', 'ab(?i)cd', 'ABcd', false],
    ['(?i:...) group', 'x(?i:ab)y', 'xABy', true],
    ['(?-i:...) inside case-insensitive', '(?i)a(?-i:B)c', 'ABC', true],
    ['(?-i:...) keeps its case', '(?i)a(?-i:B)c', 'AbC', false],
    ['classes fold under (?i)', '(?i)^[a-c]+$', 'AbC', true],
    ['POSIX class', '^[[:alnum:]]+$', 'aZ9', true],
    ['\\z is the end', 'ab\\z', 'xab', true],
    ['dot does not cross a newline', 'a.b', 'a\nb', false],
    ['(?s) dot does', '(?s)a.b', 'a\nb', true],
  ])('%s', (_name, go, input, matches) => {
    expect(js(go).test(input)).toBe(matches);
  });

  it('turns named groups into JS named groups', () => {
    expect(js('(?P<x>a)').exec('a')?.groups?.x).toBe('a');
  });

  it('refuses what it does not know', () => {
    expect(() => convertGoRegex('(?U)a')).toThrow(/unsupported/);
    expect(() => convertGoRegex('\\pL')).toThrow(/unsupported/);
  });
});

describe("gitleaks' semantics", () => {
  it('masks the secret group only, not the key before it', () => {
    const text = part('adafruit_key = "', 'a8zk3qm9lp2xv7rt4ws1ny6hbq0c5de1', '"');
    const [s] = find('adafruit-api-key', text);
    expect(text.slice(s.start, s.end)).toBe(part('a8zk3qm9lp2xv7rt4ws1ny6hbq0c5de1'));
  });

  it('skips a match below the rule entropy', () => {
    expect(find('generic-api-key', 'api_key = aaaaaaaaaaaaaaab')).toEqual([]);
    expect(find('generic-api-key', part('api_key = ', 'Zq8v2LmX9rT4kW1p'))).toHaveLength(1);
  });

  it('applies allowlists: stopwords and the global ones', () => {
    // global allowlist: a value that is a variable reference
    expect(find('generic-api-key', 'api_key = ${SOME_API_KEY_VALUE}')).toEqual([]);
    // global stopword
    expect(find('generic-api-key', 'token = abcdefghijklmnopqrstuvwxyz0123')).toEqual([]);
  });

  it('a fixed-format token also ends at punctuation (curl -u key:, URLs, query strings)', () => {
    expect(redactText(part('curl -u ', 'sk_live_', 'a1B2c3D4e5F6g7H8i9J0k1L2', ': https://api.stripe.com')).text).toBe('curl -u [REDACTED:stripe-key]: https://api.stripe.com');
  });
});

describe('keyword automaton', () => {
  it('finds every keyword, overlapping ones too, whatever the case', () => {
    const a = new KeywordAutomaton(['sk_live', 'live_', 'ghp_', 'key']);
    const hits: number[] = [];
    a.scan('use SK_LIVE_abc and a Key', (id) => hits.push(id));
    expect(hits.sort()).toEqual([0, 1, 3]);
    expect(a.scan('nothing here', () => undefined)).toBe(false);
  });
});

describe('hostile text: no rule runs long', () => {
  // Each would take seconds to minutes with an unbounded backtracking pattern; finishing
  // inside the test timeout is the check (the bench measures speed).
  const SIZE = 1 << 16;
  const fillers = ['a', ' ', '=', ':', '\n', '"', '-', '.', '/', 'A1', '@', '://a:b'];
  it.each(allDetectors().map((d) => [d.id, d] as const))('%s', (_id, d) => {
    for (const k of (d.keywords.length > 0 ? d.keywords : ['']).slice(0, 2)) {
      for (const f of fillers) {
        d.find((k + f).repeat(Math.ceil(SIZE / (k.length + f.length))), []);
        d.find(k + f.repeat(SIZE), []);
      }
    }
  });
});

describe('rules tried only where their keywords start find what a full scan finds', () => {
  // scanner.ts calls findAt() for these; find() scans every position as gitleaks does.
  const anchored = allDetectors().filter((d) => d.findAt !== undefined);
  const texts = [
    ...secretCases().map((c) => c.text),
    ...ordinaryCases().map((o) => o.text),
    'api_key=Zq8v2LmX9rT4kW1pQ7sN token: "aB3dE5fG7hJ9kL1m" API_KEY=short auth = x9Y8z7W6v5U4t3S2 passwd=Hunter22Hunter22',
    'apikey=abcdef0123456789XYZ; accessKey: 0123456789abcdefXYZ, client_secret="s3cr3tValue12345" idToken=eyJabc.def.ghi',
    'tokentokentoken=abcdef0123456789 keykey=Zq8v2LmX9rT4kW1pQ7 pwpw=abc123456 secretsecret: xYz0123456789abc',
  ];
  it.each(anchored.map((d) => [d.id, d] as const))('%s', (_id, d) => {
    expect(anchored.length).toBeGreaterThanOrEqual(2);
    const sc = new SecretScanner([d]);
    for (const t of texts) {
      const full: Span[] = [];
      d.find(t, full);
      expect(sc.scan(t)).toEqual(mergeSpans(full));
    }
  });
});
