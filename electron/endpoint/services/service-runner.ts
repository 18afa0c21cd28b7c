/**
 * The one narrow door to launchctl and systemctl. Everything that manages a service goes
 * through a ServiceRunner, so tests on Linux swap in a recording fake and nothing else in the
 * code base shells out to a service manager.
 */
import { execFile } from 'node:child_process';

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface ServiceRunner {
  run(command: 'launchctl' | 'systemctl' | 'systemd-analyze', args: string[]): Promise<RunResult>;
}

export const systemRunner: ServiceRunner = {
  run(command, args) {
    return new Promise((resolve) => {
      execFile(command, args, { timeout: 15_000 }, (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: number | string }) | null;
        const code = e ? (typeof e.code === 'number' ? e.code : e.code === 'ENOENT' ? 127 : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: e && e.code === 'ENOENT' ? `${command}: not found` : String(stderr) });
      });
    });
  },
};
