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
import { useTrends } from '../stores/trends';
import { useToday } from '../stores/today';
import { touchesFindings, useFindings } from '../stores/findings';

/**
 * Leading-edge coalescing: the first event after a quiet spell refreshes the views at once (a
 * person watching the Events page sees it in a few ms, not after a fixed delay); events that
 * arrive in the COALESCE_MS after a refresh share one trailing refresh at the end of it.
 */
const COALESCE_MS = 150;

export function startLive(): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** An event arrived inside the current window: refresh once more when it ends. */
  let pending = false;
  let tokensDirty = false;
  let commandsDirty = false;
  let openSessionDirty = false;
  let findingsDirty = false;

  const refresh = () => {
    void useSessions.getState().load();
    if (openSessionDirty) void useSessions.getState().refreshOpen();
    if (useEvents.getState().loaded) void useEvents.getState().search(useFilters.getState());
    if (tokensDirty && useTokens.getState().data) void useTokens.getState().load();
    // Costs move with token.usage; commands move the failure counts.
    if ((tokensDirty || commandsDirty) && useTrends.getState().data) void useTrends.getState().load();
    if (tokensDirty && useToday.getState().loaded) void useToday.getState().load();
    if (findingsDirty && useFindings.getState().loaded) void useFindings.getState().load();
    findingsDirty = false;
    commandsDirty = false;
    tokensDirty = false;
    openSessionDirty = false;
    timer = setTimeout(windowEnd, COALESCE_MS);
  };

  const windowEnd = () => {
    timer = null;
    if (pending) {
      pending = false;
      refresh(); // opens the next window, so a steady stream refreshes once per window
    }
  };

  const onEvent = (record: EventRecord) => {
    useFeed.getState().add(record);
    if (record.event.event?.action === 'token.usage') tokensDirty = true;
    if (touchesFindings(record.event.event?.action)) findingsDirty = true;
    if (record.event.event?.action === 'command.executed' || record.event.event?.action === 'session.started') commandsDirty = true;
    if (record.event.session?.id && record.event.session.id === useSessions.getState().openId) openSessionDirty = true;
    if (timer) pending = true;
    else refresh();
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
