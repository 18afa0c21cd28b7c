/**
 * Findings for the dashboard's Findings page and the tray: one request to /api/findings, re-read
 * when a finding or a Beacon signal arrives on the live stream (api/live.ts).
 */
import { create } from 'zustand';
import type { FindingsResponse } from '../../../electron/shared/api';
import type { Severity } from '../../../electron/shared/event';
import { client } from '../api/services';

interface FindingsState {
  /** Minimum severity shown on the Findings page ('' = all). */
  minSeverity: Severity | '';
  data: FindingsResponse | null;
  error: string | null;
  loaded: boolean;
  setMinSeverity(s: Severity | ''): void;
  load(): Promise<void>;
}

export const useFindings = create<FindingsState>((set, get) => ({
  minSeverity: '',
  data: null,
  error: null,
  loaded: false,
  setMinSeverity: (minSeverity) => {
    set({ minSeverity });
    void get().load();
  },
  load: async () => {
    try {
      const data = await client().findings({ min_severity: get().minSeverity || undefined, limit: 500 });
      set({ data, error: null, loaded: true });
    } catch (err) {
      set({ error: err instanceof Error ? err.message : String(err), loaded: true });
    }
  },
}));

/** Does a written event change what the findings views show? */
export function touchesFindings(action: string | undefined): boolean {
  return action === 'finding.detected' || action === 'collector.died' || (action ?? '').startsWith('tamper.');
}
