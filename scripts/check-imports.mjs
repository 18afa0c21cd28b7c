#!/usr/bin/env node
/**
 * The house's import directions (design.md section 3), checked on the source tree:
 *   shared <- log <- collector <- (harnesses, detections, forwarders) <- plugins
 *          <- endpoint / ci / dashboard <- cli / app <- main / preload
 * Harness folders (codex/) are imported by plugins/ alone: everything above reaches them through
 * the registry and the Harness contract (shared/harness.ts, shared/harness-config.ts).
 * A folder may import only the folders listed for it below (and itself). `electron` itself may
 * be imported only by main and preload. Run by test/repo/import-directions.test.ts; also
 * usable by hand: `node scripts/check-imports.mjs [repo-root]` prints each violation and exits 1.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Which top-level folders of electron/ each folder may import. */
export const ALLOWED = {
  shared: [],
  log: ['shared'],
  collector: ['shared', 'log'],
  // Harnesses: one folder per agent. They see the contracts and the log's helpers, never the core.
  codex: ['shared', 'log'],
  // Consumers of normalized events (plug into the collector through its options).
  detections: ['shared', 'log'],
  // Tamper and posture signals about Beacon's own telemetry path (agent specifics via the harness seam).
  posture: ['shared', 'log'],
  forward: ['shared', 'log'],
  pricing: ['shared', 'log'],
  // The one place that registers harnesses and consumers and assembles a collector from them.
  plugins: ['shared', 'log', 'collector', 'codex', 'detections', 'posture', 'forward', 'pricing'],
  // Above plugins, a harness is reached only through the registry (plugins/harnesses.ts) and the
  // Harness contract: endpoint install/status/doctor and the CLI never import a harness folder,
  // so a second agent is one folder and one registry line, never an edit to them.
  endpoint: ['shared', 'log', 'collector', 'detections', 'posture', 'forward', 'pricing', 'plugins'],
  ci: ['shared', 'log', 'collector', 'detections', 'posture', 'forward', 'pricing', 'plugins', 'endpoint'],
  dashboard: ['shared', 'log', 'collector', 'detections', 'posture', 'forward', 'pricing', 'plugins', 'endpoint'],
  cli: ['shared', 'log', 'collector', 'detections', 'posture', 'forward', 'pricing', 'plugins', 'endpoint', 'ci', 'dashboard'],
  app: ['shared', 'log', 'collector', 'detections', 'posture', 'forward', 'pricing', 'plugins', 'endpoint', 'ci', 'dashboard'],
  main: ['shared', 'app'],
  preload: ['shared'],
};

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;

function* tsFiles(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* tsFiles(p);
    else if (/\.(ts|tsx|mts|cts)$/.test(name) && !name.endsWith('.d.ts')) yield p;
  }
}

/** Every import that breaks the rules, as "file: imports 'spec' (folder -> folder)". */
export function importViolations(repoRoot) {
  const electronDir = join(repoRoot, 'electron');
  const out = [];
  for (const file of tsFiles(electronDir)) {
    const from = relative(electronDir, file).split(sep)[0];
    const allowed = ALLOWED[from];
    const src = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
    for (const m of src.matchAll(IMPORT)) {
      const spec = m[1] ?? m[2] ?? m[3];
      const where = relative(repoRoot, file);
      if (allowed === undefined) {
        out.push(`${where}: folder electron/${from} is not in the import rules (scripts/check-imports.mjs)`);
        break;
      }
      if (spec === 'electron' || spec.startsWith('electron/')) {
        if (from !== 'main' && from !== 'preload') out.push(`${where}: imports 'electron' (only electron/main and electron/preload may)`);
        continue;
      }
      if (!spec.startsWith('.')) continue;
      const target = resolve(dirname(file), spec);
      const rel = relative(electronDir, target);
      // The version comes from package.json (shared/version.ts): the one file outside allowed.
      if (target === join(repoRoot, 'package.json')) continue;
      if (rel.startsWith('..')) {
        out.push(`${where}: imports '${spec}', outside electron/`);
        continue;
      }
      const to = rel.split(sep)[0];
      if (to !== from && !allowed.includes(to)) out.push(`${where}: imports '${spec}' (${from} -> ${to} is not allowed)`);
    }
  }
  return out;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), '..'));
  const v = importViolations(root);
  for (const line of v) console.log(line);
  console.log(v.length === 0 ? 'import directions: ok' : `import directions: ${v.length} violation(s)`);
  process.exit(v.length === 0 ? 0 : 1);
}
