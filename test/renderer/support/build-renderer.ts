/**
 * Builds the renderer with Vite's API from the project's own config into a temp directory, so
 * tests exercise exactly what `npm run build:renderer` ships without touching out/.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export async function buildRenderer(): Promise<{ dir: string; cleanup(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'beacon-renderer-'));
  // Vite is ESM-only; the tests compile as CommonJS (tsconfig module node16), hence import().
  const { build } = await import('vite');
  await build({
    configFile: resolve(__dirname, '../../../renderer/vite.config.ts'),
    build: { outDir: dir, emptyOutDir: true },
    logLevel: 'error',
  });
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
