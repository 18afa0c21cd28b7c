/**
 * Beacon's own rules for secrets recognised by where they stand rather than by their format:
 * only the value is masked, the key, flag or URL around it stays readable.
 *  - `key=value`, `key: value`, `"key": "value"` (JSON, also with escaped quotes at any depth),
 *    `--key value` for secret-sounding names (password, DB_PASS, api_key, client_secret, ...);
 *    gitleaks' generic rule wants 10+ characters of high entropy, a password does not;
 *  - `Authorization: <scheme> <credentials>` (Bearer, Basic, token, ...), `Bearer x` anywhere;
 *  - query parameters (`?key=`, `&access_token=`, `sig=` of a signed URL);
 *  - passwords in URLs, also empty users (`redis://:pw@host`) and passwords holding `@` or `/`;
 *  - command lines: `mysql -pSECRET`, `sshpass -p`, `docker login -p`, `curl -u user:pass`,
 *    `openssl -passin pass:...`.
 * Values that are plainly not secrets stay: numbers, booleans, placeholders (`$VAR`, `${{ }}`,
 * `<token>`), code references (`os.environ[...]`, `self.token`, `getToken()`), type names.
 */
import type { Detector, Span } from './detector';

/** Key suffixes that name metadata about a secret, not the secret (token_count, api_key_present). */
export const NOT_SECRET_SUFFIX = /[_.-](?:counts?|length|len|limit|type|name|names|usage|present|enabled|attached|env|file|path|url|uri|header|id_present|kind|source|mode|endpoint|expires?|expiry|ttl|policy|required|rotation)$/i;
export const NOT_SECRET_VALUE = /^(?:\d+|true|false|null|nil|none|undefined|\*+|x{3,}|\.{3}|…|\[REDACTED[^\]]*\]?.*)$/i;
const SCHEME_WORD = /^(?:bearer|basic|digest|token|negotiate|ntlm)$/i;
/** `$VAR`, `${VAR}`, `${{ secrets.X }}`, `{{ .Values.x }}`, `%(name)s`, `<your-token>`, `process.env.X`. */
const PLACEHOLDER = /^(?:\$\{?\{?[^}\s]*\}?\}?|\{\{.*\}\}|%\(?\w*\)?s|<[^>]*>|\[[^\]]*\]|\{[\w.]*\})$/;
const CODE_REFERENCE = /^(?:[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+|[A-Za-z_$][\w$.]*[([].*|(?:string|number|boolean|bigint|any|unknown|object|str|int|bytes|bool|String|Optional|Option|SecretStr|SecretString)\b.*)$/;
const HAS_DIGIT = /\d/;
/** A value that opens a template expression (`{{ .Values.x }}`, `${VAR}`, `$(cmd)`, `<%= x %>`). */
const TEMPLATE_START = /^(?:\$[{(]|\{\{|\{%|<%)/;
/** `token = await getToken()`: the value is code, a keyword of the language. */
const CODE_KEYWORD = /^(?:await|new|function|async|yield|typeof|require|import|lambda|this|self|return|const|let|var|not|sizeof|std::\w+)$/;

export function isPlainValue(v: string): boolean {
  if (v === '' || NOT_SECRET_VALUE.test(v) || PLACEHOLDER.test(v) || TEMPLATE_START.test(v) || CODE_KEYWORD.test(v)) return true;
  // `self.token`, `os.environ[...]`: code, unless it carries digits like a real credential would.
  return CODE_REFERENCE.test(v) && !HAS_DIGIT.test(v.split(/[([]/)[0]);
}

/** Key words that make the value after them a secret. Short ambiguous ones are checked below. */
export const KEY_WORDS =
  'api[_-]?key|apikey|access[_-]?key|secret[_-]?key|private[_-]?key|client[_-]?secret|api[_-]?secret|app[_-]?secret|' +
  'auth[_-]?token|access[_-]?token|refresh[_-]?token|id[_-]?token|session[_-]?token|bot[_-]?token|' +
  'account[_-]?key|shared[_-]?access[_-]?key|signing[_-]?key|encryption[_-]?key|master[_-]?key|' +
  'token|secret|password|passwd|passphrase|pass|pwd|pw|authorization|credentials?';
/** Words that are also parts of ordinary words (bypass, compass, ...): need a boundary before them. */
const SHORT_WORD = /^(?:pass|pwd|pw|token|secret)/i;

const KEY_VALUE = new RegExp(
  `((?:${KEY_WORDS})(?:[_.-][A-Za-z0-9_.-]{0,30})?)` +
    `(\\\\{0,7}["']?[ \\t]{0,8}(?::=|=>|[:=])[ \\t]{0,8})` +
    `(?:\\\\{0,7}"([^"\\\\\\n]*)|'([^'\\n]*)|([^\\s"'\`,;&<>\\\\]+))`,
  'gid',
);

const KEY_VALUE_AT = new RegExp(KEY_VALUE.source, 'iyd');
/** The words KEY_WORDS' alternatives start with: a key=value match starts where one of them does. */
const KEY_VALUE_ANCHORS = ['api', 'access', 'secret', 'private', 'client', 'app', 'auth', 'refresh', 'id', 'session', 'bot', 'account', 'shared', 'signing', 'encryption', 'master', 'token', 'pass', 'pwd', 'pw', 'credential'];

function keyValue(text: string, out: Span[]): void {
  KEY_VALUE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = KEY_VALUE.exec(text)) !== null) keyValueMatch(text, m, out);
}

function keyValueAt(text: string, starts: readonly number[], out: Span[]): void {
  let next = 0;
  let prev = -1;
  for (const start of starts) {
    if (start < next || start === prev) continue;
    prev = start;
    KEY_VALUE_AT.lastIndex = start;
    const m = KEY_VALUE_AT.exec(text);
    if (m === null) continue;
    keyValueMatch(text, m, out);
    next = m.index + m[0].length;
  }
}

function keyValueMatch(text: string, m: RegExpExecArray, out: Span[]): void {
  {
    const key = m[1];
    if (NOT_SECRET_SUFFIX.test(key)) return;
    const prev = m.index > 0 ? text.charCodeAt(m.index - 1) : 0;
    // `bypass=1`, `compassion: x`: the key word inside a longer lower-case word is not a key.
    if (prev >= 97 && prev <= 122 && SHORT_WORD.test(key) && key.charCodeAt(0) >= 97) return;
    const g = m[3] !== undefined ? 3 : m[4] !== undefined ? 4 : 5;
    const value = m[g];
    if (isPlainValue(value) || SCHEME_WORD.test(value)) return;
    // A bare value of one or two characters is a string prefix (`f"..."`), an option or a typo.
    if (g === 5 && value.length < 3) return;
    const [start, end] = m.indices![g]!;
    out.push({ start, end, kind: '' });
  }
}

const AUTH_SCHEME = /\b(?:bearer|basic)[ \t]+([A-Za-z0-9._~+/=-]{8,})/dgi;
const AUTH_HEADER =
  /authorization\\{0,7}["']?[ \t]*[:=][ \t]*\\{0,7}["']?[ \t]*(?:(?:bearer|basic|token|digest|negotiate|ntlm|apikey|api-key|sso-key|key|hmac)[ \t]+)?([^\s"'\\]{6,})/dgi;

function looksLikeCredential(v: string): boolean {
  // "Bearer authentication" is prose; "Bearer abc.def-123" is a token.
  return /[0-9._~+/=-]/.test(v) || v.length >= 20;
}

function authSchemes(text: string, out: Span[]): void {
  for (const re of [AUTH_SCHEME, AUTH_HEADER]) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      const v = m[1];
      if (isPlainValue(v) || SCHEME_WORD.test(v) || !looksLikeCredential(v)) continue;
      const [start, end] = m.indices![1]!;
      out.push({ start, end, kind: '' });
    }
  }
}

const QUERY_PARAM =
  /[?&;](?:key|api[_-]?key|apikey|access[_-]?token|auth[_-]?token|refresh[_-]?token|id[_-]?token|token|sig|signature|password|passwd|pwd|secret|client[_-]?secret|x-amz-signature|x-amz-credential|x-amz-security-token|x-goog-signature|x-goog-credential)=([^&#\s"'<>\\]+)/dgi;

function queryParams(text: string, out: Span[]): void {
  QUERY_PARAM.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = QUERY_PARAM.exec(text)) !== null) {
    if (isPlainValue(m[1])) continue;
    const [start, end] = m.indices![1]!;
    out.push({ start, end, kind: '' });
  }
}

const SCHEME_AT = /\b[a-zA-Z][a-zA-Z0-9+.-]{1,20}:\/\//g;
const URL_STOP = /[\s"'`<>]/g;
const HOST_AFTER_AT = /(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\]|tcp\([^)]{0,300}\)|unix\([^)]{0,300}\))(?::\d{1,5})?(?:[/?#,]|$)/y;
const USER_STOP = /[/?#@]/;
const URL_MAX = 2048;
/** How many `@` of one URL to try as the end of the password (the last that a host follows wins). */
const MAX_AT_TRIES = 8;

/** scheme://user:password@host: the password may hold `@` and `/`; the host is after the last `@`. */
function urlPasswords(text: string, out: Span[]): void {
  SCHEME_AT.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = SCHEME_AT.exec(text)) !== null) {
    const from = m.index + m[0].length;
    const firstAt = text.indexOf('@', from);
    if (firstAt < 0) return; // no `@` left in the text: no URL after this one has a password
    URL_STOP.lastIndex = from;
    const stop = URL_STOP.exec(text);
    const to = Math.min(stop ? stop.index : text.length, from + URL_MAX);
    if (firstAt >= to) continue;
    const colon = text.indexOf(':', from);
    if (colon < 0 || colon >= firstAt || USER_STOP.test(text.slice(from, colon))) continue;
    let at = text.lastIndexOf('@', to - 1);
    let found = -1;
    for (let tries = 0; at > colon && tries < MAX_AT_TRIES; tries++) {
      HOST_AFTER_AT.lastIndex = at + 1;
      const host = HOST_AFTER_AT.exec(text);
      if (host && host.index + host[0].length <= to + 1) {
        found = at;
        break;
      }
      at = text.lastIndexOf('@', at - 1);
    }
    if (found <= colon + 1) continue;
    const pass = text.slice(colon + 1, found);
    if (/^\d{1,5}(?:[/?#]|$)/.test(pass) || pass.startsWith('[REDACTED')) continue; // a port, then a path
    out.push({ start: colon + 1, end: found, kind: '' });
    SCHEME_AT.lastIndex = found;
  }
}

const VALUE = `("[^"\\n]*"|'[^'\\n]*'|[^\\s'"\`-][^\\s'"\`]*)`;
const COMMAND_SECRETS: RegExp[] = [
  // --password x, --token x (the --password=x form is a key=value)
  new RegExp(`--(?:password|passwd|pass|token|api[-_]?key|secret|client[-_]secret|access[-_]token|auth[-_]token|private[-_]key)[ \\t]+${VALUE}`, 'dgi'),
  // mysql -pSECRET (no space: with a space, -p prompts and the next word is the database)
  new RegExp(`\\b(?:mysql|mysqldump|mysqladmin|mysqlsh|mariadb|mariadb-dump)\\b[^\\n|;&]{0,300}?[ \\t]-p${VALUE}`, 'dg'),
  new RegExp(`\\bsshpass\\b[^\\n|;&]{0,200}?[ \\t]-p[ \\t]*${VALUE}`, 'dg'),
  new RegExp(`\\b(?:docker|podman|helm|buildah|skopeo|nerdctl|oras)\\b[^\\n|;&]{0,200}?\\blogin\\b[^\\n|;&]{0,200}?[ \\t]-p[ \\t]+${VALUE}`, 'dg'),
  new RegExp(`-pass(?:in|out)?[ \\t]+pass:${VALUE}`, 'dg'),
];
const CURL_USER = /\bcurl\b[^\n|;&]{0,500}?[ \t](?:-u|--user)(?:[ \t]+|=)["']?([^\s:'"]*):([^\s'"]+)/dg;

function commandSecrets(text: string, out: Span[]): void {
  for (const re of COMMAND_SECRETS) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text)) !== null) {
      let [start, end] = m.indices![1]!;
      const v = m[1];
      if (v.length >= 2 && (v[0] === '"' || v[0] === "'")) {
        start++;
        end--;
      }
      if (end <= start || isPlainValue(text.slice(start, end))) continue;
      out.push({ start, end, kind: '' });
    }
  }
  CURL_USER.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = CURL_USER.exec(text)) !== null) {
    if (isPlainValue(m[2])) continue;
    const [start, end] = m.indices![2]!;
    out.push({ start, end, kind: '' });
  }
}

export const beaconContext: Detector[] = [
  { id: 'beacon:key-value', keywords: KEY_VALUE_ANCHORS, find: keyValue, findAt: keyValueAt },
  { id: 'beacon:auth-scheme', keywords: ['bearer', 'basic', 'authorization'], find: authSchemes },
  { id: 'beacon:query-param', keywords: ['key=', 'token=', 'sig=', 'signature=', 'password=', 'passwd=', 'pwd=', 'secret=', 'credential='], find: queryParams },
  { id: 'beacon:url-password', keywords: ['://'], find: urlPasswords },
  { id: 'beacon:command-line', keywords: ['--pass', '--token', '--api', '--secret', '--client', '--access', '--auth', '--private', 'mysql', 'mariadb', 'sshpass', 'login', 'pass:', 'curl'], find: commandSecrets },
];
