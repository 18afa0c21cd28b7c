/**
 * Which face of the app to show, from the URL: the tray window loads `#/tray` (or `?view=tray`),
 * everything else is the dashboard. Hash routes keep the server dumb (it serves one index.html)
 * and survive reloads.
 */
export type DashboardTab = 'sessions' | 'events' | 'tokens' | 'trends';

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
  const known: DashboardTab[] = ['events', 'tokens', 'trends'];
  const tab: DashboardTab = known.find((t) => t === segments[0]) ?? 'sessions';
  const sessionId = tab === 'sessions' && segments[1] ? decodeURIComponent(segments.slice(1).join('/')) : null;
  return { view: 'dashboard', tab, sessionId };
}

export function hrefFor(tab: DashboardTab, sessionId?: string | null): string {
  if (tab === 'sessions' && sessionId) return `#/sessions/${encodeURIComponent(sessionId)}`;
  return `#/${tab}`;
}
