/** View state: the route (from the URL hash) and the event whose detail drawer is open. */
import { create } from 'zustand';
import type { EventRecord } from '../../../electron/shared/api';
import { parseRoute, type Route } from '../lib/route';

interface UiState {
  route: Route;
  detail: EventRecord | null;
  setRoute(route: Route): void;
  openDetail(record: EventRecord): void;
  closeDetail(): void;
}

export const useUi = create<UiState>((set) => ({
  route: parseRoute(window.location.hash, window.location.search),
  detail: null,
  setRoute: (route) => set({ route }),
  openDetail: (record) => set({ detail: record }),
  closeDetail: () => set({ detail: null }),
}));
