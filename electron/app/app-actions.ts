/**
 * Actions the app performs on the user's machine (beyond its own process), behind one narrow
 * interface so the tray and IPC code never care how they are done, and tests can inject them.
 *
 * The implementation here runs the bundled `beacon` CLI, the engine's public surface: the app's
 * own binary with ELECTRON_RUN_AS_NODE=1 on out/electron/cli/index.js (the same thing the
 * /opt/beacon/bin/beacon shim does), `endpoint repair --json`. Running it out of process keeps
 * the config editor's work (file locks, atomic writes, backups) identical to the CLI's.
 */
import { spawn } from 'node:child_process';
import type { ActionResult } from '../shared/ipc';

export type { ActionResult };

export interface AppActions {
  /** Install or repair Beacon's [otel] block in the Codex config (user mode). */
  repairCodexConfig(): Promise<ActionResult>;
}

export interface CliRunnerOptions {
  /** The executable: the app binary (Electron) or node. */
  execPath: string;
  /** out/electron/cli/index.js */
  cliEntry: string;
  env?: NodeJS.ProcessEnv;
  /** A repair that has not finished by then is reported as failed (the child is killed). */
  timeoutMs?: number;
}

export interface CliOutcome {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export function runCli(args: string[], opts: CliRunnerOptions): Promise<CliOutcome> {
  return new Promise((resolve) => {
    const child = spawn(opts.execPath, [opts.cliEntry, ...args], {
      env: { ...(opts.env ?? process.env), ELECTRON_RUN_AS_NODE: '1', NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill();
    }, opts.timeoutMs ?? 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, stdout, stderr: stderr || err.message, timedOut });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

/**
 * Turn the CLI's answer into one sentence for the user. `--json` output is read for a
 * `message` / `summary` / `error` field; otherwise the last line of output is used.
 */
export function summarizeCliOutcome(outcome: CliOutcome, what: string): ActionResult {
  if (outcome.timedOut) return { ok: false, message: `${what} did not finish in time and was stopped` };
  const ok = outcome.code === 0;
  let fromJson: string | undefined;
  try {
    const parsed = JSON.parse(outcome.stdout) as Record<string, unknown>;
    for (const key of ok ? ['message', 'summary'] : ['error', 'message', 'summary']) {
      if (typeof parsed[key] === 'string' && parsed[key]) {
        fromJson = parsed[key] as string;
        break;
      }
    }
  } catch {
    /* not JSON: fall back to text */
  }
  const lastLine = (text: string) =>
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .pop();
  // A crash prints a stack and then Node's version: the line that names the error is the useful one.
  const errorLine = (text: string) =>
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => /^beacon:|Error\b/.test(l));
  const text = fromJson ?? (ok ? lastLine(outcome.stdout) : (errorLine(outcome.stderr) ?? lastLine(outcome.stderr) ?? lastLine(outcome.stdout)));
  if (ok) return { ok, message: text ?? `${what}: done` };
  return { ok, message: text ? text.replace(/^beacon:\s*/, '') : `${what} failed (exit code ${outcome.code ?? 'none'})` };
}

export function createCliAppActions(opts: CliRunnerOptions): AppActions {
  return {
    async repairCodexConfig() {
      const outcome = await runCli(['endpoint', 'repair', '--json'], opts);
      return summarizeCliOutcome(outcome, 'Configuring Codex');
    },
  };
}
