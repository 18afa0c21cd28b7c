/**
 * Starting and stopping the collector on behalf of install / repair / doctor / uninstall. The
 * rule that keeps this safe: Beacon only ever stops a collector it can prove it started, i.e.
 * /healthz on the port answers with the pid the manifest recorded AND says it writes the
 * manifest's log. Anything else (the menu-bar app's collector, a system daemon, another program)
 * is left alone and reported.
 */
import { resolve } from 'node:path';
import { probeCollector } from '../collector/probe';
import { pidAlive } from '../log/log-lock';
import { ensureCollector, type EnsureResult } from './collector-process';
import type { InstallManifest, ManifestCollector } from './install-manifest';
import type { LifecycleContext } from './lifecycle-context';

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
