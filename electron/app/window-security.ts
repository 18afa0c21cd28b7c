/**
 * Everything that locks the tray window down, as plain functions and data (electron/main wires
 * them to BrowserWindow, webContents and session). Electron's security checklist, items:
 *   3-4  contextIsolation + sandbox, no Node in the page            -> secureWebPreferences
 *   5    deny every permission (camera, notifications, clipboard…)  -> permission handlers
 *   6-10 webSecurity on, no insecure content / experimental features -> secureWebPreferences
 *   7    a CSP (the server sends one; we set it again on responses) -> withContentSecurityPolicy
 *   13   no navigation away from the dashboard origin              -> shouldPreventNavigation
 *   14   no new windows                                             -> windowOpenHandler
 *   and the page may only talk to its own origin                    -> shouldCancelRequest
 */
import { CONTENT_SECURITY_POLICY } from '../dashboard/security';
import { isSameOrigin } from './ipc-handlers';

/** The BrowserWindow webPreferences we set (a subset of Electron's WebPreferences). */
export interface SecureWebPreferences {
  preload: string;
  contextIsolation: true;
  sandbox: true;
  nodeIntegration: false;
  nodeIntegrationInWorker: false;
  nodeIntegrationInSubFrames: false;
  webSecurity: true;
  allowRunningInsecureContent: false;
  experimentalFeatures: false;
  webviewTag: false;
  navigateOnDragDrop: false;
  safeDialogs: true;
  spellcheck: false;
  devTools: boolean;
  /** In-memory session (no "persist:" prefix): the token cookie never reaches the disk. */
  partition: string;
}

export const TRAY_PARTITION = 'beacon-tray';

export function secureWebPreferences(opts: { preload: string; devTools: boolean }): SecureWebPreferences {
  return {
    preload: opts.preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools: opts.devTools,
    partition: TRAY_PARTITION,
  };
}

/** will-navigate / will-redirect: true = call event.preventDefault(). Same-origin moves (the token redirect, reloads) are fine. */
export function shouldPreventNavigation(targetUrl: string, allowedOrigin: string | null): boolean {
  return !isSameOrigin(targetUrl, allowedOrigin);
}

/** setWindowOpenHandler: never open a window, whatever the page asks. */
export function windowOpenHandler(): { action: 'deny' } {
  return { action: 'deny' };
}

/** setPermissionRequestHandler: the dashboard needs no permission. */
export function permissionRequestHandler(_webContents: unknown, _permission: string, callback: (granted: boolean) => void): void {
  callback(false);
}

/** setPermissionCheckHandler. */
export function permissionCheckHandler(): boolean {
  return false;
}

/** Schemes DevTools uses for itself (only reachable when devTools is on, i.e. in development). */
const DEVTOOLS_SCHEMES = new Set(['devtools:', 'chrome-devtools:']);

/**
 * webRequest.onBeforeRequest: cancel anything that is not the dashboard origin. A compromised
 * or buggy dependency in the renderer then cannot send telemetry (prompts!) anywhere else.
 */
export function shouldCancelRequest(url: string, allowedOrigin: string | null): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return true;
  }
  if (DEVTOOLS_SCHEMES.has(parsed.protocol)) return false;
  return parsed.origin !== allowedOrigin || allowedOrigin === null;
}

export type ResponseHeaders = Record<string, string[] | string>;

/** webRequest.onHeadersReceived: force our CSP on every response, replacing any other. */
export function withContentSecurityPolicy(headers: ResponseHeaders | undefined, csp: string = CONTENT_SECURITY_POLICY): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() === 'content-security-policy') continue;
    out[name] = Array.isArray(value) ? value : [value];
  }
  out['Content-Security-Policy'] = [csp];
  return out;
}

/** The URL the tray window loads: the dashboard's tokenized link with the tray view selected. */
export function trayWindowUrl(dashboardUrl: string): string {
  const url = new URL(dashboardUrl);
  url.searchParams.set('view', 'tray');
  return url.toString();
}

/** BrowserWindow options of the tray popover: frameless, fixed size, hidden until the tray asks. */
export function trayWindowOptions(opts: { preload: string; devTools: boolean; width: number; height: number }) {
  return {
    width: opts.width,
    height: opts.height,
    show: false,
    frame: false,
    resizable: false,
    movable: false,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    skipTaskbar: true,
    alwaysOnTop: true,
    backgroundColor: '#111318',
    title: 'Beacon',
    webPreferences: secureWebPreferences({ preload: opts.preload, devTools: opts.devTools }),
  };
}
