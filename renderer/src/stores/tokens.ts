/** Token usage over time (the chart and its table). */
import { create } from 'zustand';
import type { TokenBucketSize, TokensResponse } from '../../../electron/shared/api';
import { client } from '../api/services';

interface TokensState {
  bucket: TokenBucketSize;
  data: TokensResponse | null;
  error: string | null;
  setBucket(bucket: TokenBucketSize): void;
  load(): Promise<void>;
}

export const useTokens = create<TokensState>((set, get) => ({
  bucket: 'hour',
  data: null,
  error: null,
  setBucket: (bucket) => {
    set({ bucket });
    void get().load();
  },
  load: async () => {
    const bucket = get().bucket;
    try {
      const data = await client().tokens({ bucket });
      if (get().bucket === bucket) set({ data, error: null });
    } catch (err) {
      set({ error: err instanceof Error ? err.message : String(err) });
    }
  },
}));
