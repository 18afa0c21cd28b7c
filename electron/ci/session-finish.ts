/**
 * `beacon ci finish`: end the run's capture and report on it.
 *  1. wait until the collector has drained (quiet for an interval: the agent's last batches are in)
 *  2. stop it (SIGTERM: it flushes and fsyncs, then exits; SIGKILL only after a timeout)
 *  3. validate the log (validate.ts) for events since `ci start`
 *  4. summary.json + summary.md in the run dir, Markdown to $GITHUB_STEP_SUMMARY, step outputs
 * Running it twice is harmless: the second run finds the collector gone and validates again.
 */
import { writeFileSync } from 'node:fs';
import { readCiState, CiStateError, type CiState } from './ci-state';
import { ciPathsIn, defaultStatePath } from './ci-paths';
import { isProcessAlive, stopCollectorProcess, waitForDrain, type DrainResult, type StopResult } from './collector-stop';
import { validateRuntimeLog, type ValidationResult } from './validate';
import { renderSummaryMarkdown, summarizeEvents, type CiSummary } from './summary';
import { appendGithubFile, appendStepSummary } from './github-files';
import { CI_EXIT } from './exit-codes';
import { ciFindings, renderFindingsMarkdown, type CiFindings } from './findings';
import type { Severity } from '../shared/event';

export interface FinishOptions {
  env: NodeJS.ProcessEnv;
  /** --state; when given and unusable that is a usage error, not missing telemetry. */
  statePath?: string;
  minEvents: number;
  requireTelemetry: boolean;
  quietMs?: number;
  drainTimeoutMs?: number;
  stopTimeoutMs?: number;
  /** Fail (exit 4) when a detection finding is at or above this severity. */
  failOn?: Severity;
}

export interface FinishResult {
  exitCode: number;
  /** ok; warning = telemetry missing but not required; failed = the step should fail. */
  status: 'ok' | 'warning' | 'failed';
  /** One line for the step log: why it failed or warned, or what was captured. */
  message: string;
  notes: string[];
  state?: CiState;
  drain?: DrainResult;
  stop?: StopResult;
  validation?: ValidationResult;
  summary?: CiSummary;
  summaryPath?: string;
  findings?: CiFindings;
  markdown: string;
}

/** Usage problem with an explicit --state: the CLI turns it into exit 2. */
export class FinishUsageError extends Error {}

function outcome(v: ValidationResult, requireTelemetry: boolean): Pick<FinishResult, 'exitCode' | 'status'> {
  if (v.status === 'ok') return { exitCode: CI_EXIT.ok, status: 'ok' };
  if (v.status === 'missing' && !requireTelemetry) return { exitCode: CI_EXIT.ok, status: 'warning' };
  return { exitCode: v.exitCode, status: 'failed' };
}

export async function finishCiSession(opts: FinishOptions): Promise<FinishResult> {
  const statePath = opts.statePath ?? defaultStatePath(opts.env);
  let state: CiState;
  try {
    if (!statePath) throw new CiStateError('no CI session state: `beacon ci start` did not run in this job (no $BEACON_CI_STATE_PATH or $RUNNER_TEMP/beacon/state.json); pass --state');
    state = readCiState(statePath);
  } catch (err) {
    if (opts.statePath) throw new FinishUsageError((err as Error).message);
    const message = `Beacon CI telemetry missing: ${(err as Error).message}`;
    const markdown = `## Beacon: Codex telemetry\n\n${opts.requireTelemetry ? '❌' : '⚠️'} **Telemetry missing**: ${(err as Error).message}\n`;
    appendStepSummary(opts.env.GITHUB_STEP_SUMMARY, markdown);
    return { exitCode: opts.requireTelemetry ? CI_EXIT.telemetryMissing : CI_EXIT.ok, status: opts.requireTelemetry ? 'failed' : 'warning', message, notes: [], markdown };
  }

  const notes: string[] = [];
  let drain: DrainResult | undefined;
  let stop: StopResult | undefined;
  if (isProcessAlive(state.pid)) {
    drain = await waitForDrain(state.port, state.pid, { quietMs: opts.quietMs, timeoutMs: opts.drainTimeoutMs });
    if (!drain.drained && !drain.gone) notes.push(`the collector was still receiving data after ${Math.round((opts.drainTimeoutMs ?? 30_000) / 1000)} s; stopped it anyway`);
    // Only signal the pid if it is still our collector (a recycled pid is someone else's process).
    if (!drain.gone) {
      stop = await stopCollectorProcess(state.pid, opts.stopTimeoutMs);
      if (stop.killed) notes.push(`the collector (pid ${state.pid}) did not exit within the timeout after SIGTERM and was killed`);
    } else {
      notes.push(`the collector (pid ${state.pid}) no longer answered on port ${state.port}; see ${state.collector_output}`);
    }
  } else {
    notes.push(`the collector (pid ${state.pid}) was not running; see ${state.collector_output}`);
  }

  const validation = validateRuntimeLog({ logPath: state.log_path, since: state.started_at, minEvents: opts.minEvents });
  const summary = summarizeEvents(validation.events);
  const findings = ciFindings(validation.events, opts.failOn);
  const verdict = outcome(validation, opts.requireTelemetry);
  // Missing or corrupt telemetry keeps its own exit code; findings fail an otherwise good run.
  const { exitCode, status } = findings.failed && verdict.exitCode === CI_EXIT.ok ? { exitCode: CI_EXIT.findings, status: 'failed' as const } : verdict;
  const markdown = renderSummaryMarkdown({ summary, validation, run: state.run ?? {}, requireTelemetry: opts.requireTelemetry, notes }) + renderFindingsMarkdown(findings);
  const paths = ciPathsIn(state.run_dir);
  const failedStages = validation.stages.filter((s) => s.status === 'fail').map((s) => s.message);
  const message =
    exitCode === CI_EXIT.findings
      ? `Beacon CI findings: ${findings.findings.filter((f) => f.severity === findings.findings[0].severity).length} ${findings.findings[0].severity} finding(s), first ${findings.findings[0].rule_id} (${findings.findings[0].title}); failing on --fail-on ${opts.failOn}`
      : status === 'ok'
      ? `Beacon CI validation: ok (${validation.codexEvents} Codex event(s), ${summary.sessions} session(s), ${summary.tokens.total_tokens} tokens)`
      : validation.status === 'corrupt'
        ? `Beacon CI runtime log unreadable or corrupt: ${failedStages[0]}`
        : // The harness stage is the more specific of the two count checks when both fail.
          `Beacon CI telemetry validation failed: ${failedStages[failedStages.length - 1]} (did the agent step run with CODEX_HOME=${state.codex_home}?)`;

  const json = {
    status,
    exit_code: exitCode,
    validation: { status: validation.status, log_path: validation.logPath, min_events: validation.minEvents, codex_events: validation.codexEvents, stages: validation.stages, bad_lines: validation.badLines.slice(0, 100) },
    summary,
    findings: findings.findings,
    run: state.run,
    started_at: state.started_at,
    finished_at: new Date().toISOString(),
    collector: { pid: state.pid, port: state.port, drained: drain?.drained ?? false, killed: stop?.killed ?? false },
    notes,
  };
  writeFileSync(paths.summaryJson, JSON.stringify(json, null, 2) + '\n', { mode: 0o600 });
  writeFileSync(paths.summaryMarkdown, markdown, { mode: 0o600 });
  appendStepSummary(opts.env.GITHUB_STEP_SUMMARY, markdown);
  appendGithubFile(opts.env.GITHUB_OUTPUT, {
    'codex-home': state.codex_home,
    'log-path': state.log_path,
    'state-path': state.state_path,
    'summary-path': paths.summaryJson,
    'run-dir': state.run_dir,
  });
  return { exitCode, status, message, notes, state, drain, stop, validation, summary, summaryPath: paths.summaryJson, findings, markdown };
}
