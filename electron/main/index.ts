/**
 * The menu-bar app's main process: Electron wiring only. The logic lives in electron/app
 * (plain Node, tested without Electron): AppRuntime (host-or-attach, dashboard, health, pause,
 * shutdown), TrayModel (what the tray shows), window-security (how the window is locked down),
 * ipc-handlers (typed, validated IPC).
 *
 * Nothing here touches a ready-only API (Tray, BrowserWindow, screen, session) before
 * app.whenReady(); at module load we only register app event listeners.
 */
import { join } from 'node:path';
import { app, ipcMain, session, shell } from 'electron';
import { APP_STATE_CHANGED, type LoginItemState } from '../shared/ipc';
import { createCliAppActions } from '../app/app-actions';
import { createIpcHandlers, type LoginItems } from '../app/app-ipc';
import { AppRuntime } from '../app/app-runtime';
import { registerIpcHandlers } from '../app/ipc-handlers';
import { findAppRoot } from '../app/tray-icons';
import type { TrayMenuActions } from '../app/tray-state';
import { TRAY_PARTITION, trayWindowUrl } from '../app/window-security';
import { setupLogging } from './logging';
import { lockDownSession, lockDownWebContents } from './lockdown';
import { Popover } from './popover';
import { TrayView } from './tray';

/** Compiled layout: out/electron/main/index.js, so out/electron/{cli,preload} and out/renderer are siblings. */
const PATHS = {
  preload: join(__dirname, '../preload/index.js'),
  cliEntry: join(__dirname, '../cli/index.js'),
  renderer: join(__dirname, '../../renderer'),
};

const SHUTDOWN_TIMEOUT_MS = 5000;
const LOGIN_ITEMS_SUPPORTED = process.platform === 'darwin' || process.platform === 'win32';

export function main(): void {
  const log = setupLogging({ verboseConsole: !app.isPackaged });

  if (!app.requestSingleInstanceLock()) {
    // Another Beacon is running: it gets our 'second-instance' event and shows its window.
    app.quit();
    return;
  }
  // LSUIElement (electron-builder extendInfo) already hides the Dock icon in the packaged app;
  // this covers `npm start`, where there is no Info.plist of ours.
  if (process.platform === 'darwin') app.dock?.hide();

  const runtime = new AppRuntime({
    actions: createCliAppActions({ execPath: process.execPath, cliEntry: PATHS.cliEntry }),
    staticDir: PATHS.renderer,
    log,
  });
  const origin = () => runtime.dashboardOrigin;
  let popover: Popover | null = null;
  let tray: TrayView | null = null;

  app.on('web-contents-created', (_event, contents) => lockDownWebContents(contents, origin));
  // A menu-bar app lives on with no window; without this listener Electron would quit.
  app.on('window-all-closed', () => undefined);
  app.on('second-instance', () => popover?.show(tray?.bounds() ?? null));

  const loginItems: LoginItems = {
    get: (): LoginItemState => ({ openAtLogin: LOGIN_ITEMS_SUPPORTED && app.getLoginItemSettings().openAtLogin, supported: LOGIN_ITEMS_SUPPORTED }),
    set: (openAtLogin: boolean): LoginItemState => {
      if (LOGIN_ITEMS_SUPPORTED) app.setLoginItemSettings({ openAtLogin });
      return loginItems.get();
    },
  };

  const report = (what: string) => (result: { ok: boolean; message: string }) => {
    if (!result.ok) log.warn(what, result.message);
  };
  const menuActions: TrayMenuActions = {
    showWindow: () => popover?.show(tray?.bounds() ?? null),
    openDashboard: () => {
      // Our own loopback URL (with the per-run token); never a URL that came from the page.
      if (runtime.dashboard) void shell.openExternal(runtime.dashboard.url);
    },
    pauseCapture: () => report('pause')(runtime.pauseCapture()),
    resumeCapture: () => report('resume')(runtime.resumeCapture()),
    configureCodex: () => void runtime.repairCodexConfig().then(report('configure Codex')),
    setOpenAtLogin: (open) => runtime.model.update({ openAtLogin: loginItems.set(open).openAtLogin }),
    quit: () => app.quit(),
  };

  let cleanedUp = false;
  app.on('before-quit', (event) => {
    if (cleanedUp) return;
    // Hold the quit until the collector has flushed the runtime log (bounded by a timeout).
    event.preventDefault();
    void runtime.shutdown(SHUTDOWN_TIMEOUT_MS).finally(() => {
      cleanedUp = true;
      popover?.destroy();
      tray?.destroy();
      app.quit();
    });
  });

  void app.whenReady().then(async () => {
    lockDownSession(session.defaultSession, origin);
    lockDownSession(session.fromPartition(TRAY_PARTITION), origin);
    registerIpcHandlers(ipcMain, createIpcHandlers(runtime, loginItems, () => app.quit()), origin);

    const login = loginItems.get();
    runtime.model.update({ openAtLogin: login.openAtLogin, loginItemSupported: login.supported });
    tray = new TrayView(
      runtime.model,
      menuActions,
      { isPackaged: app.isPackaged, resourcesPath: process.resourcesPath, appRoot: findAppRoot(__dirname) },
      (bounds) => popover?.toggle(bounds),
      (message) => log.warn(message),
    );
    runtime.model.onChange((model) => {
      if (popover && !popover.window.isDestroyed()) popover.window.webContents.send(APP_STATE_CHANGED, model.snapshot());
    });

    await runtime.start();
    if (runtime.dashboard) {
      popover = new Popover({
        preload: PATHS.preload,
        devTools: !app.isPackaged,
        url: trayWindowUrl(runtime.dashboard.url),
        onLoadFailed: (reason) => log.error('tray window failed to load', reason),
        onShow: () => runtime.findingsSeen(),
      });
    }
    log.info('Beacon ready', runtime.model.snapshot());
  });
}

main();
