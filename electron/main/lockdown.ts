/**
 * Applies electron/app/window-security.ts to Electron objects: the tray window's session and
 * every webContents the app ever creates (defense in depth: a handler forgotten on one window
 * cannot leave a hole).
 */
import type { Session, WebContents } from 'electron';
import {
  permissionCheckHandler,
  permissionRequestHandler,
  shouldCancelRequest,
  shouldPreventNavigation,
  windowOpenHandler,
  withContentSecurityPolicy,
} from '../app/window-security';

export type OriginSource = () => string | null;

export function lockDownSession(ses: Session, allowedOrigin: OriginSource): void {
  ses.setPermissionRequestHandler(permissionRequestHandler);
  ses.setPermissionCheckHandler(permissionCheckHandler);
  ses.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: shouldCancelRequest(details.url, allowedOrigin()) });
  });
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) });
  });
}

export function lockDownWebContents(contents: WebContents, allowedOrigin: OriginSource): void {
  contents.setWindowOpenHandler(windowOpenHandler);
  const guard = (event: { preventDefault(): void }, url: string) => {
    if (shouldPreventNavigation(url, allowedOrigin())) event.preventDefault();
  };
  contents.on('will-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
