/**
 * The scanner that maps where the otel table sits. Mistakes here are exactly the ones the product
 * we replace makes (headers with comments, spaced headers, `[otel]` inside strings), so each has
 * a case.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findOtelRanges, scanStatements } from '../../electron/codex/config-toml-layout';

const otelText = (t: string) => findOtelRanges(scanStatements(t)).map((r) => `${r.kind}:${t.slice(r.start, r.end)}`);

describe('scanStatements / findOtelRanges', () => {
  it('statements cover every character of every valid corpus file, in order', () => {
    const dir = join(__dirname, '..', 'fixtures', 'codex-configs');
    for (const f of readdirSync(dir).filter((n) => !n.startsWith('invalid-'))) {
      const t = readFileSync(join(dir, f), 'utf8');
      const st = scanStatements(t);
      let at = t.charCodeAt(0) === 0xfeff ? 1 : 0;
      for (const s of st) {
        expect(s.start, f).toBe(at);
        at = s.end;
      }
      expect(at, f).toBe(t.length);
    }
  });

  it('headers with comments, spaces and quotes', () => {
    const t = '[ "otel" ] # c\na = 1\n# after\n\n[ profiles . "x" ] # note\nb = 2\n[otel . exporter."otlp-http"]\nendpoint = "e"\n';
    expect(otelText(t)).toEqual(['section:[ "otel" ] # c\na = 1\n', 'section:[otel . exporter."otlp-http"]\nendpoint = "e"\n']);
  });

  it('top-level dotted keys and inline tables, but not otel keys inside other tables', () => {
    const t = 'otel.environment = "x"\n"otel" = 1\n[profiles.p]\notel.environment = "y"\n[tui]\notel = { a = 1 }\n';
    expect(otelText(t)).toEqual(['root-key:otel.environment = "x"\n', 'root-key:"otel" = 1\n']);
  });

  it('[otel] inside multi-line strings, with escaped and doubled closing quotes, is not a header', () => {
    const t = 'a = """x \\""" [otel]\n[otel]\n"""""\nb = \'\'\'\n[otel]\n\'\'\'\'\'\nc = "[otel]" # [otel]\n';
    expect(scanStatements(t).map((s) => s.kind)).toEqual(['keyvalue', 'keyvalue', 'keyvalue']);
    expect(otelText(t)).toEqual([]);
  });

  it('arrays and inline tables spanning lines, with comments and brackets in strings', () => {
    const t = 'x = [\n  "]", # ]\n  { a = "}" },\n  [1,\n 2],\n]\n[otel]\ny = 1979-05-27 07:32:00Z # date with a space\n';
    expect(otelText(t)).toEqual(['section:[otel]\ny = 1979-05-27 07:32:00Z # date with a space\n']);
  });
});
