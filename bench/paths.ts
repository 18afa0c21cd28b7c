/**
 * Where the bench finds the repository. It normally runs compiled (out/bench/*.js), and its
 * tests import the sources (bench/*.ts), so the root is found by walking up to package.json
 * rather than by a fixed number of `..`. Everything spawned or read is resolved from here.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function findRepoRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    // out/ holds a package.json too (CommonJS marker), so require node_modules beside it.
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'node_modules'))) return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find the repository root above ${from}`);
  }
}

export const REPO_ROOT = findRepoRoot(__dirname);
export const CLI_JS = resolve(REPO_ROOT, 'out', 'electron', 'cli', 'index.js');
export const RENDERER_DIR = resolve(REPO_ROOT, 'out', 'renderer');
// By package, not node_modules/.bin/codex: the codex-0.50 devDependency claims the same bin name.
export const CODEX_BIN = resolve(REPO_ROOT, 'node_modules', '@openai', 'codex', 'bin', 'codex.js');
export const RESULTS_JSON = resolve(REPO_ROOT, 'out', 'bench', 'results.json');
export const FIXTURES = resolve(REPO_ROOT, 'test', 'fixtures');
