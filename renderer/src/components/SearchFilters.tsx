import { useEffect, useState } from 'react';
import type { FacetsResponse, SessionRollup } from '../../../electron/shared/api';
import { hasFilters, TIME_RANGES, useFilters, type TimeRange } from '../stores/filters';
import { sessionLabels } from '../lib/sessions';

const TYPE_DELAY_MS = 200;

/**
 * Free text plus action, category, session and time range. Free text is applied after a short
 * pause in typing (or at once on Enter) so each keystroke is not a request.
 */
export function SearchFilters({ facets, sessions }: { facets: FacetsResponse | null; sessions: SessionRollup[] }) {
  const filters = useFilters();
  const [text, setText] = useState(filters.q);
  const labels = sessionLabels(sessions);

  useEffect(() => setText(filters.q), [filters.q]);
  useEffect(() => {
    if (text === filters.q) return;
    const t = setTimeout(() => filters.set({ q: text }), TYPE_DELAY_MS);
    return () => clearTimeout(t);
  }, [text]); // eslint-disable-line react-hooks/exhaustive-deps

  return (
    <form
      className="filters"
      role="search"
      aria-label="Search events"
      onSubmit={(e) => {
        e.preventDefault();
        filters.set({ q: text });
      }}
    >
      <input
        className="input search"
        type="search"
        placeholder="Search prompts, commands, files, errors…"
        aria-label="Search text"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      <select className="select" aria-label="Category" value={filters.category} onChange={(e) => filters.set({ category: e.target.value })}>
        <option value="">All categories</option>
        {(facets?.categories ?? []).map((f) => (
          <option key={f.value} value={f.value}>
            {f.value} ({f.count})
          </option>
        ))}
      </select>
      <select className="select" aria-label="Action" value={filters.action} onChange={(e) => filters.set({ action: e.target.value })}>
        <option value="">All actions</option>
        {(facets?.actions ?? []).map((f) => (
          <option key={f.value} value={f.value}>
            {f.value} ({f.count})
          </option>
        ))}
      </select>
      <select className="select session-select" aria-label="Session" value={filters.session} onChange={(e) => filters.set({ session: e.target.value })}>
        <option value="">All sessions</option>
        {sessions.map((s) => (
          <option key={s.id} value={s.id} title={labels.get(s.id)}>
            {labels.get(s.id)}
          </option>
        ))}
      </select>
      <select className="select" aria-label="Time range" value={filters.range} onChange={(e) => filters.set({ range: e.target.value as TimeRange })}>
        {TIME_RANGES.map((r) => (
          <option key={r.value} value={r.value}>
            {r.label}
          </option>
        ))}
      </select>
      {hasFilters(filters) ? (
        <button type="button" className="btn ghost small" onClick={() => filters.reset()}>
          Clear
        </button>
      ) : null}
    </form>
  );
}
