/**
 * The findings of a CI run in its summary: the `finding.detected` events the run's collector
 * wrote live (electron/detections), listed most severe first in $GITHUB_STEP_SUMMARY, and the
 * `--fail-on` verdict (exit 4 when any finding is at or above that severity).
 */
import type { BeaconEvent, Severity } from '../shared/event';
import { failsOn, loggedFindings, type FindingSummary } from '../detections/scan';
import { severityRank } from '../detections/rule-types';

export interface CiFindings {
  findings: FindingSummary[];
  failOn?: Severity;
  /** True when --fail-on was given and some finding is at or above it. */
  failed: boolean;
}

export function ciFindings(events: readonly BeaconEvent[], failOn?: Severity): CiFindings {
  const findings = loggedFindings(events).sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || a.timestamp.localeCompare(b.timestamp));
  return { findings, failOn, failed: failsOn(findings, failOn) };
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ').slice(0, 200);
const ICON: Record<Severity, string> = { critical: '🟥', high: '🟧', medium: '🟨', low: '🟦', info: '⬜' };

export function renderFindingsMarkdown(f: CiFindings): string {
  const out = ['', '### Findings', ''];
  if (f.findings.length === 0) {
    out.push('No detection rule matched.');
    return out.join('\n') + '\n';
  }
  if (f.failed) out.push(`❌ **${f.findings.filter((x) => severityRank(x.severity) >= severityRank(f.failOn!)).length} finding(s) at or above ${f.failOn}** (\`--fail-on ${f.failOn}\`).`, '');
  out.push('| Severity | Rule | Finding | Session | Mapping |', '| --- | --- | --- | --- | --- |');
  for (const x of f.findings.slice(0, 100)) {
    out.push(`| ${ICON[x.severity]} ${x.severity} | \`${cell(x.rule_id)}\` | ${cell(x.title)} | \`${cell(x.session_id ?? '-')}\` | ${cell([...x.mitre, ...x.owasp].join(', ') || '-')} |`);
  }
  if (f.findings.length > 100) out.push('', `… and ${f.findings.length - 100} more (summary.json has them all).`);
  return out.join('\n') + '\n';
}
