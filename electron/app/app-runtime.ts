/**
 * The menu-bar app's logic without Electron: read config.json, host or attach to a collector,
 * serve the dashboard for the tray window, keep the tray model's health fresh, pause / resume,
 * run actions, shut down in order. electron/main owns only the Electron objects (Tray,
 * BrowserWindow, Menu, ipcMain) and renders `runtime.model`.
 */
import { readEndpointConfig, type EndpointConfig } from '../endpoint/endpoint-config';
import { startDashboard, type Dashboard, type DashboardOptions } from '../dashboard/server';
import type { ActionResult } from '../shared/ipc';
import type { AppActions } from './app-actions';
import { createCapturePause, type CapturePause } from './capture-pause';
import { hostOrAttach, type CollectorSession } from './collector-host';
import { shutdownWithin, type ShutdownReport } from './shutdown';
import { TrayModel } from './tray-state';
import { UnseenFindings } from './unseen-findings';
import { statusProviders } from '../dashboard/codex-health';
import { collectorPluginOptions } from '../endpoint/plugin-settings';

export interface AppLogger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export interface AppRuntimeOptions {
  actions: AppActions;
  /** The built renderer (out/renderer). */
  staticDir?: string;
  /** The tray's own dashboard port; 0 (default) picks a free one so it never fights `beacon endpoint dashboard`. */
  dashboardPort?: number;
  /** How often health is re-read for the icon. design.md: no idle timer faster than 10 s. */
  healthPollMs?: number;
  log?: AppLogger;
  // Injection points for tests; default to the real modules.
  readConfig?: () => Promise<EndpointConfig>;
  hostOrAttach?: (config: EndpointConfig) => Promise<CollectorSession>;
  startDashboard?: (opts: DashboardOptions) => Promise<Dashboard>;
  /** Codex telemetry state and the log-source warning for the health light (default: computeStatus). */
  statusProviders?: Pick<DashboardOptions, 'codexStatus' | 'logSourceWarning'>;
}

const silent: AppLogger = { info: () => undefined, warn: () => undefined, error: () => undefined };

export class AppRuntime {
  readonly model = new TrayModel();
  config: EndpointConfig | null = null;
  session: CollectorSession | null = null;
  dashboard: Dashboard | null = null;
  private pauser: CapturePause | null = null;
  private timer: NodeJS.Timeout | null = null;
  private unseen: UnseenFindings | null = null;
  private readonly log: AppLogger;

  constructor(private readonly opts: AppRuntimeOptions) {
    this.log = opts.log ?? silent;
  }

  /** Never throws: every failure ends up as the tray's error state, in words. */
  async start(): Promise<void> {
    try {
      this.config = await (this.opts.readConfig ?? (async () => (await readEndpointConfig('user')).config))();
    } catch (err) {
      this.fail(`Cannot read Beacon's settings: ${(err as Error).message}`);
      return;
    }
    const config = this.config;
    this.session = await (this.opts.hostOrAttach ?? hostOrAttach)(config);
    const role = this.session.role;
    this.log.info('collector role', role);
    if (this.session.collector) this.pauser = createCapturePause(this.session.collector.pipeline);

    this.model.update({
      role: role.role,
      error: role.role === 'blocked' ? role.reason : null,
      logPath: this.session.logPath,
      collector: role.role === 'attach' ? { pid: role.pid, mode: role.mode, port: role.port } : null,
    });

    const warning = this.logSourceWarning(config, this.session);
    const providers = this.opts.statusProviders ?? statusProviders('user');
    try {
      this.dashboard = await (this.opts.startDashboard ?? startDashboard)({
        port: this.opts.dashboardPort ?? 0,
        logPath: this.session.logPath,
        collectorUrl: this.session.collectorUrl ?? undefined,
        staticDir: this.opts.staticDir,
        pricing: (await collectorPluginOptions({ price_overrides: config.price_overrides ?? null, read_codex_session_meta: false }, 'user')).pricing,
        codexStatus: providers.codexStatus,
        // Our own attach warning first (we know which log we show), else the status engine's.
        logSourceWarning: async () => warning ?? (await providers.logSourceWarning?.()) ?? null,
      });
    } catch (err) {
      this.fail(`Cannot start the dashboard: ${(err as Error).message}`);
      return;
    }
    this.model.update({ dashboardReady: true });
    this.unseen = new UnseenFindings(this.dashboard, (n) => this.model.update({ unseenFindings: n }));
    await this.refreshHealth();
    const every = this.opts.healthPollMs ?? 10_000;
    this.timer = setInterval(() => void this.refreshHealth(), every);
    this.timer.unref();
  }

  /** When we read a log other than the one config.json names, the dashboard says so. */
  private logSourceWarning(config: EndpointConfig, session: CollectorSession): string | null {
    const role = session.role;
    if (role.role !== 'attach' || role.logPath === config.runtime_log) return null;
    return `Showing ${role.logPath}, written by the ${role.mode}-mode Beacon collector (pid ${role.pid}) on port ${role.port}, not ${config.runtime_log} from your Beacon settings.`;
  }

  private fail(message: string): void {
    this.log.error(message);
    this.model.update({ error: message, role: this.model.state.role === 'starting' ? 'blocked' : this.model.state.role });
  }

  /** The dashboard's origin, e.g. http://127.0.0.1:53121 (what IPC senders and navigation must match). */
  get dashboardOrigin(): string | null {
    return this.dashboard ? new URL(this.dashboard.url).origin : null;
  }

  async refreshHealth(): Promise<void> {
    if (!this.dashboard) return;
    try {
      const h = await this.dashboard.health();
      this.model.update({ health: { status: h.status, problems: h.problems, forwarding: h.forwarding ?? [] } });
    } catch (err) {
      this.model.update({ health: { status: 'down', problems: [`Health check failed: ${(err as Error).message}`] } });
    }
  }

  pauseCapture(): ActionResult {
    if (!this.pauser) return { ok: false, message: this.cannotPauseReason() };
    this.pauser.pause();
    this.model.update({ paused: true });
    this.log.info('capture paused');
    return { ok: true, message: 'Capture paused: Codex telemetry is received and dropped until you resume.' };
  }

  resumeCapture(): ActionResult {
    if (!this.pauser) return { ok: false, message: this.cannotPauseReason() };
    const dropped = this.pauser.dropped;
    this.pauser.resume();
    this.model.update({ paused: false });
    this.log.info('capture resumed', { dropped });
    return { ok: true, message: `Capture resumed (${dropped} event${dropped === 1 ? '' : 's'} dropped while paused).` };
  }

  get paused(): boolean {
    return this.pauser?.paused ?? false;
  }

  private cannotPauseReason(): string {
    const role = this.session?.role;
    if (role?.role === 'attach') {
      return `Capture is run by the ${role.mode}-mode Beacon collector (pid ${role.pid}), not by this app, so it cannot be paused here.`;
    }
    return 'This app is not running a collector, so there is nothing to pause.';
  }

  async repairCodexConfig(): Promise<ActionResult> {
    if (this.model.state.busy) return { ok: false, message: 'Codex is already being configured.' };
    this.model.update({ busy: 'configure-codex' });
    try {
      const result = await this.opts.actions.repairCodexConfig();
      if (result.ok) this.log.info('repair Codex config', result);
      else this.log.warn('repair Codex config', result);
      return result;
    } catch (err) {
      return { ok: false, message: `Configuring Codex failed: ${(err as Error).message}` };
    } finally {
      this.model.update({ busy: null });
      void this.refreshHealth();
    }
  }

  /** Beacon's window was opened: the findings it shows are seen; the menu-bar count clears. */
  findingsSeen(): void {
    this.unseen?.markSeen();
  }

  /** Collector first (flushes the log), then the dashboard; bounded by `timeoutMs`. Idempotent. */
  shutdown(timeoutMs = 5000): Promise<ShutdownReport> {
    this.shutdownPromise ??= (async () => {
      if (this.timer) clearInterval(this.timer);
      this.timer = null;
      this.unseen?.close();
      const session = this.session;
      const dashboard = this.dashboard;
      const report = await shutdownWithin(
        [
          { name: 'collector', run: () => session?.close() ?? Promise.resolve() },
          { name: 'dashboard', run: () => dashboard?.close() ?? Promise.resolve() },
        ],
        timeoutMs,
      );
      if (report.timedOut || report.failed.length) this.log.warn('shutdown', report);
      return report;
    })();
    return this.shutdownPromise;
  }

  private shutdownPromise: Promise<ShutdownReport> | null = null;
}
