#!/usr/bin/env node
// `npm start`: build (with progress), then launch the Electron menu-bar app where Electron can
// start; where it cannot (no Electron binary, as on our Linux machines, or no display), run the
// collector and the dashboard headless instead, and say which one it did. `npm start -- --help`
// lists the options.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HELP, NODE_RANGE, UsageError, nodeSupported, parseStartArgs } from './start-options.mjs';
import { build } from './start-build.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'out/electron/cli/index.js');

/** The Electron binary if it is installed and can start here, else the reason why not. */
function electronBinary() {
  let pkgDir;
  try {
    pkgDir = dirname(createRequire(join(root, 'package.json')).resolve('electron/package.json'));
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

async function main() {
  let opts;
  try {
    opts = parseStartArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`beacon: ${err.message}\n`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(HELP + '\n');
    return 0;
  }
  if (!nodeSupported()) {
    process.stderr.write(`beacon: Node ${process.versions.node} cannot run Beacon; it needs Node ${NODE_RANGE} (see "engines" in package.json)\n`);
    return 1;
  }
  if (opts.build) {
    const code = await build(root);
    if (code !== 0) return code;
  }
  if (!existsSync(cli)) {
    const hint = opts.build ? 'the build finished without it: check tsconfig.build.json' : 'run npm start without --no-build (or npm run build)';
    process.stderr.write(`beacon: ${cli} is not built; ${hint}\n`);
    return 1;
  }

  const electron = electronBinary();
  const headlessWhy = opts.headless || process.env.BEACON_HEADLESS === '1' ? '--headless / BEACON_HEADLESS=1' : opts.impliesHeadless ? 'a headless option (--port, --dashboard-port or --open) was given' : electron.reason;
  if (electron.bin && !headlessWhy) {
    console.log('beacon: starting the Electron menu-bar app');
    const child = spawn(electron.bin, [root], { stdio: 'inherit' });
    return new Promise((r) => child.on('exit', (code) => r(code ?? 0)));
  }
  console.log(`beacon: not starting the menu-bar app: ${headlessWhy}.`);
  console.log('beacon: running HEADLESS instead: the collector (beacon endpoint run) and the dashboard (beacon endpoint dashboard).');
  const { runHeadless } = await import('./start-headless.mjs');
  return runHeadless(root, opts);
}

process.exitCode = await main();
