/**
 * Runs scripts/start.mjs (what `npm start` runs) as a real process in its own process group, so
 * a test can wait for lines of its output and, at the end, stop it and every child it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from '../support/beacon-cli';
import { join } from 'node:path';

export const START = join(REPO_ROOT, 'scripts/start.mjs');

export interface StartRun {
  child: ChildProcess;
  output(): string;
  /** Resolves with the output so far once `re` matches it; rejects on exit or timeout. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
  /** SIGINT the whole group (as Ctrl-C in a terminal does) and wait for start.mjs to exit. */
  interrupt(): Promise<number | null>;
  kill(): void;
}

export function runStart(args: string[], env: NodeJS.ProcessEnv, script = START): StartRun {
  const child = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  const listeners = new Set<() => void>();
  const onData = (d: Buffer) => {
    out += d.toString('utf8');
    for (const l of listeners) l();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const group = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      /* the group is gone */
    }
  };
  return {
    child,
    output: () => out,
    exited,
    waitFor(re, timeoutMs = 25_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (re.test(out)) {
            cleanup();
            resolve(out);
          }
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting for ${re}; output:\n${out}`));
        }, timeoutMs);
        const onExit = () => {
          // Let the last chunk of output arrive before deciding.
          setTimeout(() => {
            if (re.test(out)) return check();
            cleanup();
            reject(new Error(`start.mjs exited (${child.exitCode}) before ${re}; output:\n${out}`));
          }, 50);
        };
        const cleanup = () => {
          clearTimeout(timer);
          listeners.delete(check);
          child.off('exit', onExit);
        };
        listeners.add(check);
        child.once('exit', onExit);
        check();
        if (!alive()) onExit();
      });
    },
    async interrupt() {
      if (alive()) group('SIGINT');
      const timer = setTimeout(() => group('SIGKILL'), 15_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
    kill() {
      group('SIGKILL');
    },
  };
}
