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
    .version(VERSION, '-v, --version');
  const endpoint = program.command('endpoint').description('Install, run and inspect the local Codex telemetry endpoint.');
  const ci = program.command('ci').description('Capture Codex telemetry for one CI run (GitHub Actions aware).');
  for (const register of registrations) register(program, endpoint, ci);
  return program;
}

/** "beacon endpoint run": the words a user types to reach this command. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/**
 * Commander's own usage errors ("error: unknown option '--x'", a bad option value) as ONE line in
 * the same "beacon: ..." form as every other error, naming the --help to read. Scripts and CI logs
 * keep one line per problem.
 */
export function usageLine(commanderMessage: string, path: string): string {
  const text = commanderMessage.replace(/^error:\s*/, '').replace(/\s*\n\s*/g, ' ').trim();
  return `beacon: ${text} (see \`${path} --help\`)\n`;
}

/**
 * A file-system error reached the top: say which path and what to do, not a raw errno string.
 * `hint` names the flag that chose the path, when one did.
 */
export function fileProblem(err: unknown, hint?: string): UsageError | null {
  const e = err as NodeJS.ErrnoException;
  const reasons: Record<string, string> = {
    ENOTDIR: 'a part of the path is a file, not a directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space left on the device',
    EISDIR: 'it is a directory',
    ENOENT: 'no such file or directory',
    EEXIST: 'a file of that name is in the way',
  };
  if (!e || typeof e.code !== 'string' || !reasons[e.code] || !e.path) return null;
  const verb = e.syscall === 'mkdir' ? 'create the directory' : e.syscall === 'open' ? 'open' : e.syscall === 'rename' ? 'write' : 'use';
  return new UsageError(`cannot ${verb} ${e.path}: ${reasons[e.code]}${hint ? `; ${hint}` : ''}`, 1);
}

/**
 * `beacon status` is not a command, but `beacon endpoint status` is: name the command(s) deeper
 * in the tree that carry the unknown name (or alias), so the error says what to type.
 */
export function deeperCommands(program: Command, name: string): string[] {
  const out: string[] = [];
  const walk = (cmd: Command, depth: number) => {
    for (const sub of cmd.commands) {
      if (depth > 0 && (sub.name() === name || sub.aliases().includes(name))) out.push(`${commandPath(cmd)} ${name}`);
      walk(sub, depth + 1);
    }
  };
  walk(program, 0);
  return out;
}

export function withDeeperSuggestion(program: Command, commanderMessage: string): string {
  const m = /unknown command '([^']+)'/.exec(commanderMessage);
  if (!m || /Did you mean/i.test(commanderMessage)) return commanderMessage;
  const found = deeperCommands(program, m[1]);
  if (found.length === 0) return commanderMessage;
  return `${commanderMessage.trimEnd()}; did you mean ${found.map((f) => `\`${f}\``).join(' or ')}?`;
}

/**
 * `beacon endpoint install --help | head -1`: the reader goes away and the next write fails with
 * EPIPE, which Node turns into an uncaught 'error' event and a stack trace. A closed pipe only
 * means nobody reads any more: stop writing to it quietly and let the command finish with its
 * own exit code (a script that cares still sees it; nobody sees a crash).
 */
export function quietOnClosedPipes(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
      throw err;
    });
  }
}

/** Run the CLI: print user errors plainly, never a stack trace for a mistake the user can fix. */
export async function runCli(program: Command, argv: string[]): Promise<number> {
  quietOnClosedPipes();
  // Every level (e.g. `endpoint config show`), so commander never calls process.exit itself.
  const override = (cmd: Command): void => {
    cmd.exitOverride();
    const path = commandPath(cmd);
    cmd.configureOutput({ outputError: (str, write) => write(usageLine(cmd === program ? withDeeperSuggestion(program, str) : str, path)) });
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
    const file = fileProblem(err);
    if (file) {
      process.stderr.write(`beacon: ${file.message}\n`);
      return file.exitCode;
    }
    const e = err as NodeJS.ErrnoException;
    process.stderr.write(`beacon: ${e?.message ?? String(err)}\n`);
    return 1;
  }
}
