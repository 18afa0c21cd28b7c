/**
 * resources/bin/beacon gives `endpoint run` (the collector the LaunchDaemon and LaunchAgents run
 * through it) the collector's V8 flags, before the CLI entry, and every other command Node's
 * defaults. The flags must be the ones electron/endpoint/collector-runtime-flags.ts defines: the
 * shim is sh and cannot import them, so these tests hold the two together.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { COLLECTOR_NODE_FLAGS } from '../../electron/endpoint/collector-runtime-flags';
import { REPO } from './helpers/fake-volume';

const ENTRY = 'Contents/Resources/app.asar/out/electron/cli/index.js';
const SHIM = join(REPO, 'resources', 'bin', 'beacon');

describe('the shim and the collector flags', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'beacon-shim-flags-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  /** A Beacon.app whose binary prints its argv, one per line. */
  function stubApp(): { app: string; shim: string } {
    const app = join(tmp, 'Beacon.app');
    mkdirSync(join(app, 'Contents', 'MacOS'), { recursive: true });
    cpSync(join(REPO, 'resources', 'bin'), join(app, 'Contents', 'Resources', 'bin'), { recursive: true });
    const bin = join(app, 'Contents', 'MacOS', 'Beacon');
    writeFileSync(bin, '#!/bin/sh\nfor a in "$@"; do echo "$a"; done\n');
    chmodSync(bin, 0o755);
    return { app, shim: join(app, 'Contents', 'Resources', 'bin', 'beacon') };
  }

  function argvThrough(shim: string, args: string[]): string[] {
    const r = spawnSync(shim, args, { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: tmp } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return r.stdout.split('\n').slice(0, -1);
  }

  it('declares exactly COLLECTOR_NODE_FLAGS', () => {
    const m = /^COLLECTOR_NODE_FLAGS=(\S+)$/m.exec(readFileSync(SHIM, 'utf8'));
    expect(m, 'COLLECTOR_NODE_FLAGS=... line in resources/bin/beacon').not.toBeNull();
    // The shim passes its value as ONE word: a second flag needs a change there, not just here.
    expect(COLLECTOR_NODE_FLAGS).toHaveLength(1);
    expect(m![1]).toBe(COLLECTOR_NODE_FLAGS[0]);
  });

  it('endpoint run (the LaunchDaemon: endpoint run --system) gets the flags before the CLI entry', () => {
    const { app, shim } = stubApp();
    expect(argvThrough(shim, ['endpoint', 'run', '--system'])).toEqual([...COLLECTOR_NODE_FLAGS, join(app, ENTRY), 'endpoint', 'run', '--system']);
    expect(argvThrough(shim, ['endpoint', 'run'])).toEqual([...COLLECTOR_NODE_FLAGS, join(app, ENTRY), 'endpoint', 'run']);
  });

  it.each([[['endpoint', 'status']], [['endpoint', 'dashboard', '--open']], [['endpoint']], [['run']], [['ci', 'start']], [['--version']], [[]]])(
    '%j keeps Node defaults: no flags, arguments untouched',
    (args) => {
      const { app, shim } = stubApp();
      expect(argvThrough(shim, args)).toEqual([join(app, ENTRY), ...args]);
    },
  );

  it.runIf(process.platform === 'linux')('with Node as the app binary, `beacon endpoint run` really runs a collector whose argv carries the flags', async () => {
    // Contents/MacOS/Beacon -> this Node; app.asar -> the repository, so its entry is out/'s CLI.
    const app = join(tmp, 'Beacon.app');
    mkdirSync(join(app, 'Contents', 'MacOS'), { recursive: true });
    symlinkSync(process.execPath, join(app, 'Contents', 'MacOS', 'Beacon'));
    cpSync(join(REPO, 'resources', 'bin'), join(app, 'Contents', 'Resources', 'bin'), { recursive: true });
    symlinkSync(REPO, join(app, 'Contents', 'Resources', 'app.asar'));
    const logPath = join(tmp, 'logs', 'runtime.jsonl');
    const args = ['endpoint', 'run', '--json', '--port', '0', '--log-path', logPath];
    const child = spawn(join(app, 'Contents', 'Resources', 'bin', 'beacon'), args, { env: { PATH: '/usr/bin:/bin', HOME: tmp }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    try {
      const first = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', (code) => reject(new Error(`the collector exited (${code}) before listening: ${stderr}`)));
      });
      const startup = JSON.parse(first) as { pid: number; port: number };
      // exec: the shim's pid became the collector's.
      expect(startup.pid).toBe(child.pid);
      const argv = readFileSync(`/proc/${startup.pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
      expect(argv).toEqual([join(app, 'Contents', 'MacOS', 'Beacon'), ...COLLECTOR_NODE_FLAGS, join(app, ENTRY), ...args]);
      const health = (await (await fetch(`http://127.0.0.1:${startup.port}/healthz`)).json()) as { service: string; log_path: string };
      expect(health).toMatchObject({ service: 'beacon-collector', log_path: logPath });
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    }
  });
});
