/**
 * Guards `npm ci` on a fresh machine here AND on macOS: this registry lags on some platform
 * builds (rollup's darwin packages), and npm then silently drops them from the lockfile, after
 * which `npm ci` fails with "Missing: @rollup/rollup-darwin-arm64 from lock file".
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
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
    // An npm alias (`npm:@openai/codex@0.50.0`) is pinned too when its version is exact.
    const ranged = Object.entries({ ...pkg.dependencies, ...pkg.devDependencies }).filter(([, v]) => !/^(npm:(@[a-z0-9-]+\/)?[a-z0-9.-]+@)?\d+\.\d+\.\d+$/.test(v));
    expect(ranged).toEqual([]);
  });

  it('the old Codex release tested by npm test (codex-0.50) carries every platform in its one package', () => {
    // 0.50.0 ships vendor/<triple>/codex for linux, macOS and Windows inside the tarball: no
    // platform optional dependency that the registry could lack, no install script to run.
    expect(pkg.devDependencies['codex-0.50']).toBe('npm:@openai/codex@0.50.0');
    const entry = lock.packages['node_modules/codex-0.50'] as Record<string, unknown> | undefined;
    expect(entry).toMatchObject({ name: '@openai/codex', version: '0.50.0', dev: true });
    for (const k of ['optionalDependencies', 'dependencies', 'os', 'cpu', 'hasInstallScript']) expect(entry?.[k], k).toBeUndefined();
    for (const triple of ['x86_64-unknown-linux-musl', 'aarch64-unknown-linux-musl', 'aarch64-apple-darwin', 'x86_64-apple-darwin']) {
      expect(existsSync(join(root, 'node_modules', 'codex-0.50', 'vendor', triple, 'codex', 'codex')), triple).toBe(true);
    }
  });
});
