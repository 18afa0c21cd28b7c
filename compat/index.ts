/**
 * `npm run compat`: the real end-to-end scenario against a list of Codex releases. Each release
 * is installed from npm into a cache outside the repo (reused on later runs), then runs the
 * release scenario (test/support/release-run.ts) against the real compiled collector and the
 * fake Responses API with the [otel] block Beacon writes. The table goes to stdout (markdown,
 * for docs/compatibility.md), progress to stderr, the full results to out/compat/results.json.
 *
 *   npm run compat -- [--releases 0.50.0,0.169.0] [--cache DIR] [--block current|pre-headers]
 *                     [--features a,b|none] [--tools offered|standard] [--json FILE]
 *
 * Not part of `npm test`: the first run downloads about 5 GB (16 releases, the old ones carry
 * every platform's binary); later runs reuse the cache and take about a minute.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { DEFAULT_OTEL_SETTINGS, renderOtelBlock, type OtelBlockFormat } from '../electron/codex/config-otel-block';
import { VERSION } from '../electron/shared/version';
import { REPO_ROOT, requireBuiltCli } from '../test/support/beacon-cli';
import { cleanupCodexTemp, defaultSandboxMode } from '../test/support/codex-runner';
import { runReleaseScenario } from '../test/support/release-run';
import { DEFAULT_RELEASE_FEATURES } from '../test/support/release-scenario';
import { checkRelease, DEFAULT_CACHE_DIR, DEFAULT_RELEASES, installRelease, publishedNoLaterThan, registryVersions } from './releases';
import { renderTable, summarize, type CompatRow } from './report';

interface CompatArgs {
  releases: string[];
  cache: string;
  block: OtelBlockFormat;
  json: string;
  features: string[];
  tools: 'offered' | 'standard';
  help: boolean;
}

const USAGE = `usage: npm run compat -- [--releases 0.50.0,0.169.0,...] [--cache DIR] [--block current|pre-headers] [--features a,b|none] [--tools offered|standard] [--json FILE]

  --releases  Codex releases to test (default: ${DEFAULT_RELEASES.join(',')})
  --cache     where releases are installed and kept (default: ${DEFAULT_CACHE_DIR}, or $BEACON_COMPAT_CACHE)
  --block     which [otel] block to give Codex: what install writes now (current, default), or
              what Beacon wrote before the headers fix (pre-headers)
  --features  Codex [features] flags to turn on (default: ${DEFAULT_RELEASE_FEATURES.join(',')}; "none" for none)
  --tools     offered (default): the fake model calls the shell and patch tools the release
              offers; standard: always exec_command + freeform apply_patch, offered or not
  --json      where to write the full results (default: out/compat/results.json)

Prints a markdown table on stdout; progress on stderr. BEACON_TEST_CODEX_SANDBOX sets Codex's
sandbox_mode as in npm test (default workspace-write).`;

export function parseArgs(argv: readonly string[]): CompatArgs {
  const args: CompatArgs = {
    releases: [...DEFAULT_RELEASES],
    cache: process.env.BEACON_COMPAT_CACHE || DEFAULT_CACHE_DIR,
    block: 'current',
    json: join(REPO_ROOT, 'out', 'compat', 'results.json'),
    features: [...DEFAULT_RELEASE_FEATURES],
    tools: 'offered',
    help: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--help' || a === '-h') args.help = true;
    else if (a === '--releases') args.releases = value().split(',').map((s) => checkRelease(s.trim()));
    else if (a === '--cache') args.cache = resolve(value());
    else if (a === '--json') args.json = resolve(value());
    else if (a === '--tools') {
      const t = value();
      if (t !== 'offered' && t !== 'standard') throw new Error(`--tools must be offered or standard, got "${t}"`);
      args.tools = t;
    } else if (a === '--features') {
      const v = value();
      args.features = v === 'none' ? [] : v.split(',').map((f) => f.trim()).filter(Boolean);
      const bad = args.features.filter((f) => !/^[a-z][a-z0-9_]*$/.test(f));
      if (bad.length) throw new Error(`not a Codex feature name: ${bad.join(', ')}`);
    }
    else if (a === '--block') {
      const b = value();
      if (b !== 'current' && b !== 'pre-headers') throw new Error(`--block must be current or pre-headers, got "${b}"`);
      args.block = b;
    } else throw new Error(`unknown argument: ${a} (try --help)`);
  }
  if (args.releases.length === 0) throw new Error('--releases needs at least one version');
  return args;
}

/** results.json keeps the verdicts and events, not the raw material (whole log, every model request). */
function withoutFacts(row: CompatRow): unknown {
  if (!row.result) return row;
  const { facts: _facts, ...result } = row.result;
  return { ...row, result };
}

const started = Date.now();
function progress(message: string): void {
  process.stderr.write(`[compat ${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s] ${message}\n`);
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.help) {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  requireBuiltCli();
  mkdirSync(args.cache, { recursive: true });
  progress(`checking ${args.releases.length} release(s) against the npm registry; cache ${args.cache}`);
  const known = await registryVersions(args.cache);
  if (known) {
    const missing = args.releases.filter((v) => !known.has(v));
    if (missing.length) throw new Error(`not on the npm registry as @openai/codex: ${missing.join(', ')}`);
  } else progress('the registry did not answer; using whatever the cache holds');
  const dates = await publishedNoLaterThan(args.releases, args.cache);

  const rows: CompatRow[] = [];
  for (const [i, release] of args.releases.entries()) {
    const row: CompatRow = { release, publishedBy: dates.get(release) };
    rows.push(row);
    const tag = `(${i + 1}/${args.releases.length}) ${release}`;
    try {
      const inst = await installRelease(release, args.cache, (m) => progress(`${tag}: ${m}`));
      progress(`${tag}: ${inst.cached ? 'cached' : 'installed'}; running the scenario`);
      row.result = await runReleaseScenario({
        codexBin: inst.bin,
        otelBlock: (port) => renderOtelBlock({ ...DEFAULT_OTEL_SETTINGS, port }, '\n', args.block),
        sandboxMode: defaultSandboxMode(),
        features: args.features,
        tools: args.tools,
      });
    } catch (err) {
      row.error = (err as Error).message.split('\n')[0];
    } finally {
      await cleanupCodexTemp();
    }
    progress(summarize(row));
  }

  const now = new Date().toISOString();
  process.stdout.write(
    `Beacon ${VERSION}, ${args.block === 'current' ? "the [otel] block install writes" : 'the pre-headers [otel] block of older Beacons'}, ` +
      `[features] ${args.features.length ? args.features.join(', ') : 'none'}, tools ${args.tools}, sandbox_mode ${defaultSandboxMode()}, ${platform()}-${arch()}, Node ${process.versions.node}, ${now}\n\n` +
      renderTable(rows),
  );
  mkdirSync(dirname(args.json), { recursive: true });
  writeFileSync(args.json, JSON.stringify({ generated_at: now, beacon_version: VERSION, block: args.block, features: args.features, tools: args.tools, sandbox_mode: defaultSandboxMode(), rows: rows.map(withoutFacts) }, null, 2) + '\n');
  progress(`results in ${args.json}`);
  return rows.some((r) => r.error) ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    process.stderr.write(`compat: ${err.message}\n`);
    process.exit(2);
  },
);
