/**
 * The Electron preload may expose `window.beacon`: the ONLY way this renderer changes anything
 * (repair the Codex config, pause/resume capture, quit). In a plain browser it is absent and the
 * buttons that need it are not shown. Each method is feature-detected on its own, so an older
 * or smaller preload degrades to fewer buttons instead of broken ones.
 */

/** What a bridge action reports back; `message` is shown to the user as is. */
export interface BridgeResult {
  ok: boolean;
  message?: string;
}

export interface BeaconBridge {
  repairCodexConfig?: () => Promise<BridgeResult | void>;
  pauseCapture?: () => Promise<BridgeResult | void>;
  resumeCapture?: () => Promise<BridgeResult | void>;
  /** Whether capture is paused right now (so the toggle shows the right label). */
  isCapturePaused?: () => Promise<boolean>;
  quit?: () => void | Promise<void>;
}

declare global {
  interface Window {
    beacon?: BeaconBridge;
  }
}

export type BridgeAction = 'repairCodexConfig' | 'pauseCapture' | 'resumeCapture' | 'quit';

/** The bridge, or null when this page is not inside the Beacon app. */
export function getBridge(): BeaconBridge | null {
  const candidate = typeof window !== 'undefined' ? window.beacon : undefined;
  return candidate && typeof candidate === 'object' ? candidate : null;
}

export function bridgeCan(bridge: BeaconBridge | null, action: BridgeAction): boolean {
  return !!bridge && typeof bridge[action] === 'function';
}
