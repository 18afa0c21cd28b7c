/**
 * What Linux says about a process: resident memory (VmRSS, peak VmHWM) from /proc/<pid>/status
 * and CPU time (utime + stime) from /proc/<pid>/stat. Used to show the collector's memory and
 * that it does not spin while idle.
 */
import { readFileSync } from 'node:fs';

export interface MemInfo {
  rssMB: number;
  hwmMB: number;
}

export function readMem(pid: number): MemInfo {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string): number => {
    const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
    if (!m) throw new Error(`/proc/${pid}/status has no ${key}`);
    return Number(m[1]);
  };
  return { rssMB: kb('VmRSS') / 1024, hwmMB: kb('VmHWM') / 1024 };
}

/** Clock ticks per second for /proc/<pid>/stat times; 100 on every Linux we run on (USER_HZ). */
const CLK_TCK = 100;

/** CPU seconds (user + system) the process (or, with `tid`, one of its threads) has used so far. */
export function readCpuSeconds(pid: number, tid?: number): number {
  const stat = readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces: parse after its closing parenthesis.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return (utime + stime) / CLK_TCK;
}
