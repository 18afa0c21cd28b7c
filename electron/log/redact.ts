/**
 * Secret masking for everything Beacon writes (prompts, commands, tool arguments and output,
 * messages, raw attributes). Runs on every string of every event, so:
 *  - one cheap case-insensitive pre-check decides whether a string can hold a secret at all;
 *    most strings (ids, timestamps, model names) stop there;
 *  - each pattern is compiled once, and built so that no input makes it backtrack without
 *    bound: token patterns may only START where a token-character run starts (a lookbehind),
 *    quantifiers that could be re-scanned from many positions are bounded, and PEM blocks are
 *    found with indexOf rather than a lazy `[\s\S]*?` (which is quadratic when END is missing).
 *
 * What is masked (replacement in brackets; a `key=` / `key: ` prefix is kept):
 *  - PEM private key blocks, also when cut short with no END line   [REDACTED:private-key]
 *  - OpenAI keys sk-..., sk-proj-...                                  [REDACTED:openai-key]
 *  - AWS access key ids AKIA/ASIA/...                                 [REDACTED:aws-access-key-id]
 *  - GitHub tokens ghp_ gho_ ghu_ ghs_ ghr_ github_pat_               [REDACTED:github-token]
 *  - Slack tokens xox[abprse]- and hooks.slack.com webhooks           [REDACTED:slack-token|slack-webhook]
 *  - JWTs eyJ....eyJ....sig                                           [REDACTED:jwt]
 *  - `Bearer <token>` / `Basic <credentials>`                         Bearer [REDACTED]
 *  - key=value, key: value, "key": "value", --key value for secret-named keys (api_key, apikey,
 *    token, secret, password, passwd, pwd, authorization, access_key, private_key,
 *    client_secret, credential, ...; also as a suffix: AWS_SECRET_ACCESS_KEY=, GITHUB_TOKEN=)
 *                                                                      key=[REDACTED]
 *  - passwords in URLs (scheme://user:password@host)                  scheme://user:[REDACTED]@host
 * Values that are obviously not secrets (numbers, true/false/null, an already-masked value)
 * are left alone so counters like `max_token=5` stay readable.
 */

export const REDACTED = '[REDACTED]';

export interface RedactResult {
  readonly text: string;
  readonly redacted: boolean;
}

/** Substrings without which none of the patterns below can match. */
const CANDIDATE =
  /bearer|basic|key|token|secret|passw|pwd|auth|credential|sk-|AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|gh[pousr]_|github_pat_|xox|hooks\.slack|eyJ|-----BEGIN|:\/\//i;

/** Start of a PEM private key block; the rest is found with indexOf. */
const PEM_BEGIN = /-----BEGIN [A-Z0-9 ]{0,40}PRIVATE KEY-----/g;

/** Token-character run boundary: a token may only start where such a run starts. */
const TB = '(?<![A-Za-z0-9_-])';

const KINDED: Array<[RegExp, string]> = [
  [new RegExp(`${TB}sk-(?:proj-|svcacct-|admin-|ant-)?[A-Za-z0-9_-]{20,}`, 'g'), '[REDACTED:openai-key]'],
  [/\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g, '[REDACTED:aws-access-key-id]'],
  [new RegExp(`${TB}(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})`, 'g'), '[REDACTED:github-token]'],
  [new RegExp(`${TB}xox[abprse]-[A-Za-z0-9-]{10,}`, 'g'), '[REDACTED:slack-token]'],
  [/https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9/_-]+/g, '[REDACTED:slack-webhook]'],
  [new RegExp(`${TB}eyJ[A-Za-z0-9_-]{4,}\\.eyJ[A-Za-z0-9_-]{4,}\\.[A-Za-z0-9_-]*`, 'g'), '[REDACTED:jwt]'],
];

/** `Bearer xyz`, `Basic xyz` (header values, curl -H, logs). */
const AUTH_SCHEME = /\b(bearer|basic)([ \t]+)([A-Za-z0-9._~+/=-]{8,})/gi;

/**
 * Secret-named keys followed by a value. Group 1: key word (+ a separator-led suffix such as
 * `_ACCESS_KEY`); 2: separator with any JSON quoting; then the value in one of three forms:
 * double-quoted (3 = opening quote, 4 = text), single-quoted (5, 6) or bare (7).
 */
const KEY_WORDS =
  'api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|client[_-]?secret|auth[_-]?token|access[_-]?token|refresh[_-]?token|' +
  'token|secret|password|passwd|pwd|authorization|credentials?';
const KEY_VALUE = new RegExp(
  `((?:${KEY_WORDS})(?:[_.-][A-Za-z0-9_.-]{0,30})?)` +
    `(\\\\{0,2}["']?[ \\t]{0,8}[:=][ \\t]{0,8})` +
    `(?:(\\\\{0,2}")([^"\\\\\\n]*)|(')([^'\\n]*)|([^\\s"'\`,;&<>\\\\]+))`,
  'gi',
);

/** `--password xyz`, `--token xyz` (the `--token=xyz` form is a key=value). */
const FLAG_VALUE = /(--(?:password|passwd|token|api[-_]?key|secret|client[-_]secret|access[-_]token|auth[-_]token)[ \t]+)([^\s"'`-][^\s"'`]*)/gi;

/** scheme://user:password@host */
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]{1,20}:\/\/[^\s:/@[\]]{1,256}:)([^\s@/]{1,256})(@)/gi;

/** Key suffixes that name metadata about a secret, not the secret (token_count, api_key_present). */
const NOT_SECRET_SUFFIX = /[_.-](?:counts?|length|len|limit|type|name|names|usage|present|enabled|attached|env|file|path|url|header|id_present|kind|source|mode)$/i;
const NOT_SECRET_VALUE = /^(?:\d+|true|false|null|none|undefined|\*+|\[REDACTED[^\]]*\]?.*)$/i;
const SCHEME_WORD = /^(?:bearer|basic|digest|token)$/i;

function looksLikeCredential(v: string): boolean {
  // "Bearer authentication" is prose; "Bearer abc.def-123" is a token.
  return /[0-9._~+/=-]/.test(v) || v.length >= 20;
}

function maskPem(s: string): { text: string; hit: boolean } {
  PEM_BEGIN.lastIndex = 0;
  if (!PEM_BEGIN.test(s)) return { text: s, hit: false };
  PEM_BEGIN.lastIndex = 0;
  let out = '';
  let from = 0;
  let m: RegExpExecArray | null;
  while ((m = PEM_BEGIN.exec(s)) !== null) {
    const start = m.index;
    if (start < from) continue;
    const endMarker = s.indexOf('-----END ', start + m[0].length);
    let stop: number;
    if (endMarker < 0) {
      stop = s.length; // cut short (a truncated preview): the rest is key material
    } else {
      const close = s.indexOf('-----', endMarker + 9);
      stop = close < 0 ? s.length : close + 5;
    }
    out += s.slice(from, start) + '[REDACTED:private-key]';
    from = stop;
    PEM_BEGIN.lastIndex = stop;
  }
  return { text: out + s.slice(from), hit: true };
}

/**
 * Verdicts for short strings seen recently. Codex repeats the same ids, versions, model names
 * and enum values in every record of a session (and the resource attributes in every event of
 * a batch), so most strings were already judged; a Map hit is far cheaper than the candidate
 * regex. Bounded: cleared whenever it fills (no eviction bookkeeping on the hot path).
 */
const MEMO_MAX_LENGTH = 160;
const MEMO_MAX_ENTRIES = 4096;
const memo = new Map<string, RedactResult>();

/** Mask every secret in `s`. `redacted` says whether anything was masked. */
export function redactText(s: string): RedactResult {
  if (s.length < 8) return { text: s, redacted: false };
  if (s.length > MEMO_MAX_LENGTH) return redactUncached(s);
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
  if (!CANDIDATE.test(s)) return { text: s, redacted: false };
  let text = s;
  let hit = false;

  if (text.indexOf('-----BEGIN') >= 0) {
    const pem = maskPem(text);
    text = pem.text;
    hit = pem.hit;
  }
  for (const [re, replacement] of KINDED) {
    const next = text.replace(re, replacement);
    if (next !== text) {
      text = next;
      hit = true;
    }
  }
  text = text.replace(AUTH_SCHEME, (all, scheme: string, gap: string, value: string) => {
    if (!looksLikeCredential(value)) return all;
    hit = true;
    return `${scheme}${gap}${REDACTED}`;
  });
  text = text.replace(
    KEY_VALUE,
    (all, key: string, sep: string, dq: string | undefined, dqText: string | undefined, sq: string | undefined, sqText: string | undefined, bare: string | undefined) => {
      if (NOT_SECRET_SUFFIX.test(key)) return all;
      const value = dqText ?? sqText ?? bare ?? '';
      if (value === '' || NOT_SECRET_VALUE.test(value)) return all;
      // `Authorization: Bearer x` is handled by AUTH_SCHEME; do not mask the scheme word.
      if (SCHEME_WORD.test(value)) return all;
      hit = true;
      if (dq !== undefined) return `${key}${sep}${dq}${REDACTED}`;
      if (sq !== undefined) return `${key}${sep}${sq}${REDACTED}`;
      return `${key}${sep}${REDACTED}`;
    },
  );
  text = text.replace(FLAG_VALUE, (all, flag: string, value: string) => {
    if (NOT_SECRET_VALUE.test(value)) return all;
    hit = true;
    return `${flag}${REDACTED}`;
  });
  text = text.replace(URL_PASSWORD, (all, head: string, pass: string, at: string) => {
    if (pass.startsWith('[REDACTED')) return all;
    hit = true;
    return `${head}${REDACTED}${at}`;
  });
  return { text, redacted: hit };
}

/** Key names whose string values are secrets whatever they look like ("password": "hunter2"). */
const SECRET_KEY_NAME = new RegExp(`(?:^|[_.-])(?:${KEY_WORDS})$`, 'i');

/** Attribute keys repeat in every record: remember the verdict (bounded like the text memo). */
const keyMemo = new Map<string, boolean>();

export function isSecretKeyName(key: string): boolean {
  let v = keyMemo.get(key);
  if (v === undefined) {
    v = SECRET_KEY_NAME.test(key) && !NOT_SECRET_SUFFIX.test(key);
    if (keyMemo.size >= MEMO_MAX_ENTRIES) keyMemo.clear();
    keyMemo.set(key, v);
  }
  return v;
}

/**
 * Redact every string inside a JSON-like value (objects, arrays), returning a new value when
 * something changed (the input is never modified). A string under a secret-named key is masked
 * whole. `onHit` is called once per masked string.
 */
export function redactValue<T>(value: T, onHit?: () => void, keyHint?: string): T {
  if (typeof value === 'string') {
    if (keyHint !== undefined && value !== '' && isSecretKeyName(keyHint) && !NOT_SECRET_VALUE.test(value)) {
      onHit?.();
      return REDACTED as unknown as T;
    }
    const r = redactText(value);
    if (r.redacted) onHit?.();
    return r.text as unknown as T;
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = redactValue(value[i], onHit, keyHint);
      if (v !== value[i]) (copy ??= value.slice())[i] = v;
    }
    return (copy ?? value) as unknown as T;
  }
  if (value !== null && typeof value === 'object') {
    let copy: Record<string, unknown> | undefined;
    const obj = value as Record<string, unknown>;
    for (const k of Object.keys(obj)) {
      const v = redactValue(obj[k], onHit, k);
      if (v !== obj[k]) (copy ??= { ...obj })[k] = v;
    }
    return (copy ?? value) as T;
  }
  return value;
}
