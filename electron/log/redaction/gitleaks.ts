/**
 * gitleaks' published rule set (gitleaks-rules.json, imported from npm by
 * scripts/import-gitleaks-rules.mjs) as Beacon detectors, run the way gitleaks runs a rule on a
 * text: keywords first (the automaton in scanner.ts), then the rule's regex, the secret picked
 * out of the match (`secretGroup`, else the first non-empty group, else the whole match), then
 * its `entropy` threshold, the rule's allowlists and the global allowlist.
 *
 * Differences from gitleaks, each on purpose:
 *  - rules that only apply to some file paths (and the path-only pkcs12 rule) are left out:
 *    Beacon scans strings, not files;
 *  - the two curl rules are left out: their unbounded `.*?` across up to five lines, tried from
 *    every `curl`, take seconds on a long text in a backtracking engine (RE2 is linear);
 *    beacon-context.ts finds the same credentials (`-u user:pass`, auth headers) with bounded
 *    patterns;
 *  - the leading `[\w.-]{0,50}?` that many rules start with (it only widens the match to the
 *    left, for the report) is removed from the regex: in a backtracking engine it multiplies the
 *    work at every position of a long text. The secret found is the same (leftmost-first
 *    matching gives the same rest of the match); for the allowlists that look at the whole
 *    match, the match is widened back by scanning the same class leftwards;
 *  - a fixed-format token (a rule without a `key = value` context) may also end at punctuation
 *    such as `:` `@` `&` `,` `)` `.`: gitleaks' rules want a quote, a space, `;` or the end after
 *    the token, so `curl -u sk_live_...:`, `https://ghs_...@github.com` or `?key=AIza...&q=`
 *    went through them. The token's own format is unchanged.
 */
import { convertGoRegex } from './go-regex';
import { shannonEntropy, type Detector, type Span } from './detector';
import data from './gitleaks-rules.json';

interface RawAllowlist {
  condition?: string;
  regexTarget?: string;
  regexes?: string[];
  stopwords?: string[];
  paths?: string[];
}

interface RawRule {
  id: string;
  regex?: string;
  secretGroup?: number;
  entropy?: number;
  keywords?: string[];
  path?: string;
  allowlists?: RawAllowlist[];
}

interface Allowlist {
  and: boolean;
  target: 'secret' | 'match' | 'line';
  regexes: RegExp[];
  stopwords: string[];
  /** The list names paths: with AND it can never hold here; with OR the paths alone never do. */
  hasPaths: boolean;
}

export const GITLEAKS_SOURCE = data.source;

/** Marker kinds for rules whose secret Beacon already named, and the names. Others: the rule id. */
const KIND_ALIASES: Record<string, string> = {
  'generic-api-key': '',
  'openai-api-key': 'openai-key',
  'anthropic-api-key': 'anthropic-key',
  'anthropic-admin-api-key': 'anthropic-key',
  'aws-access-token': 'aws-access-key-id',
  'github-pat': 'github-token',
  'github-oauth': 'github-token',
  'github-app-token': 'github-token',
  'github-refresh-token': 'github-token',
  'github-fine-grained-pat': 'github-token',
  'slack-webhook-url': 'slack-webhook',
  jwt: 'jwt',
  'jwt-base64': 'jwt',
  'private-key': 'private-key',
  'stripe-access-token': 'stripe-key',
  'gcp-api-key': 'google-api-key',
};

export function kindForRule(id: string): string {
  if (id in KIND_ALIASES) return KIND_ALIASES[id];
  if (id.startsWith('slack-')) return 'slack-token';
  return id;
}

/** gitleaks' "the token ends here" group (Go syntax, as in the rule file) and Beacon's wider one. */
const TERMINATOR = "(?:[\\x60'\"\\s;]|\\\\[nr]|$)";
const WIDER_TERMINATOR = "(?:[\\x60'\"\\s;]|\\\\[nr]|$|(?=[^\\w+=/-]))";
/** The `key = value` separator of gitleaks' context rules: those keep gitleaks' terminator. */
const ASSIGNMENT = '(?:=|>|:{1,3}=|\\|\\||:|=>|\\?=|,)';

const LEADING_PREFIX = /^((?:\(\?i\)|\(\?i:|\(\?:)*)\[\\w\.-\]\{0,50\}\?/;

function compile(go: string, flags = 'g'): RegExp {
  return new RegExp(convertGoRegex(go).source, flags);
}

function compileAllowlist(a: RawAllowlist): Allowlist {
  const target = a.regexTarget === 'match' ? 'match' : a.regexTarget === 'line' ? 'line' : 'secret';
  return {
    and: a.condition === 'AND',
    target,
    regexes: (a.regexes ?? []).map((r) => compile(r, '')),
    stopwords: (a.stopwords ?? []).map((w) => w.toLowerCase()),
    hasPaths: (a.paths ?? []).length > 0,
  };
}

function containsStopword(secret: string, words: readonly string[]): boolean {
  if (words.length === 0) return false;
  const lower = secret.toLowerCase();
  for (const w of words) if (lower.includes(w)) return true;
  return false;
}

function allowed(list: Allowlist, secret: string, match: () => string, line: () => string): boolean {
  const criteria: boolean[] = [];
  if (list.hasPaths) criteria.push(false);
  if (list.regexes.length > 0) {
    const target = list.target === 'secret' ? secret : list.target === 'match' ? match() : line();
    criteria.push(list.regexes.some((r) => r.test(target)));
  }
  if (list.stopwords.length > 0) criteria.push(containsStopword(secret, list.stopwords));
  if (criteria.length === 0) return false;
  return list.and ? criteria.every(Boolean) : criteria.some(Boolean);
}

const global = compileAllowlist({ regexes: data.allowlist.regexes, stopwords: data.allowlist.stopwords });

const WORDISH = /[\w.-]/;

class GitleaksRule implements Detector {
  readonly id: string;
  readonly keywords: readonly string[];
  private readonly kind: string;
  private readonly re: RegExp;
  /** How far left the removed `[\w.-]{0,50}?` prefixes could have widened a match. */
  private readonly widen: number;
  private readonly secretGroup: number;
  private readonly entropy: number;
  private readonly allowlists: Allowlist[];

  constructor(raw: RawRule) {
    this.id = `gitleaks:${raw.id}`;
    this.kind = kindForRule(raw.id);
    this.keywords = (raw.keywords ?? []).map((k) => k.toLowerCase());
    let src = raw.regex!;
    let removed = 0;
    for (;;) {
      const next = src.replace(LEADING_PREFIX, '$1');
      if (next === src) break;
      src = next;
      removed++;
    }
    this.widen = removed * 50;
    if (!src.includes(ASSIGNMENT)) src = src.split(TERMINATOR).join(WIDER_TERMINATOR);
    this.re = compile(src);
    this.secretGroup = raw.secretGroup ?? 0;
    this.entropy = raw.entropy ?? 0;
    this.allowlists = (raw.allowlists ?? []).map(compileAllowlist);
    if (ANCHORED.has(raw.id)) {
      const sticky = compile(src, 'y');
      this.findAt = (text, starts, out) => this.findFrom(sticky, text, starts, out);
    }
  }

  find(text: string, out: Span[]): void {
    const re = this.re;
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      if (m[0].length === 0) {
        re.lastIndex++;
        continue;
      }
      this.accept(text, m, out);
    }
  }

  /** Set for ANCHORED rules only: their matches start where a keyword does (see ANCHORED). */
  readonly findAt?: (text: string, starts: readonly number[], out: Span[]) => void;

  private findFrom(sticky: RegExp, text: string, starts: readonly number[], out: Span[]): void {
    let next = 0;
    let prev = -1;
    for (const start of starts) {
      if (start < next || start === prev) continue;
      prev = start;
      sticky.lastIndex = start;
      const m = sticky.exec(text);
      if (m === null || m[0].length === 0) continue;
      this.accept(text, m, out);
      next = m.index + m[0].length;
    }
  }

  /** gitleaks' checks on one match: secret group, entropy, allowlists. */
  private accept(text: string, m: RegExpExecArray, out: Span[]): void {
    let secret = m[0];
    if (this.secretGroup > 0) {
      secret = m[this.secretGroup] ?? '';
    } else {
      for (let g = 1; g < m.length; g++) {
        if (m[g]) {
          secret = m[g];
          break;
        }
      }
    }
    if (secret === '') return;
    if (this.entropy > 0 && shannonEntropy(secret) <= this.entropy) return;
    const at = m.index;
    const whole = m[0];
    const match = (): string => {
      let s = at;
      while (s > 0 && at - s < this.widen && WORDISH.test(text[s - 1])) s--;
      return text.slice(s, at) + whole;
    };
    const line = (): string => {
      const ls = text.lastIndexOf('\n', at) + 1;
      const le = text.indexOf('\n', at + whole.length);
      return text.slice(ls, le < 0 ? text.length : le);
    };
    if (this.allowlists.some((a) => allowed(a, secret, match, line))) return;
    if (allowed(global, secret, match, line)) return;
    const offset = whole.indexOf(secret);
    const start = at + (offset < 0 ? 0 : offset);
    out.push({ start, end: start + (offset < 0 ? whole.length : secret.length), kind: this.kind });
  }
}

/** Every rule of the imported set that applies to text without a file path, compiled once. */
const LEFT_OUT = new Set(['curl-auth-header', 'curl-auth-user']);

/**
 * Rules whose regex (once its leading `[\w.-]{0,50}?` is removed) begins with an alternation of
 * exactly their keywords, so a match can only start where a keyword starts: they are tried
 * there only. The generic rule's keywords (key, token, api, auth, access...) are in most
 * texts; tried at every position it was the largest single cost of detection.
 * test/redaction/gitleaks-rules.test.ts checks both ways find the same secrets.
 */
const ANCHORED = new Set(['generic-api-key']);

export function gitleaksDetectors(): Detector[] {
  const rules = data.rules as RawRule[];
  return rules.filter((r) => r.regex !== undefined && r.path === undefined && !LEFT_OUT.has(r.id)).map((r) => new GitleaksRule(r));
}
