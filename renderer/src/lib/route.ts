/**
 * Which face of the app to show, from the URL: the tray window loads `#/tray` (or `?view=tray`),
 * everything else is the dashboard. Hash routes keep the server dumb (it serves one index.html)
 * and survive reloads.
 *
 * `#/findings/<finding event id>` opens the Findings page at one finding (the tray links there);
 * `#/sessions/<id>?events=<id>,<id>` opens a session's story with those events highlighted
 * (the events a finding points at).
 */
export type DashboardTab = 'sessions' | 'events' | 'tokens' | 'trends' | 'findings';

export interface Route {
  view: 'tray' | 'dashboard';
  tab: DashboardTab;
  /** `#/sessions/<id>`: the session whose timeline is open. */
  sessionId: string | null;
  /** `?events=`: event ids to highlight in that session's story. */
  highlight: string[];
  /** `#/findings/<event id>`: the finding to show first. */
  findingId: string | null;
}

export function parseRoute(hash: string, search: string): Route {
  const params = new URLSearchParams(search);
  const [path, hashQuery = ''] = hash.replace(/^#/, '').split('?');
  const segments = path.split('/').filter(Boolean);
  const none = { sessionId: null, highlight: [], findingId: null };
  if (params.get('view') === 'tray' || segments[0] === 'tray') {
    return { view: 'tray', tab: 'sessions', ...none };
  }
  const known: DashboardTab[] = ['events', 'tokens', 'trends', 'findings'];
  const tab: DashboardTab = known.find((t) => t === segments[0]) ?? 'sessions';
  const rest = segments[1] ? decodeURIComponent(segments.slice(1).join('/')) : null;
  // Split before decoding: an id may itself contain an (encoded) comma.
  const raw = /(?:^|&)events=([^&]*)/.exec(hashQuery)?.[1] ?? '';
  const highlight = raw.split(',').filter(Boolean).map(safeDecode);
  return { view: 'dashboard', tab, sessionId: tab === 'sessions' ? rest : null, highlight: tab === 'sessions' ? highlight : [], findingId: tab === 'findings' ? rest : null };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export function hrefFor(tab: DashboardTab, sessionId?: string | null, opts: { highlight?: string[] } = {}): string {
  if (tab === 'sessions' && sessionId) {
    const q = opts.highlight?.length ? `?events=${opts.highlight.map(encodeURIComponent).join(',')}` : '';
    return `#/sessions/${encodeURIComponent(sessionId)}${q}`;
  }
  return `#/${tab}`;
}

export function findingHref(findingEventId: string): string {
  return `#/findings/${encodeURIComponent(findingEventId)}`;
}
