/**
 * Ending the CI collector without losing its last events. The reference product killed its
 * collector right away and lost the tail of short sessions; here `ci finish` first waits until
 * the collector has been quiet for a while (no new request, no new event), then sends SIGTERM,
 * on which `beacon endpoint run` stops accepting, flushes and fsyncs the log, and exits. SIGKILL
 * only if it has not gone within the timeout (nothing acknowledged is lost even then: every
 * answered request was already handed to the OS).
 */
import { readFileSync } from 'node:fs';
import { probeCollector } from '../collector/probe';
import type { CollectorHealth } from '../collector/collector';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** True while `pid` is a live process (a zombie waiting for its parent to reap it counts as gone). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ..." — the state letter follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no /proc (macOS): kill(0) said it exists
  }
}

export interface DrainResult {
  /** The collector was quiet for the whole interval. */
  drained: boolean;
  /** The collector no longer answered (crashed, killed, or a different process on the port). */
  gone: boolean;
  health?: CollectorHealth;
}

function activity(h: CollectorHealth): string {
  const r = h.stats.requests;
  return `${r.logs}/${r.metrics}/${r.traces}/${h.stats.eventsWritten}/${h.stats.recordsDropped}`;
}

/**
 * Wait until the collector's counters have not moved for `quietMs` (Codex batches logs about
 * once a second, so an agent still shutting down shows up as movement), at most `timeoutMs`.
 */
export async function waitForDrain(port: number, pid: number, opts: { quietMs?: number; timeoutMs?: number; pollMs?: number } = {}): Promise<DrainResult> {
  const quietMs = opts.quietMs ?? 1500;
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
  const pollMs = opts.pollMs ?? 250;
  let last: string | undefined;
  let quietSince = Date.now();
  let health: CollectorHealth | undefined;
  for (;;) {
    const probe = await probeCollector(port, 2000);
    if (probe.kind !== 'beacon' || probe.health.pid !== pid) return { drained: false, gone: true, health };
    health = probe.health;
    const now = Date.now();
    const sig = activity(health);
    if (sig !== last) {
      last = sig;
      quietSince = now;
    } else if (now - quietSince >= quietMs) {
      return { drained: true, gone: false, health };
    }
    if (now >= deadline) return { drained: false, gone: false, health };
    await sleep(pollMs);
  }
}

export interface StopResult {
  /** It was already gone before we signalled it. */
  wasRunning: boolean;
  /** Exited after SIGTERM (clean flush). */
  stopped: boolean;
  /** Needed SIGKILL. */
  killed: boolean;
}

/** SIGTERM, wait for the process to disappear, SIGKILL after `timeoutMs`. */
export async function stopCollectorProcess(pid: number, timeoutMs = 10_000): Promise<StopResult> {
  if (!isProcessAlive(pid)) return { wasRunning: false, stopped: true, killed: false };
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return { wasRunning: false, stopped: true, killed: false };
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isProcessAlive(pid)) return { wasRunning: true, stopped: true, killed: false };
    await sleep(50);
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* exited in between */
  }
  const killDeadline = Date.now() + 5000;
  while (isProcessAlive(pid) && Date.now() < killDeadline) await sleep(50);
  return { wasRunning: true, stopped: false, killed: true };
}
