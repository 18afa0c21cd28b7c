/**
 * `beacon scan`: the live engine (engine.ts, the very same code) run offline over a runtime log
 * and its rotated archives, oldest first, so that the events arrive in write order exactly as
 * they did live. Findings already in the log are not re-read (the engine derives them again).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { listLogFiles } from '../log/rotation';
import { parseEventLine } from '../log/reader-lines';
import type { BeaconEvent, Severity } from '../shared/event';
import { DetectionEngine } from './engine';
import { loadRules } from './rule-load';
import { severityRank } from './rule-types';

/** One finding as `beacon scan --json` and `ci finish` show it. */
export interface FindingSummary {
  rule_id: string;
  severity: Severity;
  title: string;
  session_id: string | null;
  event_ids: string[];
  timestamp: string;
  mitre: string[];
  owasp: string[];
}

export interface ScanResult {
  files: string[];
  events: number;
  /** Lines that are not Beacon events (a torn last line, foreign text). */
  skipped: number;
  rules: number;
  findings: FindingSummary[];
  /** Rule files refused (each names the file and field). */
  problems: string[];
}

export interface ScanOptions {
  logPath: string;
  ruleDirs?: readonly string[];
  /** Findings below this severity are left out of the result (they are still evaluated). */
  minSeverity?: Severity;
}

/** True when some finding is at or above `failOn` (the failing rule of scan and ci finish). */
export function failsOn(findings: readonly FindingSummary[], failOn: Severity | undefined): boolean {
  return failOn !== undefined && findings.some((f) => severityRank(f.severity) >= severityRank(failOn));
}

/** The findings a log already holds (what the live engine wrote), as summaries. */
export function loggedFindings(events: readonly BeaconEvent[]): FindingSummary[] {
  return events.filter((e) => e.event?.action === 'finding.detected' && e.finding).map(summarize);
}

export function summarize(f: BeaconEvent): FindingSummary {
  const x = f.finding!;
  return { rule_id: x.rule_id, severity: x.severity, title: x.title, session_id: f.session?.id ?? null, event_ids: x.event_ids, timestamp: f.timestamp, mitre: x.mitre, owasp: x.owasp };
}

export async function scanLog(opts: ScanOptions): Promise<ScanResult> {
  const set = loadRules(opts.ruleDirs ?? []);
  const engine = new DetectionEngine(set.rules);
  const files = await listLogFiles(opts.logPath);
  const result: ScanResult = { files, events: 0, skipped: 0, rules: set.rules.length, findings: [], problems: set.problems };
  const floor = severityRank(opts.minSeverity ?? 'info');
  for (const file of files) {
    const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
    try {
      for await (const line of lines) {
        if (line.trim() === '') continue;
        const parsed = parseEventLine(line);
        if (!parsed) {
          result.skipped += 1;
          continue;
        }
        result.events += 1;
        for (const f of engine.process(parsed.event)) if (severityRank(f.severity) >= floor) result.findings.push(summarize(f));
      }
    } catch (err) {
      // Rotated away between the listing and the read: its events are in the next file's name.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return result;
}
