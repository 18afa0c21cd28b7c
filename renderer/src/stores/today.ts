/** Today's cost for the tray: the one-day trend (the user's local day). */
import { create } from 'zustand';
import type { CostTotals } from '../../../electron/shared/api';
import { client } from '../api/services';

interface TodayState {
  cost: CostTotals | null;
  loaded: boolean;
  load(): Promise<void>;
}

export const useToday = create<TodayState>((set) => ({
  cost: null,
  loaded: false,
  load: async () => {
    try {
      const t = await client().trends({ days: 1, tz_offset: new Date().getTimezoneOffset() });
      set({ cost: t.totals.cost, loaded: true });
    } catch {
      set({ loaded: true }); // the health light already says when the server is unreachable
    }
  },
}));
