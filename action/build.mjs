#!/usr/bin/env node
/**
 * Builds action/dist/beacon.cjs: the whole `beacon` CLI (commander, fastify, protobufjs, smol-toml
 * and our code) as ONE CommonJS file for Node 20, which action.yml runs with the runner's own
 * node. Checked in, so the GitHub Action needs no npm install, no Electron and no build on the
 * runner, and the action at a given commit runs exactly the code of that commit.
 *
 *   node action/build.mjs            write action/dist/beacon.cjs (+ THIRD_PARTY_LICENSES.txt)
 *   node action/build.mjs --check    exit 1 if the checked-in files differ from a fresh build
 *
 * Deterministic: the same sources and options give the same bytes (esbuild is deterministic;
 * we pass paths relative to the repo root, no timestamps, no source maps, no absolute paths).
 * test/ci/bundle.test.ts rebuilds in memory and compares with the checked-in file.
 */
import * as esbuild from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve, posix } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const ENTRY = 'electron/cli/index.ts';
export const OUTFILE = 'action/dist/beacon.cjs';
export const LICENSES_FILE = 'action/dist/THIRD_PARTY_LICENSES.txt';

/**
 * The root package.json is imported for the version only (electron/shared/version.ts). Bundle
 * just that field, so adding an npm script or a dependency does not change the bundle.
 */
const versionOnlyPackageJson = {
  name: 'beacon-package-json-version-only',
  setup(build) {
    const rootPkg = resolve(REPO_ROOT, 'package.json');
    build.onLoad({ filter: /[\\/]package\.json$/ }, (args) => {
      if (resolve(args.path) !== rootPkg) return undefined;
      const { name, version } = JSON.parse(readFileSync(rootPkg, 'utf8'));
      return { contents: JSON.stringify({ name, version }), loader: 'json' };
    });
  },
};

/**
 * In the bundle the CLI entry that a detached collector must run (`beacon endpoint run`) is the
 * bundle file itself, not out/electron/cli/index.js. electron/endpoint/collector-process.ts
 * `cliEntry()` is expected to return `__filename` when `__BEACON_BUNDLE__` is defined (see
 * `define` below). Until that check is in the source, this plugin inserts exactly that line, and
 * fails the build loudly if the function it patches has changed shape.
 */
const bundleCliEntry = {
  name: 'beacon-bundle-cli-entry',
  setup(build) {
    build.onLoad({ filter: /[\\/]electron[\\/]endpoint[\\/]collector-process\.ts$/ }, (args) => {
      const src = readFileSync(args.path, 'utf8');
      if (src.includes('__BEACON_BUNDLE__')) return { contents: src, loader: 'ts' };
      const anchor = 'export function cliEntry(): string {';
      if (!src.includes(anchor)) throw new Error(`${args.path}: cannot find "${anchor}" to make the bundle its own CLI entry`);
      const patched = src.replace(anchor, `declare const __BEACON_BUNDLE__: boolean | undefined;\n${anchor}\n  if (typeof __BEACON_BUNDLE__ !== 'undefined' && __BEACON_BUNDLE__) return __filename;`);
      return { contents: patched, loader: 'ts' };
    });
  },
};

export function bundleOptions() {
  return {
    absWorkingDir: REPO_ROOT,
    entryPoints: [ENTRY],
    outfile: OUTFILE,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    define: { __BEACON_BUNDLE__: 'true' },
    // The CLI never loads Electron; if some module did, it must fail loudly at run time, not at build.
    external: ['electron'],
    sourcemap: false,
    minify: false,
    legalComments: 'eof',
    charset: 'utf8',
    metafile: true,
    logLevel: 'silent',
    plugins: [versionOnlyPackageJson, bundleCliEntry],
  };
}

/** Licence texts of every npm package in the bundle, sorted: MIT and friends require them. */
function thirdPartyLicenses(metafile) {
  const pkgs = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const parts = input.split(/[\\/]/);
    const i = parts.lastIndexOf('node_modules');
    if (i < 0) continue;
    const name = parts[i + 1].startsWith('@') ? `${parts[i + 1]}/${parts[i + 2]}` : parts[i + 1];
    pkgs.add(posix.join(...parts.slice(0, i + 1), name));
  }
  const chunks = ['Third-party software bundled in beacon.cjs, with its licence texts.\n'];
  for (const dir of [...pkgs].sort()) {
    const abs = join(REPO_ROOT, ...dir.split('/'));
    const pkg = JSON.parse(readFileSync(join(abs, 'package.json'), 'utf8'));
    const licenceFile = readdirSync(abs)
      .filter((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f))
      .sort()[0];
    const text = licenceFile ? readFileSync(join(abs, licenceFile), 'utf8').trim() : `(no licence file in the package; package.json says: ${pkg.license ?? 'unknown'})`;
    chunks.push(`\n==== ${pkg.name}@${pkg.version} (${pkg.license ?? 'unknown'}) ====\n\n${text}\n`);
  }
  return chunks.join('');
}

/** Build in memory: { bundle: Buffer, licenses: string }. */
export async function buildBundle() {
  const result = await esbuild.build({ ...bundleOptions(), write: false });
  if (result.errors.length) throw new Error(result.errors.map((e) => e.text).join('\n'));
  const out = result.outputFiles.find((f) => f.path.endsWith('.cjs'));
  return { bundle: Buffer.from(out.contents), licenses: thirdPartyLicenses(result.metafile) };
}

async function main() {
  const check = process.argv.includes('--check');
  const { bundle, licenses } = await buildBundle();
  const outAbs = join(REPO_ROOT, OUTFILE);
  const licAbs = join(REPO_ROOT, LICENSES_FILE);
  if (check) {
    const same = existsSync(outAbs) && readFileSync(outAbs).equals(bundle) && existsSync(licAbs) && readFileSync(licAbs, 'utf8') === licenses;
    if (!same) {
      process.stderr.write(`${OUTFILE} is out of date with the sources: run \`node action/build.mjs\` and commit the result\n`);
      process.exit(1);
    }
    process.stdout.write(`${OUTFILE} is up to date\n`);
    return;
  }
  mkdirSync(dirname(outAbs), { recursive: true });
  writeFileSync(outAbs, bundle, { mode: 0o755 });
  writeFileSync(licAbs, licenses);
  process.stdout.write(`wrote ${OUTFILE} (${(bundle.length / 1024).toFixed(0)} KiB) and ${LICENSES_FILE}\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((err) => {
    process.stderr.write(`action/build.mjs: ${err.message}\n`);
    process.exit(1);
  });
}

