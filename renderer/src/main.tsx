import { createRoot } from 'react-dom/client';
import './styles.css';
import './story.css';
import './trends.css';
import './findings.css';
import { App } from './App';
import { HttpBeaconClient } from './api/client';
import { setClient } from './api/services';
import { startLive } from './api/live';
import { parseRoute } from './lib/route';
import { useHealth } from './stores/health';
import { useSessions } from './stores/sessions';
import { useUi } from './stores/ui';

/**
 * The dashboard link carries `?token=…` once; the server answers it with an HttpOnly cookie.
 * Drop the token from the address bar so it is not bookmarked, shared or screenshotted.
 */
function forgetTokenInUrl(): void {
  const url = new URL(window.location.href);
  if (!url.searchParams.has('token')) return;
  url.searchParams.delete('token');
  window.history.replaceState(null, '', url.pathname + url.search + url.hash);
}

/** Health is pushed on the stream; this slow re-check only covers a stream that is silently stuck. */
const HEALTH_RECHECK_MS = 30_000;

function boot(): void {
  forgetTokenInUrl();
  setClient(new HttpBeaconClient());

  const syncRoute = () => useUi.getState().setRoute(parseRoute(window.location.hash, window.location.search));
  window.addEventListener('hashchange', syncRoute);
  syncRoute();
  document.documentElement.dataset.view = useUi.getState().route.view;

  void useHealth.getState().load();
  void useSessions.getState().load();
  startLive();

  // The tray window is hidden most of the time: re-check when it is shown instead of polling fast.
  const recheck = () => {
    if (document.visibilityState === 'visible') void useHealth.getState().load();
  };
  document.addEventListener('visibilitychange', recheck);
  window.addEventListener('focus', recheck);
  setInterval(recheck, HEALTH_RECHECK_MS);

  createRoot(document.getElementById('root')!).render(<App />);
}

boot();
