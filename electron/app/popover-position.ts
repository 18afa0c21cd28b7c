/**
 * Where the tray popover goes. macOS: centered under the menu-bar icon. Windows: next to the
 * icon, above it when the taskbar is at the bottom. Linux app indicators report no tray bounds
 * (all zeros): top-right corner of the work area, where GNOME/KDE panels usually put indicators.
 * Always clamped into the work area of the display the tray is on, so it never hangs off-screen.
 */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export const POPOVER_SIZE = { width: 380, height: 560 } as const;
const MARGIN = 8;

function clamp(v: number, min: number, max: number): number {
  return Math.max(min, Math.min(v, Math.max(min, max)));
}

export function popoverPosition(opts: {
  tray: Rect | null;
  window: { width: number; height: number };
  workArea: Rect;
  platform: NodeJS.Platform;
}): { x: number; y: number } {
  const { tray, window: win, workArea: wa } = opts;
  const maxX = wa.x + wa.width - win.width - MARGIN;
  const maxY = wa.y + wa.height - win.height - MARGIN;
  const hasTray = !!tray && tray.width > 0 && tray.height > 0;
  let x: number;
  let y: number;
  if (!hasTray) {
    x = maxX;
    y = wa.y + MARGIN;
  } else {
    const t = tray!;
    x = Math.round(t.x + t.width / 2 - win.width / 2);
    if (opts.platform === 'darwin') {
      y = t.y + t.height + 4;
    } else {
      const trayInLowerHalf = t.y + t.height / 2 > wa.y + wa.height / 2;
      y = trayInLowerHalf ? t.y - win.height - 4 : t.y + t.height + 4;
    }
  }
  return { x: Math.round(clamp(x, wa.x + MARGIN, maxX)), y: Math.round(clamp(y, wa.y + (opts.platform === 'darwin' ? 0 : MARGIN), maxY)) };
}

/**
 * A click on the tray icon while the popover is open first blurs (and so hides) the popover,
 * then delivers the click: without this guard that click would reopen it at once. Treat a click
 * right after a blur-hide as "close".
 */
export const BLUR_CLICK_GRACE_MS = 300;

export function clickShouldShow(state: { visible: boolean; hiddenByBlurAt: number | null; now: number }): boolean {
  if (state.visible) return false;
  return state.hiddenByBlurAt === null || state.now - state.hiddenByBlurAt > BLUR_CLICK_GRACE_MS;
}
