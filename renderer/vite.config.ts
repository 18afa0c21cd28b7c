import { defineConfig } from 'vite';
import { resolve } from 'node:path';

// The renderer is plain React + zustand built by Vite (esbuild handles TSX; no plugin needed).
// Output goes to out/renderer, served by the dashboard server and loaded by the tray window.
export default defineConfig({
  root: resolve(__dirname),
  base: './',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: resolve(__dirname, '../out/renderer'),
    emptyOutDir: true,
    sourcemap: false,
  },
  logLevel: 'warn',
});
