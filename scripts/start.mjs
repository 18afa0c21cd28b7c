#!/usr/bin/env node
// `npm start` (after `npm run build`): launch the Electron menu-bar app where Electron can start;
// where it cannot (no Electron binary, as on our Linux machines, or no display), run the
// collector and the dashboard headless instead, and say which one it did.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'out/electron/cli/index.js');

/** The Electron binary if it is installed and can start here, else the reason why not. */
function electronBinary() {
  let pkgDir;
  try {
    pkgDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed (run npm ci)' };
  }
  // Never require('electron') here: since Electron 42 that starts a download, which fails offline.
  const pathFile = join(pkgDir, 'path.txt');
  const bin = existsSync(pathFile) ? join(pkgDir, 'dist', readFileSync(pathFile, 'utf8').trim()) : undefined;
  if (!bin || !existsSync(bin)) return { reason: 'the Electron binary is not downloaded (it cannot be on this machine; `npx install-electron --no` fetches it where the network allows)' };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { reason: 'there is no display (DISPLAY/WAYLAND_DISPLAY unset)' };
  return { bin };
}

function run(cmd, args, opts = {}) {
  const child = spawn(cmd, args, { stdio: 'inherit', ...opts });
  return child;
}

const electron = electronBinary();
if (electron.bin && process.env.BEACON_HEADLESS !== '1') {
  console.log('beacon: starting the Electron menu-bar app');
  const child = run(electron.bin, [root]);
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(`beacon: Electron cannot start here: ${electron.reason ?? 'BEACON_HEADLESS=1'}.`);
  console.log('beacon: running HEADLESS instead: the collector (beacon endpoint run) and the dashboard (beacon endpoint dashboard).\n');
  const children = [];
  // The collector gets the same Node flags as everywhere else (out/ is built before this runs).
  const { COLLECTOR_NODE_FLAGS } = await import('../out/electron/endpoint/collector-runtime-flags.js');
  const collector = run(process.execPath, [...COLLECTOR_NODE_FLAGS, cli, 'endpoint', 'run']);
  children.push(collector);
  // The dashboard reads whichever collector is live on the port, so give ours a moment to bind.
  setTimeout(() => children.push(run(process.execPath, [cli, 'endpoint', 'dashboard', ...process.argv.slice(2)])), 800);
  collector.on('exit', (code) => {
    // A collector that is already running (a service) is fine: the dashboard attaches to it.
    if (code && code !== 0) console.log('beacon: no new collector started (see above); the dashboard shows the one that is live.');
  });
  const stop = (sig) => {
    for (const c of children) if (c.exitCode === null) c.kill(sig);
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  let alive = 2;
  const done = () => --alive <= 0 && process.exit(0);
  collector.on('exit', done);
  setTimeout(() => children[1]?.on('exit', done), 900);
}
