/**
 * `beacon ci exec -- <cmd...>`: start, run one command with the session's environment, finish.
 * The command's exit code wins when it failed; otherwise the validation decides (a green agent
 * run without telemetry is still a failure when telemetry is required).
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { startCiSession, type StartOptions, type StartResult } from './session-start';
import { finishCiSession, type FinishOptions, type FinishResult } from './session-finish';

export interface ExecOptions {
  argv: string[];
  start: Omit<StartOptions, 'exportToGithubEnv'>;
  finish: Omit<FinishOptions, 'statePath' | 'env'>;
  /** `ci exec --json`: the command's stdout goes to our stderr, so our stdout is only the JSON result. */
  childStdoutToStderr?: boolean;
  /** Called once the session is up, before the command runs (the CLI prints where things are). */
  onStarted?: (started: StartResult) => void;
}

export interface ExecResult {
  started: StartResult;
  commandExit: number;
  finish: FinishResult;
  exitCode: number;
}

/** Exit code of a child as a shell reports it: 128 + signal number when killed by a signal. */
function runChild(argv: string[], env: NodeJS.ProcessEnv, stdoutToStderr: boolean): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: ['inherit', stdoutToStderr ? 2 : 'inherit', 'inherit'], env });
    // A cancelled workflow sends us SIGINT/SIGTERM: pass it on and still finish (flush) after.
    const forward = (sig: NodeJS.Signals) => child.kill(sig);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const done = (code: number) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code);
    };
    child.once('error', (err) => {
      process.stderr.write(`beacon: cannot run ${argv[0]}: ${err.message}\n`);
      done(127);
    });
    child.once('exit', (code, signal) => done(code ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 1)));
  });
}

export async function execCiSession(opts: ExecOptions): Promise<ExecResult> {
  // Not exported to $GITHUB_ENV: later steps must not inherit a CODEX_HOME whose collector is gone.
  const started = await startCiSession({ ...opts.start, exportToGithubEnv: false });
  opts.onStarted?.(started);
  const commandExit = await runChild(opts.argv, { ...opts.start.env, ...started.state.exports }, !!opts.childStdoutToStderr);
  const finish = await finishCiSession({ ...opts.finish, env: opts.start.env, statePath: started.state.state_path });
  return { started, commandExit, finish, exitCode: commandExit !== 0 ? commandExit : finish.exitCode };
}
