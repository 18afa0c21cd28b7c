/**
 * The two receivers the bench compares, each as its own process so it owns a core while the
 * load generator uses the other: the real collector exactly as users run it
 * (`beacon endpoint run --json --port 0`), and the null receiver (null-server.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { COLLECTOR_NODE_FLAGS, COLLECTOR_PROCESS_ENV } from '../electron/endpoint/collector-runtime-flags';
import { CLI_JS } from './paths';

export interface ServerProcess {
  kind: 'collector' | 'null';
  port: number;
  pid: number;
  url: string;
  /** SIGTERM and wait (SIGKILL after 10 s); resolves with the exit code. */
  stop(): Promise<number | null>;
}

const children = new Set<ChildProcess>();
// If the bench dies (Ctrl-C, crash), its servers must not outlive it.
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

function startProcess(kind: ServerProcess['kind'], args: string[], env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  void exited.then(() => children.delete(child));

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${kind} did not start within 15 s: ${stderr}`));
    }, 15_000);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${kind} exited (${code}) before listening: ${stderr}`));
    });
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      let info: { port: number; pid: number };
      try {
        info = JSON.parse(line) as { port: number; pid: number };
      } catch {
        reject(new Error(`${kind} printed an unexpected startup line: ${line}`));
        return;
      }
      // Keep draining stdout so the child can never block on a full pipe.
      child.stdout!.resume();
      resolve({
        kind,
        port: info.port,
        pid: info.pid,
        url: `http://127.0.0.1:${info.port}`,
        stop: async () => {
          if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
          child.kill('SIGTERM');
          const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
          const code = await exited;
          clearTimeout(killer);
          return code;
        },
      });
    });
  });
}

/**
 * The collector, isolated: its own HOME (so no user config.json is read) and log path, and the
 * same Node flags users' collectors get (their RSS is what the bench judges).
 */
export function startCollectorProcess(dir: string, extraArgs: string[] = [], opts: { withoutSecretDetection?: boolean } = {}): Promise<ServerProcess> {
  const logPath = join(dir, 'logs', 'runtime.jsonl');
  // Without secret detection: the same CLI, loaded by a wrapper that turns the detector off.
  const entry = opts.withoutSecretDetection ? join(__dirname, 'collector-without-secret-detection.js') : CLI_JS;
  return startProcess('collector', [...COLLECTOR_NODE_FLAGS, entry, 'endpoint', 'run', '--json', '--port', '0', '--log-path', logPath, ...extraArgs], {
    PATH: process.env.PATH,
    HOME: dir,
    LANG: process.env.LANG,
    // What users' collectors run with (the services and detached collectors set it too).
    ...(process.env.BEACON_BENCH_DEFAULT_MALLOC === '1' ? {} : COLLECTOR_PROCESS_ENV),
  });
}

export function startNullProcess(): Promise<ServerProcess> {
  return startProcess('null', [join(__dirname, 'null-server.js')], { PATH: process.env.PATH });
}
