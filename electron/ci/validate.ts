/**
 * Did this CI run produce usable telemetry? Stages (names kept from the reference product so
 * existing log searches still match): the log exists, every line parses, enough events since
 * the session started, and at least one of them comes from the harness.
 */
import { readFileSync } from 'node:fs';
import { completeLines, parseEventLine } from '../log/reader-lines';
import { MAX_ARCHIVES } from '../log/reader';
import type { BeaconEvent } from '../shared/event';
import { CI_EXIT } from './exit-codes';

export type StageStatus = 'ok' | 'fail' | 'skipped';

export interface ValidationStage {
  name: 'runtime_log_exists' | 'runtime_log_parseable' | 'event_count' | 'harness_events';
  status: StageStatus;
  message: string;
}

export interface ValidationResult {
  /** ok; missing = no or too little telemetry; corrupt = the log cannot be read or has bad lines. */
  status: 'ok' | 'missing' | 'corrupt';
  exitCode: number;
  logPath: string;
  stages: ValidationStage[];
  /** Events since `since` (all of them when no `since`), oldest first. */
  events: BeaconEvent[];
  codexEvents: number;
  minEvents: number;
  /** 1-based line numbers (in the active log) that are not Beacon events. */
  badLines: { file: string; line: number }[];
}

export interface ValidateOptions {
  logPath: string;
  /** Count only events at or after this instant (the session's started_at). */
  since?: string;
  minEvents?: number;
}

export function isCodexEvent(ev: BeaconEvent): boolean {
  const name = ev.harness?.name ?? '';
  return name === 'codex' || name.startsWith('codex_') || name.startsWith('codex-');
}

/** Rotated archives first (oldest, highest number, first), then the active log. */
function logFiles(logPath: string): string[] {
  const files: string[] = [];
  for (let i = MAX_ARCHIVES; i >= 1; i--) files.push(`${logPath}.${i}`);
  files.push(logPath);
  return files;
}

export function validateRuntimeLog(opts: ValidateOptions): ValidationResult {
  const minEvents = opts.minEvents ?? 1;
  const sinceMs = opts.since ? Date.parse(opts.since) : -Infinity;
  const result: ValidationResult = { status: 'ok', exitCode: CI_EXIT.ok, logPath: opts.logPath, stages: [], events: [], codexEvents: 0, minEvents, badLines: [] };
  const stage = (name: ValidationStage['name'], status: StageStatus, message: string) => result.stages.push({ name, status, message });
  const skipRest = (from: number) => {
    const names: ValidationStage['name'][] = ['runtime_log_exists', 'runtime_log_parseable', 'event_count', 'harness_events'];
    for (const n of names.slice(from)) stage(n, 'skipped', 'not checked');
  };

  let active: string | undefined;
  try {
    active = readFileSync(opts.logPath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      stage('runtime_log_exists', 'fail', `no runtime log at ${opts.logPath}: the agent sent no telemetry`);
      skipRest(1);
      return { ...result, status: 'missing', exitCode: CI_EXIT.telemetryMissing };
    }
    stage('runtime_log_exists', 'fail', `cannot read ${opts.logPath}: ${(err as Error).message}`);
    skipRest(1);
    return { ...result, status: 'corrupt', exitCode: CI_EXIT.logUnreadable };
  }
  stage('runtime_log_exists', 'ok', opts.logPath);

  for (const file of logFiles(opts.logPath)) {
    let text: string;
    if (file === opts.logPath) text = active;
    else {
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        continue; // no such archive
      }
    }
    // An unterminated last line is still being written (or was torn by a crash and is cut off at
    // the collector's next start): it was never acknowledged, so it is neither an event nor bad.
    const lines = completeLines(text);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (line === '' || line === '\r') continue;
      const parsed = parseEventLine(line);
      if (!parsed) {
        result.badLines.push({ file, line: i + 1 });
        continue;
      }
      if (parsed.timeMs >= sinceMs) result.events.push(parsed.event);
    }
  }
  if (result.badLines.length > 0) {
    const first = result.badLines.slice(0, 5).map((b) => `${b.file}:${b.line}`).join(', ');
    stage('runtime_log_parseable', 'fail', `${result.badLines.length} line(s) are not Beacon events (${first})`);
    result.status = 'corrupt';
    result.exitCode = CI_EXIT.logUnreadable;
  } else {
    stage('runtime_log_parseable', 'ok', 'every line is a Beacon event');
  }

  const count = result.events.length;
  result.codexEvents = result.events.filter(isCodexEvent).length;
  const window = opts.since ? ` since ${opts.since}` : '';
  if (count >= minEvents) stage('event_count', 'ok', `observed ${count} event(s)${window}`);
  else stage('event_count', 'fail', `observed ${count} event(s)${window}, want at least ${minEvents}`);
  if (result.codexEvents >= Math.max(1, minEvents)) stage('harness_events', 'ok', `observed ${result.codexEvents} Codex event(s)`);
  else stage('harness_events', 'fail', `observed ${result.codexEvents} Codex event(s)${window}, want at least ${Math.max(1, minEvents)}`);
  if (result.status === 'ok' && result.stages.some((s) => s.status === 'fail')) {
    result.status = 'missing';
    result.exitCode = CI_EXIT.telemetryMissing;
  }
  return result;
}
