/**
 * Which face of the app to show, from the URL: the tray window loads `#/tray` (or `?view=tray`),
 * everything else is the dashboard. Hash routes keep the server dumb (it serves one index.html)
 * and survive reloads.
 */
export type DashboardTab = 'sessions' | 'events' | 'tokens';

export interface Route {
  view: 'tray' | 'dashboard';
  tab: DashboardTab;
  /** `#/sessions/<id>`: the session whose timeline is open. */
  sessionId: string | null;
}

export function parseRoute(hash: string, search: string): Route {
  const params = new URLSearchParams(search);
  const path = hash.replace(/^#/, '');
  const segments = path.split('/').filter(Boolean);
  if (params.get('view') === 'tray' || segments[0] === 'tray') {
    return { view: 'tray', tab: 'sessions', sessionId: null };
  }
  const tab: DashboardTab = segments[0] === 'events' ? 'events' : segments[0] === 'tokens' ? 'tokens' : 'sessions';
  const sessionId = tab === 'sessions' && segments[1] ? decodeURIComponent(segments.slice(1).join('/')) : null;
  return { view: 'dashboard', tab, sessionId };
}

export function hrefFor(tab: DashboardTab, sessionId?: string | null): string {
  if (tab === 'sessions' && sessionId) return `#/sessions/${encodeURIComponent(sessionId)}`;
  return `#/${tab}`;
}
