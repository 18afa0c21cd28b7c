import { useUi } from './stores/ui';
import { TrayView } from './views/TrayView';
import { DashboardView } from './views/DashboardView';

/** One app, two faces: the tray window (`#/tray` or `?view=tray`) and the dashboard. */
export function App() {
  const view = useUi((s) => s.route.view);
  return view === 'tray' ? <TrayView /> : <DashboardView />;
}
