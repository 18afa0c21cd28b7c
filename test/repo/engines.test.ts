/**
 * package.json's `engines` is the Node Beacon really runs on, and `npm start` checks the same
 * range. The floor comes from the runtime dependencies: some are ESM-only packages that fastify
 * and @fastify/static load with require(), which Node does by default from 20.19 (20 line) and
 * 22.12 (22 line). Any runtime dependency that declares more than our range must be one of those,
 * proven to load here; a new one means `engines` (or the dependency) needs a look.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(__dirname, '../..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; dev?: boolean; optional?: boolean; engines?: { node?: string } | string[] }>;
};

/** Runtime dependencies that declare Node >= 22 only because they are ESM-only (require(esm) since 20.19). */
const ESM_ONLY_RUNTIME_DEPS = ['content-disposition', 'cookie'];

type V = [number, number, number];
const parse = (v: string): V => {
  const [a = 0, b = 0, c = 0] = v.replace(/^v/, '').split('.').map(Number);
  return [a, b, c];
};
const cmp = (x: V, y: V) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2];

/** The few range forms the lockfile's engines use; anything else fails loudly so this test is taught it. */
function admits(range: string, version: string): boolean {
  const v = parse(version);
  return range.split('||').some((alt) =>
    alt
      .trim()
      .replace(/(>=|>|<=|<|\^|~)\s+/g, '$1')
      .split(/\s+/)
      .every((c) => {
        const m = /^(>=|>|<=|<|\^|~)?v?(\d+(?:\.\d+){0,2})(?:\.x)?$/.exec(c);
        if (c === '*' || c === '') return true;
        if (!m) throw new Error(`engines range form not understood: "${range}"`);
        const w = parse(m[2]);
        const parts = m[2].split('.').length;
        switch (m[1]) {
          case '>=':
            return cmp(v, w) >= 0;
          case '>':
            return cmp(v, w) > 0;
          case '<=':
            return cmp(v, w) <= 0;
          case '<':
            return cmp(v, w) < 0;
          case '^':
            return v[0] === w[0] && cmp(v, w) >= 0;
          case '~':
            return v[0] === w[0] && v[1] === w[1] && cmp(v, w) >= 0;
          default:
            // "20" or "20.19": that major (and minor) line.
            return v[0] === w[0] && (parts < 2 || v[1] === w[1]) && (parts < 3 || v[2] === w[2]);
        }
      }),
  );
}

describe('engines', () => {
  it('is the range npm start checks, and that check draws the line where require(esm) starts', async () => {
    const opts = (await import(pathToFileURL(join(root, 'scripts/start-options.mjs')).href)) as { NODE_RANGE: string; nodeSupported(v: string): boolean };
    expect(pkg.engines.node).toBe(opts.NODE_RANGE);
    for (const [v, ok] of [['20.18.3', false], ['20.19.0', true], ['21.7.3', false], ['22.11.0', false], ['22.12.0', true], ['24.1.0', true]] as const) {
      expect(opts.nodeSupported(v), v).toBe(ok);
      expect(admits(pkg.engines.node, v), v).toBe(ok);
    }
  });

  it('covers every runtime dependency, except the ESM-only ones, which load with require() on this Node', () => {
    const floor = ['20.19.0', '22.12.0'];
    const beyond = Object.entries(lock.packages)
      .filter(([p, e]) => p.startsWith('node_modules/') && !e.dev && e.engines && !Array.isArray(e.engines) && e.engines.node)
      .filter(([, e]) => floor.some((v) => !admits((e.engines as { node: string }).node, v)))
      .map(([p]) => p.slice(p.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect([...new Set(beyond)].sort()).toEqual(ESM_ONLY_RUNTIME_DEPS);
    for (const name of ESM_ONLY_RUNTIME_DEPS) {
      expect(JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).type, name).toBe('module');
    }
    // What the collector and the dashboard really do with them: require() from CommonJS.
    const r = spawnSync(process.execPath, ['-e', `for (const m of ${JSON.stringify(ESM_ONLY_RUNTIME_DEPS)}) require(m); require('@fastify/static'); console.log('ok')`], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('ok');
  });
});
