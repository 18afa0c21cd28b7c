/**
 * Where the compiled bench finds the repository: it runs as out/bench/*.js, so the repo root is
 * two levels up. Everything the bench spawns or reads is resolved from here, never from the cwd.
 */
import { resolve } from 'node:path';

export const REPO_ROOT = resolve(__dirname, '..', '..');
export const CLI_JS = resolve(REPO_ROOT, 'out', 'electron', 'cli', 'index.js');
export const RENDERER_DIR = resolve(REPO_ROOT, 'out', 'renderer');
export const CODEX_BIN = resolve(REPO_ROOT, 'node_modules', '.bin', 'codex');
export const RESULTS_JSON = resolve(REPO_ROOT, 'out', 'bench', 'results.json');
export const FIXTURES = resolve(REPO_ROOT, 'test', 'fixtures');
