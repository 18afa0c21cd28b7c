/**
 * Connects the server's live stream to the stores. A new event goes straight into the feed
 * (no round trip); the derived views (sessions, search results, token chart) are re-read from
 * the server, coalesced so a burst of events costs one request per view, not one per event.
 */
import type { EventRecord } from '../../../electron/shared/api';
import { client } from './services';
import { useFeed } from '../stores/feed';
import { useHealth } from '../stores/health';
import { useSessions } from '../stores/sessions';
import { useEvents } from '../stores/events';
import { useFilters } from '../stores/filters';
import { useTokens } from '../stores/tokens';

const COALESCE_MS = 150;

export function startLive(): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let tokensDirty = false;
  let openSessionDirty = false;

  const flush = () => {
    timer = null;
    void useSessions.getState().load();
    if (openSessionDirty) void useSessions.getState().refreshOpen();
    if (useEvents.getState().loaded) void useEvents.getState().search(useFilters.getState());
    if (tokensDirty && useTokens.getState().data) void useTokens.getState().load();
    tokensDirty = false;
    openSessionDirty = false;
  };

  const onEvent = (record: EventRecord) => {
    useFeed.getState().add(record);
    if (record.event.event?.action === 'token.usage') tokensDirty = true;
    if (record.event.session?.id && record.event.session.id === useSessions.getState().openId) openSessionDirty = true;
    if (!timer) timer = setTimeout(flush, COALESCE_MS);
  };

  const stop = client().subscribe({
    onEvent,
    onHealth: (h) => useHealth.getState().set(h),
    onStatus: (status) => {
      useHealth.getState().setStream(status);
      // After a gap, ask again: the stream resumes events, but health may have moved on.
      if (status === 'live') void useHealth.getState().load();
    },
  });

  return () => {
    stop();
    if (timer) clearTimeout(timer);
  };
}
