/**
 * GET /api/findings: what a security user opens the dashboard for. The detection engine's
 * finding.detected events (filterable by minimum severity and session), their counts by
 * severity, and Beacon's own security signals (tamper.*, collector.died), read from the log
 * index through its category and action position lists: only those events are touched.
 */
import type { FindingsResponse, EventRecord } from '../shared/api';
import { EVENTS_DEFAULT_LIMIT, SEVERITIES } from '../shared/api';
import type { Severity } from '../shared/event';
import type { EventIndex } from '../log/log-index';

/** Every finding is counted; the index holds them all in memory already. */
const ALL = Number.MAX_SAFE_INTEGER;

export interface FindingsQuery {
  minSeverity?: Severity;
  session?: string;
  limit?: number;
}

const rank = (s: string | undefined): number => SEVERITIES.indexOf((s ?? 'info') as Severity);

export function findingsResponse(index: EventIndex, q: FindingsQuery = {}): FindingsResponse {
  const limit = q.limit ?? EVENTS_DEFAULT_LIMIT;
  const all = index.query({ category: 'finding', session: q.session, limit: ALL }).records.filter((r) => r.event.event?.action === 'finding.detected');
  const by_severity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const r of all) {
    const s = (r.event.finding?.severity ?? r.event.severity) as Severity;
    if (s in by_severity) by_severity[s] += 1;
  }
  const min = q.minSeverity ? rank(q.minSeverity) : 0;
  const matched = all.filter((r) => rank(r.event.finding?.severity ?? r.event.severity) >= min);
  const signals: EventRecord[] = [
    ...index.query({ category: 'tamper', limit }).records,
    ...index.query({ action: 'collector.died', limit }).records,
  ].sort((a, b) => b.seq - a.seq);
  return { findings: matched.slice(0, limit), total_matched: matched.length, by_severity, signals: signals.slice(0, limit), limit };
}
