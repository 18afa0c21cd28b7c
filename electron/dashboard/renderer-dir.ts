/** Where the built renderer lives: out/renderer, next to the compiled electron/ tree (also inside app.asar). */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export function rendererDir(): string | undefined {
  // compiled: out/electron/dashboard -> out/renderer; sources (tests): electron/dashboard -> out/renderer
  const candidates = [resolve(__dirname, '../../renderer'), resolve(__dirname, '../../out/renderer')];
  return candidates.find((c) => existsSync(resolve(c, 'index.html')));
}
