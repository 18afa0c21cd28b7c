/**
 * electron/main/index.ts wired against the mocked Electron (as on macOS), with everything else
 * real: config.json in a temp BEACON_HOME (port 0), the hosted collector, the dashboard server.
 * What a user would notice: a tray icon with the right menu, a locked-down window that loads the
 * tokenized dashboard, pause from the menu, and a quit that waits for the log to be flushed.
 */
import { appendFile, mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('./electron-mock.js')).electronMock);
vi.mock('electron-log/main', () => {
  const log = { transports: { file: {} as Record<string, unknown>, console: {} as Record<string, unknown> }, errorHandler: { startCatching: vi.fn() }, info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  return { default: log };
});

import { app, ipcRenderer, mockState, type MockBrowserWindow, type MockTray } from './electron-mock';
import log from 'electron-log/main';
import { APP_STATE_CHANGED } from '../../electron/shared/ipc';
import { TRAY_PARTITION } from '../../electron/app/window-security';
import { CONTENT_SECURITY_POLICY } from '../../electron/dashboard/security';
import { baseEvent } from '../log-reader/make-events';

let home: string;
let tray: MockTray;
let win: MockBrowserWindow;
let origin: string;
const realPlatform = process.platform;
// The app runs in this process: its homes must be the test's, never the user's ~/.beacon, ~/.codex.
const savedEnv = { BEACON_HOME: process.env.BEACON_HOME, HOME: process.env.HOME, CODEX_HOME: process.env.CODEX_HOME };

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'beacon-main-'));
  await mkdir(join(home, 'endpoint'), { recursive: true });
  await writeFile(join(home, 'endpoint', 'config.json'), JSON.stringify({ otlp_http_port: 0, runtime_log: join(home, 'logs', 'runtime.jsonl') }));
  process.env.BEACON_HOME = join(home, 'endpoint');
  process.env.HOME = home;
  process.env.CODEX_HOME = join(home, '.codex');
  Object.defineProperty(process, 'platform', { value: 'darwin' });
  await import('../../electron/main/index.js');
  // Before ready: only listeners, no Tray or window yet.
  expect(mockState.trays).toHaveLength(0);
  mockState.readyResolve!();
  await vi.waitFor(() => expect(mockState.windows).toHaveLength(1), { timeout: 20_000, interval: 20 });
  tray = mockState.trays[0];
  win = mockState.windows[0];
  origin = new URL(win.loadedUrl!).origin;
  await vi.waitFor(() => expect(tray.tooltip).toMatch(/^Beacon: Collecting Codex telemetry/), { timeout: 20_000, interval: 20 });
});

afterAll(async () => {
  Object.defineProperty(process, 'platform', { value: realPlatform });
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await rm(home, { recursive: true, force: true });
});

describe('startup', () => {
  it('is a menu-bar app: hides the Dock icon, configures the rotated app log', () => {
    expect(app.dock.hidden).toBe(true);
    expect(log.transports.file.maxSize).toBe(5 * 1024 * 1024);
    expect(app.listenerCount('window-all-closed')).toBe(1);
  });

  it('shows the ok template icon and a tooltip naming the log', () => {
    expect(tray.image.path).toMatch(/resources\/tray\/beaconOkTemplate\.png$/);
    expect(tray.image.template).toBe(true);
    expect(tray.tooltip).toBe(`Beacon: Collecting Codex telemetry into ${join(home, 'logs', 'runtime.jsonl')}`);
  });

  it('loads the tokenized dashboard, tray view, in a sandboxed window', async () => {
    const url = new URL(win.loadedUrl!);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.searchParams.get('view')).toBe('tray');
    expect(url.searchParams.get('token')?.length).toBeGreaterThanOrEqual(16);
    expect(win.options).toMatchObject({ width: 380, height: 560, frame: false, show: false });
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, partition: TRAY_PARTITION });
    expect(win.options.webPreferences.preload).toMatch(/electron\/preload\/index\.js$/);
    // The URL really serves: the token link sets the cookie and redirects (the server's part).
    const res = await fetch(win.loadedUrl!, { redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('set-cookie')).toMatch(/HttpOnly/i);
  });

  it("locks down the window's session and webContents", () => {
    const ses = mockState.sessions.get(TRAY_PARTITION)!;
    let granted: boolean | undefined;
    ses.permissionRequestHandler!({}, 'media', (g: boolean) => (granted = g));
    expect(granted).toBe(false);
    expect(ses.permissionCheckHandler!({}, 'clipboard-read')).toBe(false);
    const cancel = (url: string) => {
      let out: { cancel: boolean } | undefined;
      ses.beforeRequest!({ url }, (r: { cancel: boolean }) => (out = r));
      return out!.cancel;
    };
    expect(cancel(`${origin}/api/health`)).toBe(false);
    expect(cancel('https://cdn.example.com/x.js')).toBe(true);
    let headers: Record<string, string[]> | undefined;
    ses.headersReceived!({ responseHeaders: { 'content-security-policy': ['default-src *'] } }, (r: { responseHeaders: Record<string, string[]> }) => (headers = r.responseHeaders));
    expect(headers).toEqual({ 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
    expect(mockState.sessions.get('default')!.permissionCheckHandler).not.toBeNull();

    expect(win.webContents.windowOpenHandler!({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    const nav = (url: string) => {
      let prevented = false;
      win.webContents.emit('will-navigate', { preventDefault: () => (prevented = true) }, url);
      return prevented;
    };
    expect(nav('https://example.com/')).toBe(true);
    expect(nav(`${origin}/?view=tray`)).toBe(false);
  });
});

describe('tray interaction', () => {
  it('a click shows the popover under the icon; losing focus hides it', () => {
    tray.emit('click', {}, { x: 1000, y: 0, width: 22, height: 24 });
    expect(win.visible).toBe(true);
    expect(win.position).toEqual([821, 28]);
    win.emit('blur');
    expect(win.visible).toBe(false);
  });

  it('a high finding in the log puts a count beside the icon (macOS title); opening the window clears it', async () => {
    expect(tray.title).toBe('');
    const f = baseEvent('finding.detected', 'finding', Date.now(), '019b0000-0000-7000-8000-0000000000aa');
    f.severity = 'high';
    f.finding = { rule_id: 'git-force-push', title: 'Force-push attempted', description: 'A force push.', severity: 'high', mitre: [], owasp: [], event_ids: [], rule_source: 'shipped' };
    await appendFile(join(home, 'logs', 'runtime.jsonl'), JSON.stringify(f) + '\n');
    await vi.waitFor(() => expect(tray.title).toBe('1'), { timeout: 15_000, interval: 20 });
    expect(tray.tooltip).toMatch(/\n1 new high-severity finding$/);
    // The menu says it too, and its line opens the window.
    tray.emit('right-click');
    const menu = tray.poppedUp.at(-1)!;
    expect(menu.item('findings').label).toBe('1 new high-severity finding…');
    menu.item('findings').click();
    expect(win.visible).toBe(true);
    expect(tray.title).toBe('');
    win.emit('blur');
  });

  it('right click pops up the menu (macOS), and IPC works only from the dashboard origin', async () => {
    tray.emit('right-click');
    const menu = tray.poppedUp.at(-1)!;
    expect(menu.template.filter((i) => i.label).map((i) => i.label)).toContain('Quit Beacon');
    mockState.senderUrl = `${origin}/?view=tray`;
    await expect(ipcRenderer.invoke('app:state')).resolves.toMatchObject({ role: 'host', status: 'ok', canPause: true });
    mockState.senderUrl = 'https://evil.example/';
    await expect(ipcRenderer.invoke('app:state')).rejects.toThrow(/IPC refused/);
  });

  it('Pause capture from the menu: paused icon, the window is told, Resume is offered', () => {
    tray.emit('right-click');
    tray.poppedUp.at(-1)!.item('capture').click();
    expect(tray.image.path).toMatch(/beaconPausedTemplate\.png$/);
    const [channel, state] = win.webContents.sent.at(-1)!;
    expect(channel).toBe(APP_STATE_CHANGED);
    expect(state).toMatchObject({ status: 'paused', paused: true });
    tray.emit('right-click');
    const capture = tray.poppedUp.at(-1)!.item('capture');
    expect(capture.label).toBe('Resume capture');
    capture.click();
    expect(tray.image.path).toMatch(/beaconOkTemplate\.png$/);
  });

  it('Open at login toggles the login item', () => {
    tray.emit('right-click');
    tray.poppedUp.at(-1)!.item('open-at-login').click();
    expect(mockState.loginItem.openAtLogin).toBe(true);
    tray.emit('right-click');
    expect(tray.poppedUp.at(-1)!.item('open-at-login').checked).toBe(true);
  });

  it('Open dashboard opens our own tokenized URL in the browser', () => {
    tray.emit('right-click');
    tray.poppedUp.at(-1)!.item('open-dashboard').click();
    const token = new URL(win.loadedUrl!).searchParams.get('token');
    expect(mockState.openedExternal).toEqual([`${origin}/?token=${token}`]);
  });
});

describe('quit', () => {
  it('waits for the collector and dashboard to close, then quits for real', async () => {
    const done = new Promise<void>((r) => app.once('quit-done', () => r()));
    app.quit();
    await done;
    expect(app.quitCalls).toBe(2); // the held quit, then the real one after shutdown
    expect(tray.destroyed).toBe(true);
    await expect(fetch(`${origin}/api/health`)).rejects.toThrow();
  });
});
