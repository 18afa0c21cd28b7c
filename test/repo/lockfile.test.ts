/**
 * Guards `npm ci` on a fresh machine here AND on macOS: this registry lags on some platform
 * builds (rollup's darwin packages), and npm then silently drops them from the lockfile, after
 * which `npm ci` fails with "Missing: @rollup/rollup-darwin-arm64 from lock file".
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '../..');
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; optionalDependencies?: Record<string, string>; dev?: boolean }>;
};
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  overrides?: Record<string, string>;
};

function resolveEntry(from: string, dep: string): string | undefined {
  // npm's lookup: node_modules next to the dependent, then each ancestor's node_modules.
  let base = from;
  for (;;) {
    const candidate = base ? `${base}/node_modules/${dep}` : `node_modules/${dep}`;
    if (lock.packages[candidate]) return candidate;
    if (!base) return undefined;
    const idx = base.lastIndexOf('/node_modules/');
    base = idx === -1 ? '' : base.slice(0, idx);
  }
}

describe('package-lock.json', () => {
  it('lists every optional dependency of every package (npm ci fails otherwise)', () => {
    const missing: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      for (const dep of Object.keys(entry.optionalDependencies ?? {})) {
        if (!resolveEntry(path, dep)) missing.push(`${path || '(root)'} -> ${dep}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it.each(['@rollup/rollup-darwin-arm64', '@rollup/rollup-darwin-x64', '@esbuild/darwin-arm64', '@esbuild/darwin-x64', '@openai/codex-darwin-arm64', '@openai/codex-darwin-x64', '@openai/codex-linux-x64'])(
    'has the platform build %s that macOS CI and this machine need',
    (name) => {
      expect(lock.packages[`node_modules/${name}`]?.version).toBeTruthy();
    },
  );

  it('pins rollup to a version whose darwin builds the registry has, and rollup matches it', () => {
    expect(pkg.overrides?.rollup).toMatch(/^\d+\.\d+\.\d+$/);
    expect(lock.packages['node_modules/rollup']?.version).toBe(pkg.overrides!.rollup);
    expect(lock.packages['node_modules/@rollup/rollup-darwin-arm64']?.version).toBe(pkg.overrides!.rollup);
  });

  it('pins every direct dependency exactly (no ranges), so both machines resolve the same tree', () => {
    const ranged = Object.entries({ ...pkg.dependencies, ...pkg.devDependencies }).filter(([, v]) => !/^\d+\.\d+\.\d+$/.test(v));
    expect(ranged).toEqual([]);
  });
});
