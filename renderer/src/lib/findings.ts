/**
 * Findings as the UI shows them: severity order and wording, the tray's "unseen" count (kept in
 * localStorage, shared by the tray window and the dashboard: same origin), and the sentence for
 * Beacon's own security signals (tamper, a collector that died). Pure, apart from the storage.
 */
import type { EventRecord } from '../../../electron/shared/api';
import type { Severity } from '../../../electron/shared/event';

export const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const RANK: Record<string, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

export function severityOf(r: EventRecord): Severity {
  return (r.event.finding?.severity ?? r.event.severity ?? 'info') as Severity;
}

export function atLeast(r: EventRecord, min: Severity): boolean {
  return (RANK[severityOf(r)] ?? 0) >= RANK[min];
}

export function severityLabel(s: Severity): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** The tray's badge counts high and critical findings newer than the last one the user opened. */
const SEEN_KEY = 'beacon.findings.seen_at';

export function seenAt(): string {
  try {
    return window.localStorage.getItem(SEEN_KEY) ?? '';
  } catch {
    return '';
  }
}

export function markSeen(timestamp: string | undefined): void {
  if (!timestamp || timestamp <= seenAt()) return;
  try {
    window.localStorage.setItem(SEEN_KEY, timestamp);
  } catch {
    /* storage disabled: the badge simply counts everything */
  }
}

export function unseenCount(records: EventRecord[], since: string): number {
  return records.filter((r) => atLeast(r, 'high') && r.event.timestamp > since).length;
}

/** Beacon's own signals, in words a security user reads at a glance. */
export function signalTitle(r: EventRecord): string {
  switch (r.event.event.action) {
    case 'tamper.otel_removed':
      return 'Telemetry block removed from the agent config';
    case 'tamper.otel_changed':
      return 'Telemetry block changed in the agent config';
    case 'tamper.otel_overridden':
      return 'Telemetry overridden by a managed config';
    case 'tamper.otel_restored':
      return 'Telemetry block back as Beacon installed it';
    case 'collector.died':
      return 'Collector stopped without a clean shutdown';
    default:
      return r.event.event.action;
  }
}
