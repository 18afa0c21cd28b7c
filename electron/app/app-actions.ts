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

/** The parts of the lifecycle commands' --json reports (InstallReport / RepairReport) we read. */
interface LifecycleJson {
  ok?: boolean;
  message?: string;
  summary?: string;
  error?: string;
  errors?: string[];
  steps?: Array<{ action?: string; target?: string; status?: string; detail?: string }>;
}

function fromReport(report: LifecycleJson, ok: boolean): string | undefined {
  if (!ok) return report.error ?? report.errors?.find(Boolean) ?? report.message ?? report.summary;
  if (report.message ?? report.summary) return report.message ?? report.summary;
  const codex = report.steps?.find((s) => s.action === 'configure_codex');
  if (codex) return `Codex config ${codex.status === 'unchanged' ? 'already in place' : 'updated'}: ${codex.target ?? ''}${codex.detail ? ` (${codex.detail})` : ''}`.trim();
  return undefined;
}

/**
 * Turn the CLI's answer into one sentence for the user: from the --json report when there is
 * one, else from the line of output that names the problem.
 */
export function summarizeCliOutcome(outcome: CliOutcome, what: string): ActionResult {
  if (outcome.timedOut) return { ok: false, message: `${what} did not finish in time and was stopped` };
  const ok = outcome.code === 0;
  let fromJson: string | undefined;
  try {
    const parsed = JSON.parse(outcome.stdout) as LifecycleJson;
    if (parsed && typeof parsed === 'object') fromJson = fromReport(parsed, ok);
  } catch {
    /* not JSON: fall back to text */
  }
  const lines = (text: string) =>
    text
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  // A crash prints a stack and then Node's version: the line that names the error is the useful one.
  const errorLine = (text: string) => lines(text).find((l) => /^beacon:|Error\b/.test(l));
  const text = fromJson ?? (ok ? lines(outcome.stdout).pop() : (errorLine(outcome.stderr) ?? lines(outcome.stderr).pop() ?? lines(outcome.stdout).pop()));
  if (ok) return { ok, message: text ?? `${what}: done` };
  return { ok, message: text ? text.replace(/^beacon:\s*/, '') : `${what} failed (exit code ${outcome.code ?? 'none'})` };
}

export function createCliAppActions(opts: CliRunnerOptions): AppActions {
  return {
    async repairCodexConfig() {
      const repaired = await runCli(['endpoint', 'repair', '--json'], opts);
      const result = summarizeCliOutcome(repaired, 'Configuring Codex');
      if (result.ok || !/not installed/i.test(result.message)) return result;
      // First run: nothing to repair yet. Install the Codex config only: this app hosts the
      // collector itself, so no background collector is started.
      return summarizeCliOutcome(await runCli(['endpoint', 'install', '--json', '--no-start'], opts), 'Configuring Codex');
    },
  };
}
