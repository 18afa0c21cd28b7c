/**
 * Runs in its own process (spawned by section-idle.ts): hosts the collector in-process, as the
 * menu-bar app and `beacon endpoint run` do, optionally with the dashboard and its log reader,
 * lets one real Codex export arrive, then sits idle and records every timer Node arms and fires.
 *
 * Timers are observed with async_hooks rather than by patching setTimeout: Node's own timers
 * (the HTTP server's connection checks, keep-alive timeouts) do not go through the globals,
 * but every Timeout object, ours or Node's, is an async resource with its delay on it.
 *
 *   node out/bench/idle-timers-child.js <dir> <collector|collector+dashboard> <idleMs>
 * prints one JSON line (IdleTimersReport) on stdout and exits.
 */
import { createHook } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TimerInfo {
  delayMs: number;
  repeat: boolean;
  /** Armed during the idle window (a self-rescheduling poll), not left over from earlier work. */
  armedWhileIdle: boolean;
  /** First stack frame outside Node's internals: who armed it. */
  origin: string;
}

export interface IdleTimersReport {
  mode: string;
  idleMs: number;
  /** Timer callbacks run during the idle window. */
  fired: Array<TimerInfo & { count: number }>;
  /** Repeating timers alive at the end of the window. */
  intervals: TimerInfo[];
  /** process.getActiveResourcesInfo() at the end of the window. */
  activeResources: Record<string, number>;
}

interface TimeoutResource {
  _idleTimeout?: number;
  _repeat?: number | null;
  _destroyed?: boolean;
}

const timers = new Map<number, TimerInfo & { resource: WeakRef<TimeoutResource> }>();
let recording = false;
/** Set while the bench arms its own idle-window timer, so that one is left out of the report. */
let armingOwnTimer = false;
const fired = new Map<number, number>();

function originOf(stack: string | undefined): string {
  const frames = (stack ?? '').split('\n').slice(2);
  const app = frames.find((f) => !f.includes('node:') && !f.includes('async_hooks') && !f.includes('idle-timers-child'));
  // Timers armed from native code (e.g. the HTTP server's connection check) have no JS caller.
  if (!app) return 'node internals';
  return app.trim().replace(/^at /, '').replace(/\(.*?\/(out|node_modules)\//, '($1/');
}

createHook({
  init(asyncId, type, _trigger, resource) {
    if (type !== 'Timeout') return;
    if (armingOwnTimer) return;
    const r = resource as TimeoutResource;
    // Stack capture is the expensive part: only timers, and this process does nothing else.
    timers.set(asyncId, { delayMs: r._idleTimeout ?? -1, repeat: r._repeat != null, armedWhileIdle: recording, origin: originOf(new Error().stack), resource: new WeakRef(r) });
  },
  before(asyncId) {
    if (recording && timers.has(asyncId)) fired.set(asyncId, (fired.get(asyncId) ?? 0) + 1);
  },
  destroy(asyncId) {
    if (!fired.has(asyncId)) timers.delete(asyncId);
  },
}).enable();

async function main(): Promise<void> {
  const [dir, mode, idleArg] = process.argv.slice(2);
  const idleMs = Number(idleArg);
  if (!dir || (mode !== 'collector' && mode !== 'collector+dashboard') || !(idleMs > 0)) {
    throw new Error('usage: idle-timers-child.js <dir> <collector|collector+dashboard> <idleMs>');
  }
  // Imported after the hook is enabled, so module-level timers are seen too.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { startBeaconCollector } = require('../electron/plugins/collector') as typeof import('../electron/plugins/collector');
  const { startDashboard } = require('../electron/dashboard/server') as typeof import('../electron/dashboard/server');
  const { RENDERER_DIR, FIXTURES } = require('./paths') as typeof import('./paths');
  const logPath = join(dir, 'logs', 'runtime.jsonl');
  const collector = await startBeaconCollector({ port: 0, logPath });
  const dashboard = mode === 'collector+dashboard' ? await startDashboard({ port: 0, logPath, collectorUrl: `${collector.url}/healthz`, staticDir: RENDERER_DIR }) : null;

  // One real export arrives (the writer arms its fsync timer), then nothing more.
  const body = readFileSync(join(FIXTURES, 'codex-0.169.0-scenario', 'logs.bin'));
  const res = await fetch(`${collector.url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
  if (res.status !== 200) throw new Error(`the export was answered ${res.status}`);
  await new Promise((r) => setTimeout(r, 2000)); // let the fsync and health-file timers run out

  recording = true;
  await new Promise((r) => {
    armingOwnTimer = true;
    setTimeout(r, idleMs);
    armingOwnTimer = false;
  });
  recording = false;

  const report: IdleTimersReport = {
    mode,
    idleMs,
    fired: [...fired.entries()]
      .map(([id, count]) => {
        const t = timers.get(id)!;
        return { delayMs: t.delayMs, repeat: t.repeat, armedWhileIdle: t.armedWhileIdle, origin: t.origin, count };
      }),
    intervals: [...timers.values()]
      .filter((t) => t.repeat && !t.resource.deref()?._destroyed && t.resource.deref() !== undefined)
      .map(({ delayMs, repeat, armedWhileIdle, origin }) => ({ delayMs, repeat, armedWhileIdle, origin })),
    activeResources: process.getActiveResourcesInfo().reduce<Record<string, number>>((acc, k) => ((acc[k] = (acc[k] ?? 0) + 1), acc), {}),
  };
  await dashboard?.close();
  await collector.close();
  process.stdout.write(JSON.stringify(report) + '\n');
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    process.stderr.write(`idle-timers-child: ${err.stack ?? err.message}\n`);
    process.exit(1);
  },
);
