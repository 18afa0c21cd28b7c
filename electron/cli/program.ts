/**
 * The `beacon` command tree. Argument parsing is commander's job (a well-kept library that
 * gives us true --help, unknown-option errors and subcommand nesting for free); each command
 * module under ./commands registers itself and calls into the engine modules. Nothing here
 * knows how the collector or the config editor work.
 */
import { Command, CommanderError } from 'commander';
import { VERSION } from '../shared/version';

export type Register = (program: Command, endpoint: Command, ci: Command) => void;

/** An error the user caused (bad flag value, refused edit): printed without a stack, exit 2 by default. */
export class UsageError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}

export function buildProgram(registrations: Register[]): Command {
  const program = new Command('beacon')
    .description('Local telemetry endpoint for AI coding agents (Codex CLI).')
    .version(VERSION, '-v, --version')
    .showHelpAfterError('(run with --help for usage)');
  const endpoint = program.command('endpoint').description('Install, run and inspect the local Codex telemetry endpoint.');
  const ci = program.command('ci').description('Capture Codex telemetry for one CI run (GitHub Actions aware).');
  for (const register of registrations) register(program, endpoint, ci);
  return program;
}

/** Run the CLI: print user errors plainly, never a stack trace for a mistake the user can fix. */
export async function runCli(program: Command, argv: string[]): Promise<number> {
  // Every level (e.g. `endpoint config show`), so commander never calls process.exit itself.
  const override = (cmd: Command): void => {
    cmd.exitOverride();
    for (const sub of cmd.commands) override(sub);
  };
  override(program);
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version "errors" are successful exits; everything else commander reports
      // (unknown option, bad value, missing argument) is a usage error: exit 2.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`beacon: ${err.message}\n`);
      return err.exitCode;
    }
    const e = err as NodeJS.ErrnoException;
    process.stderr.write(`beacon: ${e?.message ?? String(err)}\n`);
    return 1;
  }
}
