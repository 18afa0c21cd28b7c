/**
 * The pkg scripts and the uninstaller call the real CLI with fixed argv; the script tests use a
 * recording stand-in for the app binary. This closes the gap: every argv the scripts contain is
 * accepted by the real compiled CLI (install with --dry-run, so nothing is written).
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runBeacon, REPO_ROOT } from '../support/beacon-cli';
import { scrubbedEnv } from '../support/test-env';

const scripts = ['build/pkg-scripts/postinstall', 'resources/bin/beacon-uninstall'].map((f) => readFileSync(join(REPO_ROOT, f), 'utf8')).join('\n');

const CONTRACT: { argv: string[]; probe: string[] }[] = [
  { argv: ['endpoint', 'install', '--system', '--harness', 'codex', '--no-start', '--json'], probe: ['--dry-run'] },
  { argv: ['endpoint', 'install', '--user', '--harness', 'codex', '--config-only', '--json'], probe: ['--dry-run'] },
  { argv: ['endpoint', 'uninstall', '--user', '--config-only', '--json'], probe: [] },
  { argv: ['endpoint', 'uninstall', '--system', '--json'], probe: [] },
];

describe('CLI contract of the macOS package scripts', () => {
  it.each(CONTRACT)('$argv is used by the scripts and accepted by the real CLI', async ({ argv, probe }) => {
    expect(scripts).toContain(argv.join(' '));
    const home = mkdtempSync(join(tmpdir(), 'beacon-contract-'));
    try {
      mkdirSync(join(home, 'root'));
      const r = await runBeacon([...argv, ...probe], { env: { ...scrubbedEnv(), HOME: home, CODEX_HOME: join(home, '.codex'), BEACON_SYSTEM_ROOT: join(home, 'root') } });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).ok).toBe(true);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
