/** The sessions list and the one session whose timeline is open. */
import { create } from 'zustand';
import type { SessionDetailResponse, SessionRollup } from '../../../electron/shared/api';
import { client } from '../api/services';

interface SessionsState {
  sessions: SessionRollup[];
  loaded: boolean;
  error: string | null;
  detail: SessionDetailResponse | null;
  detailError: string | null;
  /** The id whose detail is wanted; a late answer for another id is dropped. */
  openId: string | null;
  load(): Promise<void>;
  open(id: string | null): Promise<void>;
  /** Re-read the open session (after a live event for it). */
  refreshOpen(): Promise<void>;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export const useSessions = create<SessionsState>((set, get) => ({
  sessions: [],
  loaded: false,
  error: null,
  detail: null,
  detailError: null,
  openId: null,
  load: async () => {
    try {
      const { sessions } = await client().sessions();
      set({ sessions, loaded: true, error: null });
    } catch (err) {
      set({ error: message(err), loaded: true });
    }
  },
  open: async (id) => {
    if (id === get().openId && get().detail) return;
    set({ openId: id, detail: id && get().detail?.session.id === id ? get().detail : null, detailError: null });
    if (id) await get().refreshOpen();
  },
  refreshOpen: async () => {
    const id = get().openId;
    if (!id) return;
    try {
      const detail = await client().session(id);
      if (get().openId === id) set({ detail, detailError: null });
    } catch (err) {
      if (get().openId === id) set({ detailError: message(err) });
    }
  },
}));

/**
 * The user's Codex sessions: not the TUI's hidden title generation, not Beacon's own
 * validation check (`beacon endpoint test-event`). Lists and counts use only these.
 */
export function isCodexSession(s: SessionRollup): boolean {
  return !s.title_generation && !s.beacon_validation;
}

export function codexSessions(sessions: SessionRollup[]): SessionRollup[] {
  return sessions.filter(isCodexSession);
}

/** The session the tray summarises: the most recently active Codex session. */
export function currentSession(sessions: SessionRollup[]): SessionRollup | null {
  return sessions.find(isCodexSession) ?? null;
}
