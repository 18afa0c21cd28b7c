/**
 * A small TOML-aware scanner that finds WHERE things are in a config.toml, byte for byte.
 *
 * smol-toml tells us what a document means but not where each piece sits, and a line-by-line
 * guess (what the product we replace does) mistakes `[otel]` inside a multi-line string for a
 * header, misses dotted keys and inline tables, and drops headers with trailing comments. This
 * scanner walks the text as TOML does: strings (basic, literal, multi-line), arrays and inline
 * tables that span lines, comments, quoted keys. It only has to be right for documents that
 * smol-toml already accepted, so it throws on anything unexpected rather than guessing; callers
 * then refuse to edit.
 */

export type StatementKind = 'blank' | 'comment' | 'header' | 'keyvalue';

export interface Statement {
  kind: StatementKind;
  /** Offset of the first character of the statement's first line. */
  start: number;
  /** Offset just after the statement's terminating newline (or the end of the text). */
  end: number;
  /** header: the table's key path; keyvalue: the (dotted) key path as written. */
  path?: string[];
  /** header only: `[[...]]` */
  arrayTable?: boolean;
  /** keyvalue only: the path of the table the key lives in ([] before the first header). */
  table?: string[];
}

export class TomlLayoutError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
    this.name = 'TomlLayoutError';
  }
}

const BARE_KEY = /[A-Za-z0-9_-]/;

export function hasBom(text: string): boolean {
  return text.charCodeAt(0) === 0xfeff;
}

/** Split a document into statements covering every character exactly once (after a BOM). */
export function scanStatements(text: string): Statement[] {
  const s = new Scanner(text);
  return s.run();
}

class Scanner {
  private pos: number;
  private readonly out: Statement[] = [];
  private table: string[] = [];

  constructor(private readonly text: string) {
    this.pos = hasBom(text) ? 1 : 0;
  }

  run(): Statement[] {
    const t = this.text;
    while (this.pos < t.length) {
      const start = this.pos;
      this.skipSpaces();
      const c = t[this.pos];
      if (c === undefined || c === '\n' || c === '\r') {
        this.endOfLine();
        this.out.push({ kind: 'blank', start, end: this.pos });
      } else if (c === '#') {
        this.skipComment();
        this.endOfLine();
        this.out.push({ kind: 'comment', start, end: this.pos });
      } else if (c === '[') {
        const arrayTable = t[this.pos + 1] === '[';
        this.pos += arrayTable ? 2 : 1;
        this.skipSpaces();
        const path = this.parseKey();
        this.skipSpaces();
        this.expect(arrayTable ? ']]' : ']');
        this.restOfLine();
        this.table = path;
        this.out.push({ kind: 'header', start, end: this.pos, path, arrayTable });
      } else {
        const path = this.parseKey();
        this.skipSpaces();
        this.expect('=');
        this.skipSpaces();
        this.skipValue();
        this.restOfLine();
        this.out.push({ kind: 'keyvalue', start, end: this.pos, path, table: this.table });
      }
    }
    return this.out;
  }

  private fail(what: string): never {
    throw new TomlLayoutError(`${what} at offset ${this.pos}`, this.pos);
  }

  private expect(s: string): void {
    if (!this.text.startsWith(s, this.pos)) this.fail(`expected '${s}'`);
    this.pos += s.length;
  }

  private skipSpaces(): void {
    while (this.text[this.pos] === ' ' || this.text[this.pos] === '\t') this.pos++;
  }

  private skipComment(): void {
    while (this.pos < this.text.length && this.text[this.pos] !== '\n' && !this.text.startsWith('\r\n', this.pos)) this.pos++;
  }

  /** Consume one newline (LF or CRLF) or accept the end of the text. */
  private endOfLine(): void {
    if (this.text.startsWith('\r\n', this.pos)) this.pos += 2;
    else if (this.text[this.pos] === '\n') this.pos += 1;
    else if (this.pos < this.text.length) this.fail('expected end of line');
  }

  /** After a header or a value: optional spaces, optional comment, newline. */
  private restOfLine(): void {
    this.skipSpaces();
    if (this.text[this.pos] === '#') this.skipComment();
    this.endOfLine();
  }

  /** Whitespace, newlines and comments, as allowed inside arrays (and multi-line inline tables). */
  private skipFiller(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.pos++;
      else if (c === '#') this.skipComment();
      else return;
    }
  }

  private parseKey(): string[] {
    const parts: string[] = [this.parseSimpleKey()];
    for (;;) {
      const save = this.pos;
      this.skipSpaces();
      if (this.text[this.pos] !== '.') {
        this.pos = save;
        return parts;
      }
      this.pos++;
      this.skipSpaces();
      parts.push(this.parseSimpleKey());
    }
  }

  private parseSimpleKey(): string {
    const t = this.text;
    const c = t[this.pos];
    if (c === '"') return this.parseBasicString();
    if (c === "'") return this.parseLiteralString();
    const start = this.pos;
    while (this.pos < t.length && BARE_KEY.test(t[this.pos])) this.pos++;
    if (this.pos === start) this.fail('expected a key');
    return t.slice(start, this.pos);
  }

  private parseBasicString(): string {
    const t = this.text;
    this.pos++; // opening quote
    let out = '';
    for (;;) {
      const c = t[this.pos];
      if (c === undefined || c === '\n') this.fail('unterminated string');
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c === '\\') {
        out += this.parseEscape();
        continue;
      }
      out += c;
      this.pos++;
    }
  }

  private parseEscape(): string {
    const t = this.text;
    const e = t[this.pos + 1];
    const simple: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', e: '\x1b', '"': '"', '\\': '\\' };
    if (e !== undefined && e in simple) {
      this.pos += 2;
      return simple[e];
    }
    const len = e === 'u' ? 4 : e === 'U' ? 8 : e === 'x' ? 2 : 0;
    if (len === 0) this.fail('invalid escape');
    const hex = t.slice(this.pos + 2, this.pos + 2 + len);
    if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== len) this.fail('invalid escape');
    this.pos += 2 + len;
    return String.fromCodePoint(parseInt(hex, 16));
  }

  private parseLiteralString(): string {
    const t = this.text;
    const end = t.indexOf("'", this.pos + 1);
    const nl = t.indexOf('\n', this.pos + 1);
    if (end < 0 || (nl >= 0 && nl < end)) this.fail('unterminated literal string');
    const s = t.slice(this.pos + 1, end);
    this.pos = end + 1;
    return s;
  }

  /** Skip a multi-line string opened by `delim` (""" or '''), including up to two extra closing quotes. */
  private skipMultiline(delim: '"""' | "'''"): void {
    const t = this.text;
    this.pos += 3;
    for (;;) {
      if (this.pos >= t.length) this.fail('unterminated multi-line string');
      if (delim === '"""' && t[this.pos] === '\\') {
        this.pos += 2;
        continue;
      }
      if (t.startsWith(delim, this.pos)) {
        this.pos += 3;
        // TOML allows one or two quote characters right before the closing delimiter.
        let extra = 0;
        while (extra < 2 && t[this.pos] === delim[0]) {
          this.pos++;
          extra++;
        }
        return;
      }
      this.pos++;
    }
  }

  private skipValue(): void {
    const t = this.text;
    const c = t[this.pos];
    if (t.startsWith('"""', this.pos)) return this.skipMultiline('"""');
    if (t.startsWith("'''", this.pos)) return this.skipMultiline("'''");
    if (c === '"') {
      this.parseBasicString();
      return;
    }
    if (c === "'") {
      this.parseLiteralString();
      return;
    }
    if (c === '[') return this.skipArray();
    if (c === '{') return this.skipInlineTable();
    // Numbers, booleans, dates (which may contain one space): never contain these stop characters.
    const start = this.pos;
    while (this.pos < t.length && !',]}#\n\r'.includes(t[this.pos])) this.pos++;
    while (this.pos > start && (t[this.pos - 1] === ' ' || t[this.pos - 1] === '\t')) this.pos--;
    if (this.pos === start) this.fail('expected a value');
  }

  private skipArray(): void {
    this.pos++; // [
    for (;;) {
      this.skipFiller();
      if (this.text[this.pos] === ']') {
        this.pos++;
        return;
      }
      this.skipValue();
      this.skipFiller();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== ']') this.fail("expected ',' or ']'");
    }
  }

  private skipInlineTable(): void {
    this.pos++; // {
    for (;;) {
      this.skipFiller();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return;
      }
      this.parseKey();
      this.skipSpaces();
      this.expect('=');
      this.skipSpaces();
      this.skipValue();
      this.skipFiller();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== '}') this.fail("expected ',' or '}'");
    }
  }
}

/** A contiguous piece of the document that defines part of the root `otel` table. */
export interface OtelRange {
  start: number;
  end: number;
  /** 'section': a `[otel]` / `[otel.*]` header and its keys; 'root-key': `otel.x = ...` or `otel = {...}` before any header. */
  kind: 'section' | 'root-key';
}

/**
 * Every byte range that makes up the root `otel` table. A section runs from its header to its
 * last key/value line: comments and blank lines after that belong to whatever follows (they
 * usually describe the next table), so they are never removed. `[profiles.x.otel]` is not the
 * root table (and Codex 0.169 ignores it), so it is left alone.
 */
export function findOtelRanges(statements: Statement[]): OtelRange[] {
  const ranges: OtelRange[] = [];
  let current: OtelRange | null = null;
  for (const st of statements) {
    if (st.kind === 'header') {
      if (current) ranges.push(current);
      current = st.path?.[0] === 'otel' ? { start: st.start, end: st.end, kind: 'section' } : null;
    } else if (st.kind === 'keyvalue') {
      if (current) current.end = st.end;
      else if (st.table?.length === 0 && st.path?.[0] === 'otel') ranges.push({ start: st.start, end: st.end, kind: 'root-key' });
    }
  }
  if (current) ranges.push(current);
  return ranges.sort((a, b) => a.start - b.start);
}

/** The text with the given (sorted, non-overlapping) ranges cut out. */
export function cutRanges(text: string, ranges: ReadonlyArray<{ start: number; end: number }>): string {
  let out = '';
  let at = 0;
  for (const r of ranges) {
    out += text.slice(at, r.start);
    at = r.end;
  }
  return out + text.slice(at);
}

/** The line ending the file already uses (its first newline), LF for a file without one. */
export function detectEol(text: string): '\n' | '\r\n' {
  const i = text.indexOf('\n');
  return i > 0 && text[i - 1] === '\r' ? '\r\n' : '\n';
}
