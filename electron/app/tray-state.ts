/**
 * The tray's state machine, in plain TypeScript so it can be tested without Electron.
 *
 * Inputs (what the app knows) go in through `update()`; three views come out:
 *   - `view()`: the status (ok / warn / error / paused), which drives the icon, and the tooltip;
 *   - `menu(actions)`: the context-menu model, shaped like Electron's MenuItemConstructorOptions
 *     so electron/main passes it straight to Menu.buildFromTemplate;
 *   - `snapshot()`: the AppStateSnapshot the tray window gets over IPC.
 * Listeners registered with `onChange` fire only when one of those views actually changed, so a
 * health poll that finds nothing new does not rebuild the menu.
 */
import type { AppStateSnapshot, CollectorRoleName, TrayStatus } from '../shared/ipc';
import type { ForwardDestinationHealth } from '../shared/forwarding';

export interface TrayHealth {
  /** The dashboard's overall health (GET /api/health `status`). */
  status: 'ok' | 'degraded' | 'down';
  /** Human sentences, most important first. */
  problems: string[];
  /** The collector's forwarding destinations (none on most developers' machines). */
  forwarding?: readonly ForwardDestinationHealth[];
}

const FORWARD_LABEL: Record<ForwardDestinationHealth['state'], string> = {
  starting: 'starting',
  delivering: 'delivering',
  idle: 'caught up',
  retrying: 'retrying',
  failed: 'stopped',
  stopped: 'stopped',
};

/**
 * One menu line per destination: its state, what waits, what went wrong. No clock-relative
 * words ("3 s ago"), so the menu is rebuilt when the state changes, not on every health poll.
 */
export function forwardMenuLabel(h: ForwardDestinationHealth): string {
  const parts = [`Forwarding to ${h.destination}: ${FORWARD_LABEL[h.state]}`];
  if (h.backlog.events > 0) parts.push(`${h.backlog.events} waiting`);
  if (h.lost_events > 0) parts.push(`${h.lost_events} lost`);
  if ((h.state === 'failed' || h.state === 'retrying') && h.last_error) parts.push(h.last_error.message.slice(0, 80));
  return parts.join(', ');
}

export interface TrayInputs {
  role: CollectorRoleName;
  /** Why we can neither host nor attach (role 'blocked'), or why startup failed. */
  error: string | null;
  /** The runtime log the dashboard reads. */
  logPath: string | null;
  /** When attached: the collector that writes the log. */
  collector: { pid: number; mode: string; port: number } | null;
  health: TrayHealth | null;
  paused: boolean;
  dashboardReady: boolean;
  openAtLogin: boolean;
  loginItemSupported: boolean;
  /** An action in flight (its menu item is disabled meanwhile). */
  busy: 'configure-codex' | null;
  /** High and critical findings written since the user last opened Beacon's window. */
  unseenFindings: number;
}

export interface TrayView {
  status: TrayStatus;
  summary: string;
  tooltip: string;
  /** Text beside the icon in the macOS menu bar: the unseen findings count, or empty. */
  title: string;
}

/** "3 new high-severity findings": the menu line and the tooltip's second line. */
export function findingsLabel(n: number): string {
  return `${n} new high-severity finding${n === 1 ? '' : 's'}`;
}

/** The subset of Electron's MenuItemConstructorOptions we produce. */
export interface MenuItemModel {
  id?: string;
  label?: string;
  type?: 'normal' | 'separator' | 'checkbox';
  enabled?: boolean;
  checked?: boolean;
  click?: () => void;
}

export interface TrayMenuActions {
  showWindow(): void;
  openDashboard(): void;
  pauseCapture(): void;
  resumeCapture(): void;
  configureCodex(): void;
  setOpenAtLogin(open: boolean): void;
  quit(): void;
}

export const INITIAL_TRAY_INPUTS: TrayInputs = {
  role: 'starting',
  error: null,
  logPath: null,
  collector: null,
  health: null,
  paused: false,
  dashboardReady: false,
  openAtLogin: false,
  loginItemSupported: true,
  busy: null,
  unseenFindings: 0,
};

/** Pure: what the tray shows for given inputs. Order matters: the most serious condition wins. */
export function deriveTrayView(s: TrayInputs): TrayView {
  let status: TrayStatus;
  let summary: string;
  if (s.error) {
    status = 'error';
    summary = s.error;
  } else if (s.role === 'starting') {
    status = 'warn';
    summary = 'Starting…';
  } else if (s.paused) {
    // Paused outranks health: the user chose it, and it explains why nothing new arrives.
    status = 'paused';
    summary = 'Capture paused: Codex telemetry is received and dropped';
  } else if (s.health?.status === 'down') {
    status = 'error';
    summary = s.health.problems[0] ?? 'The collector is down';
  } else if (s.health?.status === 'degraded') {
    status = 'warn';
    summary = s.health.problems[0] ?? 'Something needs attention';
  } else if (s.role === 'attach' && s.collector) {
    status = s.health ? 'ok' : 'warn';
    summary = `Reading the ${s.collector.mode}-mode collector (pid ${s.collector.pid}): ${s.logPath ?? '?'}`;
  } else {
    status = s.health ? 'ok' : 'warn';
    summary = s.health ? `Collecting Codex telemetry into ${s.logPath ?? '?'}` : 'Checking health…';
  }
  // Findings do not change the icon (it says whether telemetry flows); they get a count beside it.
  const n = s.unseenFindings;
  return { status, summary, tooltip: `Beacon: ${summary}${n > 0 ? `\n${findingsLabel(n)}` : ''}`, title: n > 0 ? String(n) : '' };
}

export function canPause(s: TrayInputs): boolean {
  // Only a collector in this process can be paused; an attached one belongs to a service.
  return s.role === 'host' && !s.error;
}

export function buildTrayMenu(s: TrayInputs, actions: TrayMenuActions): MenuItemModel[] {
  const view = deriveTrayView(s);
  const pausable = canPause(s);
  return [
    { id: 'status', label: view.summary, enabled: false },
    ...(s.unseenFindings > 0 ? [{ id: 'findings', label: `${findingsLabel(s.unseenFindings)}…`, enabled: s.dashboardReady, click: actions.showWindow }] : []),
    ...(s.health?.forwarding ?? []).map((h): MenuItemModel => ({ id: `forward:${h.destination}`, label: forwardMenuLabel(h), enabled: false })),
    { type: 'separator' },
    // Linux app indicators ignore clicks on the icon: the window must be reachable from here too.
    { id: 'show-window', label: 'Show Beacon', enabled: s.dashboardReady, click: actions.showWindow },
    { id: 'open-dashboard', label: 'Open dashboard', enabled: s.dashboardReady, click: actions.openDashboard },
    s.paused
      ? { id: 'capture', label: 'Resume capture', enabled: pausable, click: actions.resumeCapture }
      : { id: 'capture', label: 'Pause capture', enabled: pausable, click: actions.pauseCapture },
    {
      id: 'configure-codex',
      label: s.busy === 'configure-codex' ? 'Configuring Codex…' : 'Configure Codex',
      enabled: s.busy === null,
      click: actions.configureCodex,
    },
    { type: 'separator' },
    {
      id: 'open-at-login',
      label: s.loginItemSupported ? 'Open at login' : 'Open at login (not supported on this system)',
      type: 'checkbox',
      checked: s.openAtLogin,
      enabled: s.loginItemSupported,
      // Electron flips a checkbox before calling click, so read the wanted value from our state.
      click: () => actions.setOpenAtLogin(!s.openAtLogin),
    },
    { type: 'separator' },
    { id: 'quit', label: 'Quit Beacon', click: actions.quit },
  ];
}

export function buildSnapshot(s: TrayInputs): AppStateSnapshot {
  const view = deriveTrayView(s);
  return {
    status: view.status,
    summary: view.summary,
    role: s.role,
    logPath: s.logPath,
    collector: s.collector,
    canPause: canPause(s),
    paused: s.paused,
  };
}

/** Holds the inputs and tells listeners when what the user sees changed. */
export class TrayModel {
  private inputs: TrayInputs;
  private readonly listeners = new Set<(model: TrayModel) => void>();
  private lastKey: string;

  constructor(initial: Partial<TrayInputs> = {}) {
    this.inputs = { ...INITIAL_TRAY_INPUTS, ...initial };
    this.lastKey = this.key();
  }

  get state(): Readonly<TrayInputs> {
    return this.inputs;
  }

  update(patch: Partial<TrayInputs>): void {
    this.inputs = { ...this.inputs, ...patch };
    const key = this.key();
    if (key === this.lastKey) return;
    this.lastKey = key;
    for (const l of this.listeners) l(this);
  }

  onChange(listener: (model: TrayModel) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  view(): TrayView {
    return deriveTrayView(this.inputs);
  }

  menu(actions: TrayMenuActions): MenuItemModel[] {
    return buildTrayMenu(this.inputs, actions);
  }

  snapshot(): AppStateSnapshot {
    return buildSnapshot(this.inputs);
  }

  /** Everything visible, serialized: the menu's labels/flags, the view and the snapshot. */
  private key(): string {
    const menu = buildTrayMenu(this.inputs, NO_ACTIONS).map(({ click: _click, ...rest }) => rest);
    return JSON.stringify([menu, buildSnapshot(this.inputs)]);
  }
}

const noop = () => undefined;
const NO_ACTIONS: TrayMenuActions = {
  showWindow: noop,
  openDashboard: noop,
  pauseCapture: noop,
  resumeCapture: noop,
  configureCodex: noop,
  setOpenAtLogin: noop,
  quit: noop,
};
