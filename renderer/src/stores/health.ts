/** Health of the whole pipeline as the server reports it, plus the state of our live stream. */
import { create } from 'zustand';
import type { HealthResponse } from '../../../electron/shared/api';
import type { StreamStatus } from '../api/client';
import { client } from '../api/services';

interface HealthState {
  health: HealthResponse | null;
  /** Why the last /api/health call failed, if it did (server gone, token expired). */
  error: string | null;
  stream: StreamStatus;
  set(health: HealthResponse): void;
  setStream(status: StreamStatus): void;
  load(): Promise<void>;
}

export const useHealth = create<HealthState>((set) => ({
  health: null,
  error: null,
  stream: 'connecting',
  set: (health) => set({ health, error: null }),
  setStream: (stream) => set({ stream }),
  load: async () => {
    try {
      set({ health: await client().health(), error: null });
    } catch (err) {
      set({ error: err instanceof Error ? err.message : String(err) });
    }
  },
}));
