/**
 * The live activity feed: newest first, de-duplicated by seq (a stream reconnect may replay a
 * few), capped so a long-running tray window never grows without bound.
 */
import { create } from 'zustand';
import type { EventRecord } from '../../../electron/shared/api';

export const FEED_CAP = 200;

interface FeedState {
  records: EventRecord[];
  /** Highest seq seen so far, to drop replays cheaply. */
  lastSeq: number;
  seed(records: EventRecord[]): void;
  add(record: EventRecord): void;
}

function newestFirst(a: EventRecord, b: EventRecord): number {
  return b.seq - a.seq;
}

export const useFeed = create<FeedState>((set) => ({
  records: [],
  lastSeq: -1,
  seed: (incoming) =>
    set((state) => {
      const bySeq = new Map<number, EventRecord>();
      for (const r of [...state.records, ...incoming]) bySeq.set(r.seq, r);
      const records = [...bySeq.values()].sort(newestFirst).slice(0, FEED_CAP);
      return { records, lastSeq: Math.max(state.lastSeq, records[0]?.seq ?? -1) };
    }),
  add: (record) =>
    set((state) => {
      if (state.records.some((r) => r.seq === record.seq)) return state;
      const records = [record, ...state.records].sort(newestFirst).slice(0, FEED_CAP);
      return { records, lastSeq: Math.max(state.lastSeq, record.seq) };
    }),
}));

/** The newest event timestamp the page has seen (ISO strings sort chronologically). */
export function newestTimestamp(records: EventRecord[]): string | null {
  let newest: string | null = null;
  for (const r of records) if (!newest || r.event.timestamp > newest) newest = r.event.timestamp;
  return newest;
}
