/**
 * The Electron preload may expose `window.beacon` (electron/shared/ipc.ts: BeaconBridge): the
 * ONLY way this renderer changes anything (repair the Codex config, pause/resume capture, open
 * at login, quit). In a plain browser it is absent and the buttons that need it are not shown.
 * Each method is feature-detected on its own, so an older or smaller preload degrades to fewer
 * buttons instead of broken ones.
 */
import type { BeaconBridge as FullBridge } from '../../../electron/shared/ipc';

export type { ActionResult, AppStateSnapshot, LoginItemState } from '../../../electron/shared/ipc';

/** What the page may find on window.beacon: any subset of the full bridge. */
export type BeaconBridge = Partial<FullBridge>;

declare global {
  interface Window {
    beacon?: BeaconBridge;
  }
}

/** The bridge, or null when this page is not inside the Beacon app. */
export function getBridge(): BeaconBridge | null {
  const candidate = typeof window !== 'undefined' ? window.beacon : undefined;
  return candidate && typeof candidate === 'object' ? candidate : null;
}

export function bridgeCan<K extends keyof FullBridge>(bridge: BeaconBridge | null, method: K): bridge is BeaconBridge & Pick<FullBridge, K> {
  return !!bridge && typeof bridge[method] === 'function';
}
