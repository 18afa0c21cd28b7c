/**
 * `beacon ci start | finish | exec | validate`: thin wrappers over electron/ci/. Exit codes are
 * part of the interface (electron/ci/exit-codes.ts) and listed in each command's --help.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { join } from 'node:path';
import { startCiSession, type StartResult } from '../../ci/session-start';
import type { Severity } from '../../shared/event';
import { parseSeverity } from './detections';
import { finishCiSession, FinishUsageError, type FinishResult } from '../../ci/session-finish';
import { execCiSession } from '../../ci/session-exec';
import { validateRuntimeLog } from '../../ci/validate';
import { ciPathsIn } from '../../ci/ci-paths';
import { CI_EXIT, CI_EXIT_HELP } from '../../ci/exit-codes';
import { workflowCommand } from '../../ci/github-files';
import { HARNESS_CHOICES, parseContentPolicy, parseHarness, parsePath, parsePort } from '../options';
import { fileProblem, UsageError } from '../program';
import type { ContentPolicy } from '../../shared/event';

function parseBool(value: string): boolean {
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off'].includes(v)) return false;
  throw new InvalidArgumentError(`"${value}" is not true or false.`);
}

/**
 * --min-events: at least 1. Validation always wants one Codex event (the reference's harness
 * check does too), so accepting 0 would be a promise the run cannot keep; the way to not fail
 * on missing telemetry is --require-telemetry=false, and the message says so.
 */
function parseMinEvents(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`"${value}" is not a whole number.`);
  const n = Number(value);
  if (n < 1) throw new InvalidArgumentError('It must be at least 1 (to only warn when telemetry is missing, pass --require-telemetry=false).');
  return n;
}

function parseMs(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError(`"${value}" is not a number of milliseconds.`);
  return Number(value);
}

/** `export NAME='value'` lines: `eval "$(beacon ci start)"` sets up a shell outside GitHub. */
function shellExports(vars: Record<string, string>): string {
  return Object.entries(vars)
    .map(([k, v]) => `export ${k}='${v.replace(/'/g, `'\\''`)}'`)
    .join('\n');
}

interface StartFlags {
  harness: string;
  port?: number;
  otlpHttpPort?: number;
  runDir?: string;
  includeCodexSpans?: boolean;
  content?: ContentPolicy;
  json?: boolean;
}

interface FinishFlags {
  minEvents: number;
  requireTelemetry: boolean;
  state?: string;
  json?: boolean;
  quietMs?: number;
  drainTimeoutMs?: number;
  failOn?: Severity;
}

function addStartOptions(cmd: Command): Command {
  return cmd
    .option('--harness <name>', `agent harness to capture: ${HARNESS_CHOICES}`, parseHarness, 'codex')
    .option('--port <port>', 'OTLP/HTTP port on 127.0.0.1 (default: a free port; 4318 may be taken on a shared runner)', parsePort)
    .addOption(new Option('--otlp-http-port <port>', 'same as --port').argParser(parsePort))
    .option('--run-dir <dir>', 'where the run keeps its files (default: $RUNNER_TEMP/beacon on GitHub Actions, else a new temp dir)', parsePath)
    .option('--include-codex-spans', 'also capture Codex spans (high volume)')
    .option('--content <policy>', 'content policy: full | redacted | metadata (default: redacted)', parseContentPolicy);
}

/** finish / validate count the events of one harness; the flag is there so a workflow can say
 * `--harness codex` on every ci command (as the reference CLI allows), and an unknown one fails. */
function addCountedHarness(cmd: Command): Command {
  return cmd.option('--harness <name>', `agent harness whose events are counted: ${HARNESS_CHOICES}`, parseHarness, 'codex');
}

function addFinishOptions(cmd: Command): Command {
  return cmd
    .option('--min-events <n>', 'fewest Codex events the run must have produced (at least 1)', parseMinEvents, 1)
    .option('--require-telemetry <bool>', 'fail (exit 1) when telemetry is missing; false: a warning only', parseBool, true)
    .option('--quiet-ms <ms>', 'how long the collector must be idle before it is stopped (default: 1500)', parseMs)
    .option('--drain-timeout-ms <ms>', 'longest wait for the collector to go idle (default: 30000)', parseMs)
    .option('--fail-on <level>', 'fail (exit 4) when a detection finding is at or above: info | low | medium | high | critical', parseSeverity);
}

function printStarted(r: StartResult, env: NodeJS.ProcessEnv, json: boolean | undefined): void {
  const s = r.state;
  if (json) {
    process.stdout.write(JSON.stringify({ event: r.reused ? 'reused' : 'started', state: s, exports: s.exports, github_env: r.githubEnvWritten, github_output: r.githubOutputWritten }) + '\n');
    return;
  }
  const lines = [
    `# Beacon CI session ${r.reused ? 'already running, reused' : 'started'}: collector pid ${s.pid} on 127.0.0.1:${s.port}`,
    `#   log=${s.log_path}`,
    `#   codex-home=${s.codex_home}`,
    `#   state=${s.state_path}`,
  ];
  if (r.githubEnvWritten) lines.push(`#   exported CODEX_HOME, BEACON_CI_* and OTEL_RESOURCE_ATTRIBUTES to $GITHUB_ENV for later steps`);
  else if (!env.GITHUB_ENV) lines.push('#   not on GitHub Actions: eval this output to set up your shell');
  process.stdout.write(lines.join('\n') + '\n' + shellExports(s.exports) + '\n');
}

function printFinished(r: FinishResult, env: NodeJS.ProcessEnv, json: boolean | undefined): void {
  if (json) {
    process.stdout.write(
      JSON.stringify({ status: r.status, exit_code: r.exitCode, message: r.message, notes: r.notes, summary_path: r.summaryPath, validation: r.validation && { status: r.validation.status, stages: r.validation.stages, codex_events: r.validation.codexEvents }, summary: r.summary, findings: r.findings?.findings ?? [] }) + '\n',
    );
    // stdout stays pure JSON; the failure is also one line on stderr for the job log.
    if (r.status === 'failed') process.stderr.write(`beacon: ${r.message}\n`);
    return;
  }
  const onGithub = env.GITHUB_ACTIONS === 'true';
  const out: string[] = [r.message];
  if (r.validation) {
    out.push(`Runtime log: ${r.validation.logPath}`);
    for (const st of r.validation.stages) out.push(`${st.name}: ${st.status} (${st.message})`);
  }
  if (r.summary) {
    const t = r.summary.tokens;
    out.push(
      `Tokens: input ${t.input_tokens} (not cached), cached ${t.cached_input_tokens}, output ${t.output_tokens} (excl. reasoning), reasoning ${t.reasoning_output_tokens}, total ${t.total_tokens} (incl. cached); Codex "tokens used" ${t.input_tokens + t.output_tokens + t.reasoning_output_tokens}`,
    );
  }
  if (r.findings && r.findings.findings.length > 0) {
    out.push(`Findings: ${r.findings.findings.length}`);
    for (const f of r.findings.findings.slice(0, 20)) out.push(`  ${f.severity.toUpperCase().padEnd(8)} ${f.rule_id}: ${f.title} (session ${f.session_id ?? '-'})`);
  }
  if (r.summaryPath) out.push(`Summary: ${r.summaryPath}`);
  for (const n of r.notes) out.push(`note: ${n}`);
  process.stdout.write(out.join('\n') + '\n');
  if (r.status === 'warning') {
    const msg = `${r.message} (not failing: --require-telemetry=false)`;
    if (onGithub) process.stdout.write(workflowCommand('warning', msg) + '\n');
    else process.stderr.write(`warning: ${msg}\n`);
  } else if (r.status === 'failed') {
    if (onGithub) process.stdout.write(workflowCommand('error', r.message) + '\n');
    process.stderr.write(`beacon: ${r.message}\n`);
  }
}

/** --port or its synonym --otlp-http-port; both given and different is a usage error. */
function startPort(flags: StartFlags): number | undefined {
  if (flags.port !== undefined && flags.otlpHttpPort !== undefined && flags.port !== flags.otlpHttpPort) {
    throw new UsageError(`--port ${flags.port} and --otlp-http-port ${flags.otlpHttpPort} disagree; pass one of them`, CI_EXIT.usage);
  }
  return flags.port ?? flags.otlpHttpPort;
}

/** A run dir that cannot be made is the user's to fix: name the path and the flag. */
async function withRunDirHint<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw fileProblem(err, 'choose another --run-dir') ?? err;
  }
}

function finishOpts(flags: FinishFlags) {
  return { minEvents: flags.minEvents, requireTelemetry: flags.requireTelemetry, quietMs: flags.quietMs, drainTimeoutMs: flags.drainTimeoutMs, failOn: flags.failOn };
}

export function registerCi(_program: Command, _endpoint: Command, ci: Command): void {
  addStartOptions(
    ci
      .command('start')
      .description(
        'Start capturing Codex telemetry for this CI run: a temporary CODEX_HOME (only an [otel] table), a detached collector that outlives the step, ' +
          'and CODEX_HOME / BEACON_CI_* / OTEL_RESOURCE_ATTRIBUTES exported to $GITHUB_ENV (printed as `export` lines elsewhere).',
      ),
  )
    .option('--json', 'print the session as JSON')
    .addHelpText('after', '\nStep outputs ($GITHUB_OUTPUT): codex-home, log-path, state-path, run-dir.\nExit codes: 0 started (or reused), 1 the collector did not start, 2 usage error.')
    .action(async (flags: StartFlags) => {
      const port = startPort(flags);
      const r = await withRunDirHint(() => startCiSession({ env: process.env, port, runDir: flags.runDir, includeSpans: flags.includeCodexSpans, content: flags.content, exportToGithubEnv: true }));
      printStarted(r, process.env, flags.json);
    });

  addFinishOptions(
    addCountedHarness(ci.command('finish')).description('Wait for the collector to drain, stop it, validate the runtime log and write the summary (summary.json, $GITHUB_STEP_SUMMARY).'),
  )
    .option('--state <path>', 'state file of `ci start` (default: $BEACON_CI_STATE_PATH, else $RUNNER_TEMP/beacon/state.json)', parsePath)
    .option('--json', 'print the result as JSON')
    .addHelpText('after', CI_EXIT_HELP)
    .action(async (flags: FinishFlags) => {
      let r: FinishResult;
      try {
        r = await finishCiSession({ env: process.env, statePath: flags.state, ...finishOpts(flags) });
      } catch (err) {
        if (err instanceof FinishUsageError) throw new UsageError(err.message, CI_EXIT.usage);
        throw err;
      }
      printFinished(r, process.env, flags.json);
      process.exitCode = r.exitCode;
    });

  addFinishOptions(addStartOptions(ci.command('exec').description('Start, run <command...> with the session environment, then finish.')))
    .argument('<command...>', 'the command to run (put it after --)')
    .option('--json', "print the finish result as JSON (the command's own stdout goes to stderr, so stdout is only JSON)")
    .addHelpText('after', `${CI_EXIT_HELP}\n  The command's own exit code is returned when it is not 0.\n\nExample: beacon ci exec --min-events 5 -- codex exec "fix the failing test"`)
    .action(async (argv: string[], flags: StartFlags & FinishFlags) => {
      const port = startPort(flags);
      const r = await withRunDirHint(() => execCiSession({
        argv,
        start: { env: process.env, port, runDir: flags.runDir, includeSpans: flags.includeCodexSpans, content: flags.content },
        finish: finishOpts(flags),
        childStdoutToStderr: !!flags.json,
        onStarted: (s) => {
          if (!flags.json) process.stderr.write(`beacon: CI session started (collector pid ${s.state.pid} on 127.0.0.1:${s.state.port}, log ${s.state.log_path})\n`);
        },
      }));
      printFinished(r.finish, process.env, flags.json);
      if (r.commandExit !== 0 && !flags.json) process.stderr.write(`beacon: the command exited with code ${r.commandExit}\n`);
      process.exitCode = r.exitCode;
    });

  addCountedHarness(ci.command('validate'))
    .description('Check a runtime log: it exists, every line parses, and it holds enough Codex events.')
    .option('--log <path>', 'runtime log (default: $BEACON_CI_LOG_PATH, else $RUNNER_TEMP/beacon/logs/runtime.jsonl)', parsePath)
    .option('--min-events <n>', 'fewest Codex events required (at least 1)', parseMinEvents, 1)
    .option('--since <time>', 'count only events at or after this RFC 3339 time')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', CI_EXIT_HELP.replace(' (or only a warning, with --require-telemetry=false)', ''))
    .action((flags: { log?: string; minEvents: number; since?: string; json?: boolean }) => {
      const env = process.env;
      const logPath = flags.log ?? env.BEACON_CI_LOG_PATH ?? (env.RUNNER_TEMP ? ciPathsIn(join(env.RUNNER_TEMP, 'beacon')).logPath : undefined);
      if (!logPath) throw new UsageError('no runtime log given: pass --log <path> (or run inside a `beacon ci start` session)', CI_EXIT.usage);
      if (flags.since !== undefined && !Number.isFinite(Date.parse(flags.since))) throw new UsageError(`--since "${flags.since}" is not a date/time`, CI_EXIT.usage);
      const v = validateRuntimeLog({ logPath, minEvents: flags.minEvents, since: flags.since });
      if (flags.json) {
        process.stdout.write(JSON.stringify({ status: v.status, exit_code: v.exitCode, log_path: v.logPath, event_count: v.events.length, codex_events: v.codexEvents, stages: v.stages, bad_lines: v.badLines.slice(0, 100) }) + '\n');
      } else {
        process.stdout.write(`Beacon CI validation: ${v.status}\nRuntime log: ${v.logPath}\n` + v.stages.map((s) => `${s.name}: ${s.status} (${s.message})`).join('\n') + '\n');
      }
      const failed = v.stages.filter((s) => s.status === 'fail');
      if (failed.length) process.stderr.write(`beacon: CI validation ${v.status}: ${failed[0].message}\n`);
      process.exitCode = v.exitCode;
    });
}
