/**
 * `beacon scan` (the detection rules over a runtime log and its archives, offline) and
 * `beacon rules lint [DIR...]` (rule files checked as the collector would load them). Thin: the
 * work is electron/detections' scan.ts and lint.ts.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { readEndpointConfig } from '../../endpoint/endpoint-config';
import { lintRuleDirs } from '../../detections/lint';
import { failsOn, scanLog, type FindingSummary } from '../../detections/scan';
import { SEVERITIES } from '../../detections/rule-types';
import type { Severity } from '../../shared/event';
import { parsePath } from '../options';
import { fileProblem } from '../program';
import { asUserErrors } from './endpoint-lifecycle';

export function parseSeverity(value: string): Severity {
  if (!(SEVERITIES as readonly string[]).includes(value)) throw new InvalidArgumentError(`"${value}" is not a severity; use one of: ${SEVERITIES.join(', ')}.`);
  return value as Severity;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, parsePath(value)];

interface ScanFlags {
  logPath?: string;
  json?: boolean;
  minSeverity?: Severity;
  failOn?: Severity;
  rulesDir?: string[];
  system?: boolean;
}

function line(f: FindingSummary): string {
  return `${f.timestamp}  ${f.severity.toUpperCase().padEnd(8)} ${f.rule_id}  ${f.title}  (session ${f.session_id ?? '-'}, events ${f.event_ids.join(', ')})`;
}

export function registerDetections(program: Command): void {
  program
    .command('scan')
    .description('Run the detection rules over a runtime log and its rotated archives (offline; the same engine as the live collector).')
    .option('--log-path <file>', 'runtime log to scan, with its archives <file>.1, <file>.2 ... (default: from config.json)', parsePath)
    .option('--json', 'print {"findings": [...], ...} as JSON on stdout')
    .option('--min-severity <level>', 'show findings at or above: info | low | medium | high | critical (default: info)', parseSeverity)
    .option('--fail-on <level>', 'exit 1 when any finding is at or above this severity', parseSeverity)
    .option('--rules-dir <dir>', 'extra rule directory (repeatable; config.json detection_rule_dirs are always read)', collect)
    .option('--system', 'use the system-mode configuration and log')
    .action(async (f: ScanFlags) => {
      const { config } = await asUserErrors(() => readEndpointConfig(f.system ? 'system' : 'user'));
      const logPath = f.logPath ?? config.runtime_log;
      const result = await scanLog({ logPath, ruleDirs: [...config.detection_rule_dirs, ...(f.rulesDir ?? [])], minSeverity: f.minSeverity }).catch((err: unknown) => {
        throw fileProblem(err, 'check --log-path') ?? err;
      });
      for (const p of result.problems) process.stderr.write(`beacon: warning: rule refused: ${p}\n`);
      if (f.json) {
        process.stdout.write(JSON.stringify({ log_path: logPath, files: result.files, events: result.events, skipped_lines: result.skipped, rules: result.rules, findings: result.findings, problems: result.problems }, null, 2) + '\n');
      } else {
        if (result.files.length === 0) process.stdout.write(`no log at ${logPath} (nothing to scan)\n`);
        else process.stdout.write(`scanned ${result.events} events in ${result.files.length} file(s) with ${result.rules} rules: ${result.findings.length} finding(s)\n`);
        for (const x of result.findings) process.stdout.write(line(x) + '\n');
      }
      process.exitCode = failsOn(result.findings, f.failOn) ? 1 : 0;
    });

  const rules = program.command('rules').description('Detection rules: check rule files.');
  rules
    .command('lint')
    .argument('[dir...]', 'rule directories to check (default: the rules shipped with Beacon)')
    .description('Check rule files as the collector loads them; each problem names the file and the field (exit 1 on any).')
    .option('--json', 'print {"checked": [...], "problems": [...]} as JSON')
    .action((dirs: string[], f: { json?: boolean }) => {
      const r = lintRuleDirs(dirs.map((d) => parsePath(d)));
      if (f.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
      else {
        for (const c of r.checked) process.stdout.write(`${c.dir}: ${c.rules} rule(s) ok\n`);
        for (const p of r.problems) process.stdout.write(`problem: ${p}\n`);
      }
      if (r.problems.length > 0) process.stderr.write(`beacon: ${r.problems.length} rule file problem(s); first: ${r.problems[0]}\n`);
      process.exitCode = r.problems.length > 0 ? 1 : 0;
    });
}
