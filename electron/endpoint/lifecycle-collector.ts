/**
 * Starting and stopping the collector on behalf of install / repair / doctor / uninstall. The
 * rule that keeps this safe: Beacon only ever stops a collector it can prove it started, i.e.
 * /healthz on the port answers with the pid the manifest recorded AND says it writes the
 * manifest's log. Anything else (the menu-bar app's collector, a system daemon, another program)
 * is left alone and reported.
 *
 * Settings live in config.json and reach a collector only when it starts, so a changed content
 * policy, spans setting, port or log path means a restart of the collector Beacon manages
 * (reconcileCollector); status and doctor compare /healthz with config.json (collectorSettingsDiff).
 */
import { resolve } from 'node:path';
import { probeCollector } from '../collector/probe';
import { pidAlive } from '../log/log-lock';
import type { CollectorHealth } from '../collector/collector';
import type { ContentPolicy } from '../shared/event';
import { ensureCollector, type EnsureResult } from './collector-process';
import type { InstallManifest, ManifestCollector } from './install-manifest';
import type { LifecycleContext } from './lifecycle-context';
import type { LifecycleStep } from './lifecycle-report';
import { LAUNCHD_LABEL } from './services/unit-files';

export async function startCollectorFor(
  ctx: LifecycleContext,
  manifest: Pick<InstallManifest, 'settings' | 'runtime_log' | 'collector_output'>,
  startedBy: ManifestCollector['started_by'],
  previous: ManifestCollector | null,
): Promise<{ result: EnsureResult; record: ManifestCollector | null }> {
  const result = await ensureCollector({
    port: manifest.settings.port,
    logPath: manifest.runtime_log,
    mode: ctx.mode,
    includeSpans: manifest.settings.include_codex_spans,
    content: manifest.settings.content,
    outputFile: manifest.collector_output,
    env: ctx.env as NodeJS.ProcessEnv,
  });
  if (result.action === 'started') {
    return { result, record: { pid: result.pid, port: manifest.settings.port, log_path: manifest.runtime_log, started_at: result.health.started_at, started_by: startedBy } };
  }
  if (result.action === 'already-running') {
    // Keep our record only if the one running is the one we started; someone else's stays theirs.
    const ours = previous && previous.pid === result.health.pid ? previous : null;
    return { result, record: ours };
  }
  return { result, record: previous };
}

export type StopOutcome =
  | { kind: 'stopped'; pid: number }
  | { kind: 'not-running' }
  | { kind: 'not-ours'; message: string }
  | { kind: 'failed'; message: string };

async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!pidAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !pidAlive(pid);
}

/** Stop the collector recorded in the manifest, if (and only if) it is still that one. */
export async function stopRecordedCollector(record: ManifestCollector | null, timeoutMs = 10_000): Promise<StopOutcome> {
  if (!record) return { kind: 'not-running' };
  const probe = await probeCollector(record.port);
  if (probe.kind === 'none') return { kind: 'not-running' };
  if (probe.kind === 'other') return { kind: 'not-ours', message: `port ${record.port} is now held by another program (${probe.detail}); left alone` };
  const h = probe.health;
  if (h.pid !== record.pid || resolve(h.log_path) !== resolve(record.log_path)) {
    return { kind: 'not-ours', message: `the collector on port ${record.port} (pid ${h.pid}, writing ${h.log_path}) is not the one install started (pid ${record.pid}); left running` };
  }
  try {
    process.kill(h.pid, 'SIGTERM');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return { kind: 'not-running' };
    return { kind: 'failed', message: `cannot stop the collector (pid ${h.pid}): ${(err as Error).message}` };
  }
  if (await waitGone(h.pid, timeoutMs)) return { kind: 'stopped', pid: h.pid };
  return { kind: 'failed', message: `the collector (pid ${h.pid}) did not stop within ${Math.round(timeoutMs / 1000)} s of SIGTERM` };
}

/** The collector settings config.json asks for, as /healthz reports them. */
export interface WantedCollector {
  port: number;
  runtime_log: string;
  content: ContentPolicy;
  include_codex_spans: boolean;
}

/**
 * How a running collector differs from what config.json asks for, one phrase per setting
 * ("content redacted, config.json says metadata"). Empty when it runs as configured.
 */
export function collectorSettingsDiff(h: CollectorHealth, want: WantedCollector, says = 'config.json says'): string[] {
  const out: string[] = [];
  if (h.port !== undefined && h.port !== want.port) out.push(`port ${h.port}, ${says} ${want.port}`);
  if (resolve(h.log_path) !== resolve(want.runtime_log)) out.push(`log ${h.log_path}, ${says} ${want.runtime_log}`);
  if (h.content !== want.content) out.push(`content ${h.content}, ${says} ${want.content}`);
  if (!!h.include_spans !== want.include_codex_spans) out.push(`spans ${h.include_spans ? 'kept' : 'dropped'}, ${says} ${want.include_codex_spans ? 'kept' : 'dropped'}`);
  return out;
}

/**
 * Who may restart the collector answering /healthz: Beacon's lifecycle, when it started it (the
 * manifest's pid and log) or when the manifest's service runs it. Anything else (the menu-bar
 * app's collector, `beacon endpoint run` in a terminal) is only reported.
 */
export function managedBy(h: CollectorHealth, manifest: Pick<InstallManifest, 'collector' | 'service' | 'runtime_log'> | null): 'detached' | 'service' | null {
  if (!manifest) return null;
  const c = manifest.collector;
  if (c && c.pid === h.pid && resolve(c.log_path) === resolve(h.log_path)) return 'detached';
  if (manifest.service && resolve(manifest.runtime_log) === resolve(h.log_path)) return 'service';
  return null;
}

export interface Reconciled {
  ok: boolean;
  /** The collector now recorded as ours (null: none, or not ours). */
  record: ManifestCollector | null;
  health?: CollectorHealth;
  state: 'started' | 'restarted' | 'already-running' | 'failed';
  steps: LifecycleStep[];
  /** Ours, stopped to apply new settings: a rollback starts it again with the old ones. */
  stoppedPrevious?: ManifestCollector;
  /** Started by this call: a rollback stops it. */
  startedNew?: ManifestCollector;
  warning?: string;
  error?: string;
}

/**
 * Make the detached collector match `want`: start one if none runs; when the one running is
 * ours and runs with other settings (content policy, spans, port, log), restart it so the
 * change takes effect now; when it is not ours, leave it and say what to do. A collector that
 * starts but cannot write its log is a failure, not a success.
 */
export async function reconcileCollector(
  ctx: LifecycleContext,
  want: Pick<InstallManifest, 'settings' | 'runtime_log' | 'collector_output'>,
  previous: ManifestCollector | null,
  startedBy: ManifestCollector['started_by'],
): Promise<Reconciled> {
  const wanted: WantedCollector = { port: want.settings.port, runtime_log: want.runtime_log, content: want.settings.content, include_codex_spans: want.settings.include_codex_spans };
  const steps: LifecycleStep[] = [];
  let stoppedPrevious: ManifestCollector | undefined;
  let why: string[] = [];
  if (previous) {
    const probe = await probeCollector(previous.port);
    if (probe.kind === 'beacon' && probe.health.pid === previous.pid && resolve(probe.health.log_path) === resolve(previous.log_path)) {
      why = collectorSettingsDiff(probe.health, wanted);
      if (why.length > 0) {
        const stop = await stopRecordedCollector(previous);
        if (stop.kind === 'failed' || stop.kind === 'not-ours') {
          return { ok: false, record: previous, state: 'failed', steps, error: `cannot restart the collector to apply ${why.join('; ')}: ${stop.message}` };
        }
        stoppedPrevious = previous;
      }
    }
  }
  let started: { result: EnsureResult; record: ManifestCollector | null };
  try {
    started = await startCollectorFor(ctx, want, startedBy, stoppedPrevious ? null : previous);
  } catch (err) {
    return { ok: false, record: stoppedPrevious ? null : previous, state: 'failed', steps, stoppedPrevious, error: (err as Error).message };
  }
  const { result, record } = started;
  const target = `127.0.0.1:${want.settings.port}`;
  if (result.action === 'conflict') return { ok: false, record, state: 'failed', steps, stoppedPrevious, error: result.message };
  const h = result.health;
  if (result.action === 'started') {
    const startedNew = record ?? undefined;
    if (h.write?.status && h.write.status !== 'ok') {
      return { ok: false, record, health: h, state: 'failed', steps, stoppedPrevious, startedNew, error: `the collector started but cannot write ${h.log_path}: ${h.write.reason ?? h.write.status}` };
    }
    if (stoppedPrevious) {
      steps.push({ action: 'restart_collector', target, status: 'done', detail: `pid ${stoppedPrevious.pid} -> ${h.pid}, to apply ${why.map((w) => w.replace(/, config\.json says /, ' -> ')).join('; ')}` });
      return { ok: true, record, health: h, state: 'restarted', steps, stoppedPrevious, startedNew };
    }
    steps.push({ action: 'start_collector', target, status: 'done', detail: `pid ${h.pid}, writing ${h.log_path}` });
    return { ok: true, record, health: h, state: 'started', steps, startedNew };
  }
  // Already running and not restarted: either ours with the right settings, or someone else's.
  const diff = collectorSettingsDiff(h, wanted);
  steps.push({ action: 'start_collector', target, status: diff.length ? 'warning' : 'unchanged', detail: `pid ${h.pid}, writing ${h.log_path}` });
  const warning = diff.length
    ? `the collector on ${target} (pid ${h.pid}) was not started by \`beacon endpoint install\` (the Beacon app, a service or \`beacon endpoint run\`), so Beacon did not restart it and it keeps running with ${diff.join('; ')}: ${restartAdvice(h, ctx.mode)}`
    : undefined;
  return { ok: true, record, health: h, state: 'already-running', steps, warning };
}

/**
 * How to restart a collector Beacon may not restart itself, so that it reads config.json: the
 * macOS package's LaunchDaemon has its own command; otherwise it is the app or a terminal's.
 */
export function restartAdvice(h: Pick<CollectorHealth, 'pid' | 'mode'>, mode: 'user' | 'system', platform: NodeJS.Platform = process.platform): string {
  const repair = `beacon endpoint repair${mode === 'system' ? ' --system' : ''}`;
  if (h.mode === 'system' && platform === 'darwin') return `restart it: \`sudo launchctl kickstart -k system/${LAUNCHD_LABEL.system}\` (the package's LaunchDaemon)`;
  return `restart it: quit and reopen the Beacon app, or stop pid ${h.pid} and run \`${mode === 'system' ? 'sudo ' : ''}${repair}\``;
}
