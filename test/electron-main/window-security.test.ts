/**
 * The tray window's lock-down, asserted on the exact options and handlers electron/main installs.
 */
import { describe, expect, it } from 'vitest';
import {
  permissionCheckHandler,
  permissionRequestHandler,
  secureWebPreferences,
  shouldCancelRequest,
  shouldPreventNavigation,
  trayWindowOptions,
  trayWindowUrl,
  windowOpenHandler,
  withContentSecurityPolicy,
} from '../../electron/app/window-security';
import { CONTENT_SECURITY_POLICY } from '../../electron/dashboard/security';
import { clickShouldShow, popoverPosition, POPOVER_SIZE } from '../../electron/app/popover-position';

const ORIGIN = 'http://127.0.0.1:50123';

describe('webPreferences', () => {
  it('isolates and sandboxes the page, without Node, with web security, in an in-memory session', () => {
    const p = secureWebPreferences({ preload: '/app/out/electron/preload/index.js', devTools: false });
    expect(p).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      devTools: false,
      preload: '/app/out/electron/preload/index.js',
    });
    expect(p.partition.startsWith('persist:')).toBe(false);
  });

  it('the popover is frameless, 380x560, hidden at creation, and uses those preferences', () => {
    const o = trayWindowOptions({ preload: '/p.js', devTools: true, ...POPOVER_SIZE });
    expect(o).toMatchObject({ width: 380, height: 560, frame: false, show: false, resizable: false, skipTaskbar: true });
    expect(o.webPreferences).toEqual(secureWebPreferences({ preload: '/p.js', devTools: true }));
  });
});

describe('navigation, new windows, permissions', () => {
  it('allows same-origin navigation (token redirect, reload) and refuses everything else', () => {
    expect(shouldPreventNavigation(`${ORIGIN}/?view=tray`, ORIGIN)).toBe(false);
    expect(shouldPreventNavigation('https://example.com/', ORIGIN)).toBe(true);
    expect(shouldPreventNavigation('http://127.0.0.1:50124/', ORIGIN)).toBe(true);
    expect(shouldPreventNavigation('http://127.0.0.1:50123.attacker.example/', ORIGIN)).toBe(true);
    expect(shouldPreventNavigation('file:///etc/passwd', ORIGIN)).toBe(true);
    expect(shouldPreventNavigation('javascript:alert(1)', ORIGIN)).toBe(true);
    expect(shouldPreventNavigation(`${ORIGIN}/`, null)).toBe(true);
  });

  it('denies window.open and every permission request or check', () => {
    expect(windowOpenHandler()).toEqual({ action: 'deny' });
    const answers: boolean[] = [];
    for (const perm of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal']) permissionRequestHandler({}, perm, (g) => answers.push(g));
    expect(answers).toEqual([false, false, false, false, false]);
    expect(permissionCheckHandler()).toBe(false);
  });
});

describe('network filter and CSP', () => {
  it("lets the page reach only its own origin (and DevTools' own schemes)", () => {
    expect(shouldCancelRequest(`${ORIGIN}/api/stream`, ORIGIN)).toBe(false);
    expect(shouldCancelRequest(`${ORIGIN}/assets/index.js`, ORIGIN)).toBe(false);
    expect(shouldCancelRequest('https://telemetry.example.com/collect', ORIGIN)).toBe(true);
    expect(shouldCancelRequest('http://127.0.0.1:4318/v1/logs', ORIGIN)).toBe(true);
    expect(shouldCancelRequest('http://localhost:50123/', ORIGIN)).toBe(true);
    expect(shouldCancelRequest('ws://127.0.0.1:50123/', ORIGIN)).toBe(true);
    expect(shouldCancelRequest('file:///Users/u/.codex/config.toml', ORIGIN)).toBe(true);
    expect(shouldCancelRequest('not a url', ORIGIN)).toBe(true);
    expect(shouldCancelRequest('devtools://devtools/bundled/inspector.html', ORIGIN)).toBe(false);
    expect(shouldCancelRequest(`${ORIGIN}/`, null)).toBe(true);
  });

  it('replaces any Content-Security-Policy header (whatever its case) with ours', () => {
    const h = withContentSecurityPolicy({ 'content-security-policy': ["default-src *"], 'Content-Type': ['text/html'], 'x-one': 'v' });
    expect(h).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY], 'Content-Type': ['text/html'], 'x-one': ['v'] });
    expect(withContentSecurityPolicy(undefined)).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
  });

  it('the tray URL keeps the token and selects the tray view', () => {
    const u = new URL(trayWindowUrl(`${ORIGIN}/?token=abcdefghijklmnopqrstuvwxyz`));
    expect(u.origin).toBe(ORIGIN);
    expect(u.searchParams.get('token')).toBe('abcdefghijklmnopqrstuvwxyz');
    expect(u.searchParams.get('view')).toBe('tray');
  });
});

describe('popover placement', () => {
  const workArea = { x: 0, y: 25, width: 1440, height: 875 };
  it('macOS: centered under the tray icon, clamped to the screen edge', () => {
    expect(popoverPosition({ tray: { x: 1000, y: 0, width: 22, height: 24 }, window: POPOVER_SIZE, workArea, platform: 'darwin' })).toEqual({ x: 821, y: 28 });
    // An icon at the far right: the window slides left to stay on screen.
    expect(popoverPosition({ tray: { x: 1420, y: 0, width: 22, height: 24 }, window: POPOVER_SIZE, workArea, platform: 'darwin' }).x).toBe(1440 - 380 - 8);
  });
  it('Windows taskbar at the bottom: above the icon; Linux without bounds: top-right corner', () => {
    const win = popoverPosition({ tray: { x: 1200, y: 860, width: 24, height: 40 }, window: POPOVER_SIZE, workArea: { x: 0, y: 0, width: 1440, height: 860 }, platform: 'win32' });
    expect(win.y).toBeLessThan(860 - 560 + 1);
    expect(popoverPosition({ tray: { x: 0, y: 0, width: 0, height: 0 }, window: POPOVER_SIZE, workArea, platform: 'linux' })).toEqual({ x: 1440 - 380 - 8, y: 25 + 8 });
  });
  it('a click right after the blur that hid the window does not reopen it', () => {
    expect(clickShouldShow({ visible: false, hiddenByBlurAt: null, now: 1000 })).toBe(true);
    expect(clickShouldShow({ visible: true, hiddenByBlurAt: null, now: 1000 })).toBe(false);
    expect(clickShouldShow({ visible: false, hiddenByBlurAt: 990, now: 1000 })).toBe(false);
    expect(clickShouldShow({ visible: false, hiddenByBlurAt: 100, now: 1000 })).toBe(true);
  });
});
