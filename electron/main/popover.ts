/**
 * The tray popover: one frameless BrowserWindow, created hidden once the dashboard is up, shown
 * under the tray icon on click, hidden when it loses focus.
 */
import { BrowserWindow, screen, type Rectangle } from 'electron';
import { clickShouldShow, popoverPosition, POPOVER_SIZE } from '../app/popover-position';
import { trayWindowOptions } from '../app/window-security';

export class Popover {
  readonly window: BrowserWindow;
  private hiddenByBlurAt: number | null = null;

  constructor(private readonly opts: { preload: string; devTools: boolean; url: string; onLoadFailed: (reason: string) => void; onShow?: () => void }) {
    this.window = new BrowserWindow(trayWindowOptions({ preload: opts.preload, devTools: opts.devTools, ...POPOVER_SIZE }));
    if (process.platform === 'darwin') this.window.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true });
    this.window.on('blur', () => {
      if (this.window.webContents.isDevToolsOpened()) return;
      this.hiddenByBlurAt = Date.now();
      this.window.hide();
    });
    this.window.webContents.on('did-fail-load', (_e, code, description) => opts.onLoadFailed(`${description} (${code})`));
    void this.window.loadURL(opts.url).catch((err: Error) => opts.onLoadFailed(err.message));
  }

  /** Tray click: show under the icon, or hide if it is open. */
  toggle(trayBounds: Rectangle | null): void {
    const show = clickShouldShow({ visible: this.window.isVisible(), hiddenByBlurAt: this.hiddenByBlurAt, now: Date.now() });
    this.hiddenByBlurAt = null;
    if (show) this.show(trayBounds);
    else this.window.hide();
  }

  show(trayBounds: Rectangle | null = null): void {
    const hasBounds = !!trayBounds && trayBounds.width > 0;
    const display = hasBounds ? screen.getDisplayMatching(trayBounds!) : screen.getDisplayNearestPoint(screen.getCursorScreenPoint());
    const { x, y } = popoverPosition({ tray: trayBounds, window: POPOVER_SIZE, workArea: display.workArea, platform: process.platform });
    this.window.setPosition(x, y, false);
    this.window.show();
    this.window.focus();
    this.opts.onShow?.();
  }

  destroy(): void {
    if (!this.window.isDestroyed()) this.window.destroy();
  }
}
