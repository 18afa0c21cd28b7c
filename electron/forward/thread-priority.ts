/**
 * Lower the scheduling priority of the calling thread (the forward worker), so that on a busy
 * machine the collector's own thread, which answers Codex and writes the log, always comes
 * first: the SIEM copy may lag a few seconds behind a burst, the local write may not.
 *
 * Linux only: there a thread is a task with its own id (/proc/thread-self names it) and
 * setpriority() on that id changes that thread alone. Elsewhere (macOS) this does nothing:
 * it would change the whole process, collector included.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** Nice 10: a tenth of the CPU share of a normal thread when they compete, all of it when not. */
export const FORWARD_NICE = 10;

export function lowerThreadPriority(nice: number = FORWARD_NICE): boolean {
  if (process.platform !== 'linux') return false;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isSafeInteger(tid) || tid <= 0 || tid === process.pid) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
