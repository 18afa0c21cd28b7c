/** Results of the Events search, with "load older" paging via the server's `before` cursor. */
import { create } from 'zustand';
import type { EventRecord, FacetsResponse } from '../../../electron/shared/api';
import { client } from '../api/services';
import { toQuery, type Filters } from './filters';

interface EventsState {
  records: EventRecord[];
  total: number;
  nextBefore: number | null;
  loading: boolean;
  loaded: boolean;
  error: string | null;
  facets: FacetsResponse | null;
  /** Bumped per search so a slow answer to an older search is dropped. */
  generation: number;
  search(filters: Filters): Promise<void>;
  loadMore(filters: Filters): Promise<void>;
  loadFacets(): Promise<void>;
}

const PAGE = 100;
const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const useEvents = create<EventsState>((set, get) => ({
  records: [],
  total: 0,
  nextBefore: null,
  loading: false,
  loaded: false,
  error: null,
  facets: null,
  generation: 0,
  search: async (filters) => {
    const generation = get().generation + 1;
    set({ generation, loading: true });
    try {
      const res = await client().events({ ...toQuery(filters), limit: PAGE });
      if (get().generation !== generation) return;
      set({ records: res.events, total: res.total_matched, nextBefore: res.next_before, loading: false, loaded: true, error: null });
    } catch (err) {
      if (get().generation === generation) set({ loading: false, loaded: true, error: message(err) });
    }
  },
  loadMore: async (filters) => {
    const before = get().nextBefore;
    if (before === null) return;
    const generation = get().generation;
    set({ loading: true });
    try {
      const res = await client().events({ ...toQuery(filters), limit: PAGE, before });
      if (get().generation !== generation) return;
      set((s) => ({ records: [...s.records, ...res.events], nextBefore: res.next_before, total: res.total_matched, loading: false }));
    } catch (err) {
      set({ loading: false, error: message(err) });
    }
  },
  loadFacets: async () => {
    try {
      set({ facets: await client().facets() });
    } catch {
      // Facets only fill the drop-downs; the search still works without them.
    }
  },
}));
