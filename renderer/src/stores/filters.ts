/** Search and filter inputs of the Events view. Kept apart from results so typing stays cheap. */
import { create } from 'zustand';
import type { EventsQuery } from '../../../electron/shared/api';

export type TimeRange = 'all' | '15m' | '1h' | '24h' | '7d';

export const TIME_RANGES: ReadonlyArray<{ value: TimeRange; label: string; ms: number | null }> = [
  { value: 'all', label: 'All time', ms: null },
  { value: '15m', label: 'Last 15 minutes', ms: 15 * 60_000 },
  { value: '1h', label: 'Last hour', ms: 3_600_000 },
  { value: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { value: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
];

export interface Filters {
  q: string;
  action: string;
  category: string;
  session: string;
  range: TimeRange;
}

interface FiltersState extends Filters {
  set(patch: Partial<Filters>): void;
  reset(): void;
}

const EMPTY: Filters = { q: '', action: '', category: '', session: '', range: 'all' };

export const useFilters = create<FiltersState>((set) => ({
  ...EMPTY,
  set: (patch) => set(patch),
  reset: () => set(EMPTY),
}));

export function hasFilters(f: Filters): boolean {
  return !!(f.q || f.action || f.category || f.session || f.range !== 'all');
}

/** The filters as an /api/events query; time ranges are resolved against `now`. */
export function toQuery(f: Filters, now: number = Date.now()): EventsQuery {
  const range = TIME_RANGES.find((r) => r.value === f.range);
  return {
    q: f.q.trim() || undefined,
    action: f.action || undefined,
    category: f.category || undefined,
    session: f.session || undefined,
    since: range?.ms ? new Date(now - range.ms).toISOString() : undefined,
  };
}
