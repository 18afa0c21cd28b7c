/**
 * A stand-in for the 'electron' module (its binary cannot run here). Only the surface Beacon's
 * main process and preload use, recording what they do so tests can assert on it.
 * Use it from a vi.mock factory (never automock: that loads the real electron/index.js):
 *
 *   vi.mock('electron', async () => (await import('./electron-mock')).electronMock);
 *
 * `ipcRenderer.invoke` is wired to `ipcMain`'s handlers with a fake event whose senderFrame URL
 * is `mockState.senderUrl`, so the preload bridge can be driven end to end.
 */
import { EventEmitter } from 'node:events';

type Listener = (...args: any[]) => any;

export const mockState = {
  senderUrl: 'http://127.0.0.1:1/',
  senderParent: null as unknown,
  exposed: {} as Record<string, any>,
  trays: [] as MockTray[],
  windows: [] as MockBrowserWindow[],
  menus: [] as MockMenu[],
  openedExternal: [] as string[],
  loginItem: { openAtLogin: false },
  sessions: new Map<string, MockSession>(),
  singleInstance: true,
  readyResolve: null as null | (() => void),
};

export class MockMenu {
  constructor(readonly template: any[]) {}
  item(id: string) {
    return this.template.find((i) => i.id === id);
  }
}

export class MockTray extends EventEmitter {
  image: any;
  tooltip = '';
  contextMenu: MockMenu | null = null;
  poppedUp: MockMenu[] = [];
  destroyed = false;
  constructor(image: any) {
    super();
    this.image = image;
    mockState.trays.push(this);
  }
  setImage(image: any) {
    this.image = image;
  }
  setToolTip(t: string) {
    this.tooltip = t;
  }
  title = '';
  setTitle(t: string) {
    this.title = t;
  }
  setContextMenu(m: MockMenu) {
    this.contextMenu = m;
  }
  popUpContextMenu(m: MockMenu) {
    this.poppedUp.push(m);
  }
  getBounds() {
    return { x: 1000, y: 0, width: 22, height: 22 };
  }
  destroy() {
    this.destroyed = true;
  }
}

export class MockWebContents extends EventEmitter {
  sent: Array<[string, unknown]> = [];
  windowOpenHandler: Listener | null = null;
  setWindowOpenHandler(h: Listener) {
    this.windowOpenHandler = h;
  }
  send(channel: string, payload: unknown) {
    this.sent.push([channel, payload]);
  }
  isDevToolsOpened() {
    return false;
  }
}

export class MockBrowserWindow extends EventEmitter {
  webContents = new MockWebContents();
  visible = false;
  destroyed = false;
  position: [number, number] = [0, 0];
  loadedUrl: string | null = null;
  constructor(readonly options: any) {
    super();
    mockState.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  setVisibleOnAllWorkspaces() {}
  loadURL(url: string) {
    this.loadedUrl = url;
    return Promise.resolve();
  }
  isVisible() {
    return this.visible;
  }
  show() {
    this.visible = true;
  }
  hide() {
    this.visible = false;
  }
  focus() {}
  setPosition(x: number, y: number) {
    this.position = [x, y];
  }
  isDestroyed() {
    return this.destroyed;
  }
  destroy() {
    this.destroyed = true;
  }
}

export class MockSession {
  permissionRequestHandler: Listener | null = null;
  permissionCheckHandler: Listener | null = null;
  beforeRequest: Listener | null = null;
  headersReceived: Listener | null = null;
  webRequest = {
    onBeforeRequest: (l: Listener) => (this.beforeRequest = l),
    onHeadersReceived: (l: Listener) => (this.headersReceived = l),
  };
  setPermissionRequestHandler(h: Listener) {
    this.permissionRequestHandler = h;
  }
  setPermissionCheckHandler(h: Listener) {
    this.permissionCheckHandler = h;
  }
}

class MockApp extends EventEmitter {
  isPackaged = false;
  quitCalls = 0;
  dock = { hidden: false, hide: () => (this.dock.hidden = true) };
  whenReady() {
    return new Promise<void>((r) => (mockState.readyResolve = r));
  }
  requestSingleInstanceLock() {
    return mockState.singleInstance;
  }
  getLoginItemSettings() {
    return { ...mockState.loginItem };
  }
  setLoginItemSettings(s: { openAtLogin: boolean }) {
    mockState.loginItem.openAtLogin = s.openAtLogin;
  }
  /** Like Electron: emits before-quit; quits unless a listener prevented it. */
  quit() {
    this.quitCalls += 1;
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) this.emit('quit-done');
  }
  exit() {}
}

export const app = new MockApp();

export const ipcMainHandlers = new Map<string, Listener>();
export const ipcMain = {
  handle(channel: string, listener: Listener) {
    if (ipcMainHandlers.has(channel)) throw new Error(`second handler for ${channel}`);
    ipcMainHandlers.set(channel, listener);
  },
  removeHandler(channel: string) {
    ipcMainHandlers.delete(channel);
  },
};

const rendererEvents = new EventEmitter();
export const ipcRenderer = {
  async invoke(channel: string, ...args: unknown[]) {
    const handler = ipcMainHandlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    // Electron structured-clones arguments and results; JSON round trip is close enough here.
    const cloned = JSON.parse(JSON.stringify(args ?? [])) as unknown[];
    const event = { senderFrame: { url: mockState.senderUrl, parent: mockState.senderParent } };
    const result = await handler(event, ...cloned);
    return result === undefined ? undefined : JSON.parse(JSON.stringify(result));
  },
  on: (channel: string, l: Listener) => rendererEvents.on(channel, l),
  removeListener: (channel: string, l: Listener) => rendererEvents.removeListener(channel, l),
  /** Test helper: deliver a main -> renderer message. */
  emitFromMain: (channel: string, payload: unknown) => rendererEvents.emit(channel, { sender: 'ipcRenderer' }, payload),
  listenerCount: (channel: string) => rendererEvents.listenerCount(channel),
};

export const contextBridge = {
  exposeInMainWorld(key: string, api: unknown) {
    mockState.exposed[key] = api;
  },
};

export const Menu = {
  buildFromTemplate(template: any[]) {
    const m = new MockMenu(template);
    mockState.menus.push(m);
    return m;
  },
};

export const nativeImage = {
  createFromPath: (path: string) => ({ path, template: false, setTemplateImage(v: boolean) { this.template = v; } }),
  createEmpty: () => ({ path: null, empty: true, setTemplateImage() {} }),
};

function sessionFor(name: string): MockSession {
  let s = mockState.sessions.get(name);
  if (!s) mockState.sessions.set(name, (s = new MockSession()));
  return s;
}
export const session = {
  get defaultSession() {
    return sessionFor('default');
  },
  fromPartition: (p: string) => sessionFor(p),
};

export const screen = {
  getDisplayMatching: () => ({ workArea: { x: 0, y: 25, width: 1440, height: 875 } }),
  getDisplayNearestPoint: () => ({ workArea: { x: 0, y: 25, width: 1440, height: 875 } }),
  getCursorScreenPoint: () => ({ x: 0, y: 0 }),
};

export const shell = {
  openExternal: async (url: string) => {
    mockState.openedExternal.push(url);
  },
};

export const Tray = MockTray;
export const BrowserWindow = MockBrowserWindow;

export const electronMock = { app, ipcMain, ipcRenderer, contextBridge, Menu, nativeImage, session, screen, shell, Tray, BrowserWindow };
