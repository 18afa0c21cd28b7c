/**
 * The number beside the menu-bar icon: high and critical findings written since the user last
 * opened Beacon's window. A security signal must be visible without opening anything; the
 * count clears when the window opens (it shows the findings), and rises as soon as the
 * dashboard's reader sees a new finding in the log (no polling).
 *
 * The mark lives in memory: after a restart every high finding in the log counts again until
 * the window is opened once, so a finding written while the app was closed is not missed.
 */
import type { Dashboard } from '../dashboard/server';
import type { EventRecord } from '../shared/api';
import { EVENTS_MAX_LIMIT } from '../shared/api';

const isFinding = (r: EventRecord): boolean => r.event.event?.action === 'finding.detected';

export class UnseenFindings {
  /**
   * The index position of the newest finding the user has seen; -1 = none yet. Positions, not
   * timestamps: a finding about a late-arriving event may carry an earlier time than one seen.
   */
  private seenSeq = -1;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly dashboard: Pick<Dashboard, 'findings' | 'reader'>,
    private readonly onCount: (n: number) => void,
  ) {
    this.unsubscribe = dashboard.reader.subscribe((records) => {
      if (records.some(isFinding)) this.publish();
    });
    this.publish();
  }

  count(): number {
    const f = this.dashboard.findings({ minSeverity: 'high', limit: EVENTS_MAX_LIMIT });
    if (this.seenSeq < 0) return f.total_matched;
    return f.findings.filter((r) => r.seq > this.seenSeq).length;
  }

  /** The window opened: everything written so far counts as seen. */
  markSeen(): void {
    const newest = this.dashboard.findings({ limit: 1 }).findings[0];
    if (newest) this.seenSeq = Math.max(this.seenSeq, newest.seq);
    this.publish();
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
  }

  private publish(): void {
    this.onCount(this.count());
  }
}
