/**
 * Beacon's signals about its own telemetry path, as a collector consumer (shared/harness.ts
 * EventConsumer): everything it reports goes through ctx.emit, so it is written, given ids,
 * forwarded and shown like any event.
 *
 *  - collector.died at start when the previous run on this log left no clean stop behind;
 *  - collector.started at start, collector.stopped at a clean close (before the log closes);
 *  - tamper.otel_removed / _changed / _overridden when the harness's telemetry guard says the
 *    installed block is no longer in effect: checked at start and after each change of the
 *    watched files (tamper-watch.ts), reported on state changes only;
 *  - posture.inventory at start and every 24 h (inventory.ts).
 *
 * Runs only for the collector of Beacon's installed endpoint (plugins/collector.ts decides);
 * the install is re-read at every check, so an uninstall silences it at once.
 */
import type { BeaconEvent, ContentPolicy } from '../shared/event';
import type { ConsumerContext, ConsumerHealth, EventConsumer, ExpectedTelemetry, Harness, HarnessTelemetryGuard, TelemetryConfigCheck } from '../shared/harness';
import type { Mode } from '../shared/paths';
import { VERSION } from '../shared/version';
import { buildInventory, type DestinationHealth } from './inventory';
import { postureEvent, tamperAction } from './posture-events';
import { writeRunState, type PreviousRun, type RunState } from './run-state';
import { TamperWatch } from './tamper-watch';
import { hostname } from 'node:os';

export const INVENTORY_INTERVAL_MS = 24 * 60 * 60 * 1000;
/** The idle rule: no timer of Beacon's fires more often than this. */
export const MIN_TIMER_MS = 10_000;

/** What the install manifest says Beacon put into an agent's config (plugins reads it). */
export interface InstalledTelemetry {
  runtimeLog: string;
  /** The harness whose config it is (`Harness.id`). */
  harnessId: string;
  configPath: string;
  expected: ExpectedTelemetry;
}

export interface PostureConsumerOptions {
  logPath: string;
  mode: Mode;
  content: ContentPolicy;
  env: Record<string, string | undefined>;
  harnesses: readonly Harness[];
  previous: PreviousRun;
  /** The install now (re-read at every check); null: uninstalled, so no tamper signals. */
  installed(): Promise<InstalledTelemetry | null>;
  /** The forwarding destinations' health, for the inventory. */
  destinations(): DestinationHealth[];
  fileMode?: number;
  inventoryIntervalMs?: number;
  debounceMs?: number;
}

export function createPostureConsumer(opts: PostureConsumerOptions): EventConsumer {
  const startedAt = new Date().toISOString();
  const state: RunState = { pid: process.pid, hostname: hostname(), version: VERSION, started_at: startedAt, telemetry: opts.previous.state?.telemetry };
  let ctx: ConsumerContext | undefined;
  let watch: TamperWatch | undefined;
  let guard: { harness: Harness; guard: HarnessTelemetryGuard; configPath: string } | undefined;
  let inventoryTimer: NodeJS.Timeout | undefined;
  let lastCheck: TelemetryConfigCheck | undefined;
  let inventory: Promise<void> | undefined;

  const emit = async (events: BeaconEvent[]): Promise<void> => {
    try {
      await ctx?.emit(events);
    } catch (err) {
      ctx?.warn(`posture: could not write ${events.map((e) => e.event.action).join(', ')}: ${(err as Error).message}`);
    }
  };
  const saveState = () => writeRunState(opts.logPath, state, opts.fileMode).catch((err: Error) => ctx?.warn(`posture: cannot write the run state next to ${opts.logPath}: ${err.message}`));

  /** The guard for the install as it is now (undefined: not installed, or the harness has none). */
  const currentGuard = async () => {
    const inst = await opts.installed().catch(() => null);
    const harness = inst ? opts.harnesses.find((h) => h.id === inst.harnessId) : undefined;
    if (!inst || !harness?.lifecycle.telemetryGuard) return undefined;
    return { harness, configPath: inst.configPath, guard: harness.lifecycle.telemetryGuard({ configPath: inst.configPath, mode: opts.mode, env: opts.env, expected: inst.expected }) };
  };

  const checkTelemetry = async (): Promise<void> => {
    guard = await currentGuard();
    if (!guard) {
      lastCheck = undefined;
      return;
    }
    const check = await guard.guard.check();
    lastCheck = check;
    const before = state.telemetry;
    if (before && before.state === check.state && before.detail === check.detail) return;
    if (!before && check.state === 'intact') {
      state.telemetry = { state: check.state, detail: check.detail };
      await saveState();
      return;
    }
    state.telemetry = { state: check.state, detail: check.detail };
    const action = tamperAction(check.state);
    const facts = { config_path: check.config_path, detail: check.detail, state: check.state, ...(check.overridden_by ? { overridden_by: check.overridden_by } : {}), ...(before ? { previous_state: before.state } : {}) };
    const harness = { name: guard.harness.eventHarnessName };
    if (action) await emit([postureEvent(action, 'high', check.detail, facts, harness)]);
    // Back to intact after a tamper signal: say so, so whoever saw the alert sees it end (and
    // when); a SIEM can pair the two to measure how long telemetry was off.
    else if (before && before.state !== 'intact') await emit([postureEvent('tamper.otel_restored', 'info', `telemetry restored: ${check.detail}`, facts, harness)]);
    await saveState();
  };

  const runInventory = async (): Promise<void> => {
    const ev = await buildInventory({
      mode: opts.mode,
      env: opts.env,
      harnesses: opts.harnesses,
      installed: await opts.installed().catch(() => null),
      destinations: opts.destinations(),
      content: opts.content,
      telemetry: lastCheck,
    });
    await emit([ev]);
  };

  return {
    name: 'posture',
    async start(c) {
      ctx = c;
      const prev = opts.previous;
      if (prev.died) {
        const alive = prev.last_alive_at ? `; last known alive at ${prev.last_alive_at}` : '';
        await emit([
          postureEvent('collector.died', 'medium', `the previous collector on this log (pid ${prev.pid ?? '?'}, started ${prev.started_at ?? 'at an unknown time'}) ended without a clean stop${alive}: events sent while it was down were lost`, {
            detail: `pid ${prev.pid ?? '?'} ended without a clean stop${alive}`,
            pid: prev.pid,
            started_at: prev.started_at,
            last_alive_at: prev.last_alive_at,
          }),
        ]);
      }
      await emit([
        postureEvent('collector.started', 'info', `Beacon collector ${VERSION} started (pid ${process.pid}, ${opts.mode} mode)`, {
          detail: `pid ${process.pid}, ${opts.mode} mode, writing ${opts.logPath}, content ${opts.content}`,
          version: VERSION,
          pid: process.pid,
          mode: opts.mode,
          log_path: opts.logPath,
          content: opts.content,
        }),
      ]);
      await saveState();
      await checkTelemetry().catch((err: Error) => c.warn(`posture: telemetry check failed: ${err.message}`));
      watch = new TamperWatch({
        dirs: async () => guard?.guard.watchDirs ?? [],
        files: () => guard?.guard.watchFiles ?? [],
        onChange: checkTelemetry,
        warn: c.warn,
        debounceMs: opts.debounceMs,
      });
      await watch.start();
      const every = Math.max(MIN_TIMER_MS, opts.inventoryIntervalMs ?? INVENTORY_INTERVAL_MS);
      // Not awaited: discovery runs `codex --version`, which must not delay the collector's start.
      inventory = runInventory().catch((err: Error) => c.warn(`posture: inventory failed: ${err.message}`));
      inventoryTimer = setInterval(() => {
        inventory = runInventory().catch((err: Error) => c.warn(`posture: inventory failed: ${err.message}`));
      }, every);
      inventoryTimer.unref();
    },
    health(): ConsumerHealth {
      const t = lastCheck;
      return {
        name: 'posture',
        status: t && t.state !== 'intact' ? 'degraded' : 'ok',
        detail: t ? t.detail : 'not watching an installed telemetry block',
        ...(t ? { telemetry_config: t.state, config_path: t.config_path } : {}),
      };
    },
    async close() {
      clearInterval(inventoryTimer);
      await watch?.close();
      await inventory;
      await emit([
        postureEvent('collector.stopped', 'info', `Beacon collector stopped cleanly (pid ${process.pid}, started ${startedAt})`, {
          detail: `pid ${process.pid} stopped cleanly`,
          pid: process.pid,
          started_at: startedAt,
        }),
      ]);
      state.stopped_at = new Date().toISOString();
      await saveState();
    },
  };
}
