/** The Trends page's data: the last N local days (the browser's time zone decides the days). */
import { create } from 'zustand';
import { TRENDS_DEFAULT_DAYS, type TrendsResponse } from '../../../electron/shared/api';
import { client } from '../api/services';

interface TrendsState {
  days: number;
  data: TrendsResponse | null;
  error: string | null;
  load(): Promise<void>;
}

export const useTrends = create<TrendsState>((set, get) => ({
  days: TRENDS_DEFAULT_DAYS,
  data: null,
  error: null,
  load: async () => {
    try {
      const data = await client().trends({ days: get().days, tz_offset: new Date().getTimezoneOffset() });
      set({ data, error: null });
    } catch (err) {
      set({ error: err instanceof Error ? err.message : String(err) });
    }
  },
}));
