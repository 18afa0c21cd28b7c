import { healthView } from '../lib/health';
import { hrefFor, type DashboardTab } from '../lib/route';
import { useHealth } from '../stores/health';
import { newestTimestamp, useFeed } from '../stores/feed';
import { useUi } from '../stores/ui';
import { HealthPill } from '../components/HealthPill';
import { LiveIndicator } from '../components/LiveIndicator';
import { LogSourceBanner } from '../components/LogSourceBanner';
import { ProblemBanner } from '../components/ProblemBanner';
import { EventDetail } from '../components/EventDetail';
import { SessionsPage } from './SessionsPage';
import { EventsPage } from './EventsPage';
import { TokensPage } from './TokensPage';
import { TrendsPage } from './TrendsPage';
import { FindingsPage } from './FindingsPage';
import { Brand } from '../components/Brand';
import { ForwardingPanel } from '../components/ForwardingPanel';

const TABS: Array<{ tab: DashboardTab; label: string }> = [
  { tab: 'sessions', label: 'Sessions' },
  { tab: 'findings', label: 'Findings' },
  { tab: 'events', label: 'Events' },
  { tab: 'tokens', label: 'Tokens' },
  { tab: 'trends', label: 'Trends' },
];

/** The full dashboard: header with health, banners for anything wrong, then the current page. */
export function DashboardView() {
  const { health, error, stream } = useHealth();
  const { route, detail, closeDetail } = useUi();
  const lastSeen = useFeed((s) => newestTimestamp(s.records));
  const view = healthView(health, error, lastSeen);
  const warning = health?.log_source_warning ?? null;

  return (
    <div className="dash">
      <header className="dash-header">
        <Brand />
        <nav className="tabs" aria-label="Dashboard pages">
          {TABS.map((t) => (
            <a key={t.tab} className="tab" href={hrefFor(t.tab)} aria-current={route.tab === t.tab ? 'page' : undefined} style={{ textDecoration: 'none' }}>
              {t.label}
            </a>
          ))}
        </nav>
        <div className="spacer" />
        <LiveIndicator status={stream} level={view.level} />
        <HealthPill view={view} />
      </header>
      <main className="dash-main">
        {view.level === 'error' ? <ProblemBanner view={view} /> : null}
        {warning ? <LogSourceBanner warning={warning} logPath={health?.dashboard.log_path} /> : null}
        <ForwardingPanel destinations={health?.forwarding} />
        {route.tab === 'sessions' ? <SessionsPage sessionId={route.sessionId} highlight={route.highlight} /> : null}
        {route.tab === 'findings' ? <FindingsPage findingId={route.findingId} /> : null}
        {route.tab === 'events' ? <EventsPage /> : null}
        {route.tab === 'tokens' ? <TokensPage /> : null}
        {route.tab === 'trends' ? <TrendsPage /> : null}
      </main>
      {detail ? <EventDetail record={detail} onClose={closeDetail} /> : null}
    </div>
  );
}
