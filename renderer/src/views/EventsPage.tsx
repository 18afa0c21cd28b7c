import { useEffect } from 'react';
import { useEvents } from '../stores/events';
import { useFilters, hasFilters } from '../stores/filters';
import { codexSessions, useSessions } from '../stores/sessions';
import { useUi } from '../stores/ui';
import { SearchFilters } from '../components/SearchFilters';
import { EventList } from '../components/EventList';
import { EmptyState, NoActivityYet } from '../components/EmptyState';
import { formatNumber } from '../lib/format';

/** Search every event: free text and filters, newest first, older pages on demand. */
export function EventsPage() {
  const filters = useFilters();
  const { records, total, nextBefore, loading, loaded, error, facets, search, loadMore, loadFacets } = useEvents();
  const sessions = useSessions((s) => s.sessions);
  const { openDetail, detail } = useUi();
  const { q, action, category, session, range } = filters;

  useEffect(() => {
    void loadFacets();
  }, [loadFacets, total]);
  useEffect(() => {
    void search(useFilters.getState());
  }, [q, action, category, session, range, search]);

  const filtered = hasFilters(filters);
  return (
    <section className="card" aria-labelledby="events-title" style={{ display: 'flex', flexDirection: 'column', minHeight: 0, flex: 1 }}>
      <div className="card-header">
        <h2 id="events-title">Events</h2>
      </div>
      <SearchFilters facets={facets} sessions={codexSessions(sessions)} />
      <div className="result-count" role="status" aria-live="polite" data-testid="result-count">
        {error ? `Search failed: ${error}` : loaded ? `${formatNumber(total)} ${total === 1 ? 'event' : 'events'}${filtered ? ' match' : ''}` : 'Searching…'}
      </div>
      <div className="scroll" style={{ flex: 1 }}>
        <EventList
          records={records}
          label="Matching events, newest first"
          onOpen={openDetail}
          selectedSeq={detail?.seq ?? null}
          showDate
          testId="search-results"
          empty={
            loaded && !error ? (
              filtered ? (
                <EmptyState title="No events match these filters." testId="empty-search">
                  <p>Try fewer words, another category, or a wider time range.</p>
                </EmptyState>
              ) : (
                <NoActivityYet />
              )
            ) : null
          }
        />
        {nextBefore !== null ? (
          <div style={{ padding: 12, textAlign: 'center' }}>
            <button type="button" className="btn" disabled={loading} onClick={() => void loadMore(useFilters.getState())}>
              Load older events
            </button>
          </div>
        ) : null}
      </div>
    </section>
  );
}
