/**
 * The Electron preload cannot run here, so tests put the project's own test double
 * (createMockBridge from electron/shared/ipc.ts) on window.beacon before the page loads:
 * esbuild bundles it into a script for page.addInitScript. Calls are recorded on
 * window.beacon.calls.
 */
import { resolve } from 'node:path';
import { build } from 'esbuild';

let cached: string | null = null;

export async function mockBridgeScript(): Promise<string> {
  if (cached) return cached;
  const ipc = resolve(__dirname, '../../../electron/shared/ipc.ts').replace(/\\/g, '/');
  const out = await build({
    stdin: {
      contents: `import { createMockBridge } from ${JSON.stringify(ipc)};\nwindow.beacon = createMockBridge();\n`,
      loader: 'ts',
      resolveDir: __dirname,
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  cached = out.outputFiles[0].text;
  return cached;
}

/** What the page's bridge was asked to do, as [method, args] pairs. */
export const BRIDGE_CALLS = () => (window as unknown as { beacon: { calls: Array<[string, unknown[]]> } }).beacon.calls.map(([m, a]) => [m, a]);
