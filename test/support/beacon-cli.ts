/**
 * Runs the compiled `beacon` CLI (out/electron/cli/index.js) the way a user does: a real process,
 * real ports, a temporary HOME (isolatedEnv() when the caller gives no env: never the user's).
 * `npm test` builds before running the suites.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { isolatedEnv } from './test-env';

/**
 * The repository root: test/support from sources (vitest), out/test/support when `npm run compat`
 * imports the compiled copy. out/ has a package.json of its own, so look for node_modules too.
 */
function findRepoRoot(from: string): string {
  for (let dir = from; dirname(dir) !== dir; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'node_modules'))) return dir;
  }
  return resolve(from, '../..');
}

export const REPO_ROOT = findRepoRoot(__dirname);
export const CLI = resolve(REPO_ROOT, 'out/electron/cli/index.js');

export function requireBuiltCli(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first (npm test does)`);
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runBeacon(args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; input?: string } = {}): Promise<CliResult> {
  requireBuiltCli();
  return new Promise((resolveP, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: opts.env ?? isolatedEnv(), cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`beacon ${args.join(' ')} timed out\nstdout: ${stdout}\nstderr: ${stderr}`));
    }, opts.timeoutMs ?? 20_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveP({ code: code ?? 1, stdout, stderr });
    });
    child.stdin.end(opts.input ?? '');
  });
}

export interface RunningCli {
  child: ChildProcess;
  port: number;
  startup: Record<string, unknown>;
  output: () => string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/**
 * `beacon endpoint run --json --port 0 ...` in the background; resolves once it listens.
 * `wrapper`: a command that execs node in its place (e.g. setpriv to run as another user).
 */
export function startEndpointRun(extraArgs: string[], env: NodeJS.ProcessEnv = isolatedEnv(), opts: { wrapper?: string[] } = {}): Promise<RunningCli> {
  requireBuiltCli();
  return new Promise((resolveP, reject) => {
    const [cmd, ...pre] = [...(opts.wrapper ?? []), process.execPath];
    const child = spawn(cmd, [...pre, CLI, 'endpoint', 'run', '--json', '--port', '0', ...extraArgs], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stderr!.on('data', (d) => (err += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`collector did not start: ${err}`));
    }, 15_000);
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      out += line + '\n';
      if (out.split('\n').length > 2) return;
      try {
        const startup = JSON.parse(line) as Record<string, unknown>;
        clearTimeout(timer);
        const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
        resolveP({
          child,
          port: startup.port as number,
          startup,
          output: () => out + err,
          stop(signal: NodeJS.Signals = 'SIGTERM') {
            if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
            child.kill(signal);
            return exited;
          },
        });
      } catch {
        /* not the startup line */
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`collector exited (${code}) before listening: ${err}`));
    });
  });
}
