/**
 * The typed IPC, end to end without Electron: the real preload (electron/preload/index.ts) builds
 * window.beacon on a mocked contextBridge; its ipcRenderer.invoke reaches the handlers that
 * registerIpcHandlers put on a mocked ipcMain, with a sender frame URL the test controls.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { APP_STATE_CHANGED, IPC_CHANNELS, createMockBridge, ipcSchema, type AppStateSnapshot, type BeaconBridge, type IpcHandlers } from '../../electron/shared/ipc';
import { registerIpcHandlers } from '../../electron/app/ipc-handlers';

vi.mock('electron', async () => (await import('./electron-mock.js')).electronMock);
import { ipcMain, ipcMainHandlers, ipcRenderer, mockState } from './electron-mock';

const ORIGIN = 'http://127.0.0.1:45678';

const state: AppStateSnapshot = {
  status: 'ok',
  summary: 'Collecting Codex telemetry into /tmp/x/runtime.jsonl',
  role: 'host',
  logPath: '/tmp/x/runtime.jsonl',
  collector: null,
  canPause: true,
  paused: false,
};

let paused = false;
let openAtLogin = false;
let quits = 0;
const handlers: IpcHandlers = {
  'codex:repair': async () => ({ ok: true, message: 'Codex config repaired: /home/u/.codex/config.toml' }),
  'capture:pause': () => {
    paused = true;
    return { ok: true, message: 'paused' };
  },
  'capture:resume': () => {
    paused = false;
    return { ok: true, message: 'resumed' };
  },
  'capture:is-paused': () => paused,
  'login-item:get': () => ({ openAtLogin, supported: true }),
  'login-item:set': (value) => {
    openAtLogin = value;
    return { openAtLogin, supported: true };
  },
  'app:state': () => ({ ...state, paused }),
  'app:quit': () => {
    quits += 1;
  },
};

let bridge: BeaconBridge;
let preload: typeof import('../../electron/preload/index.js');

beforeAll(async () => {
  registerIpcHandlers(ipcMain, handlers, () => ORIGIN);
  preload = await import('../../electron/preload/index.js');
  bridge = mockState.exposed.beacon as BeaconBridge;
});

beforeEach(() => {
  mockState.senderUrl = `${ORIGIN}/?view=tray`;
  mockState.senderParent = null;
});

describe('the preload exposes window.beacon generated from the schema', () => {
  it('has exactly one method per schema channel plus onStateChanged, and nothing else', () => {
    const expected = [...IPC_CHANNELS.map((c) => ipcSchema[c].method), 'onStateChanged'].sort();
    expect(Object.keys(bridge).sort()).toEqual(expected);
    expect(Object.isFrozen(bridge)).toBe(true);
    // Never ipcRenderer itself or a generic send/invoke.
    expect(bridge).not.toHaveProperty('invoke');
    expect(bridge).not.toHaveProperty('send');
  });

  it("the preload's hand-written channel table equals the schema (the sandboxed preload cannot import it)", () => {
    expect(preload.PRELOAD_CHANNELS.map(([c, m]) => [c, m])).toEqual(IPC_CHANNELS.map((c) => [c, ipcSchema[c].method]));
    expect(preload.PRELOAD_STATE_CHANNEL).toBe(APP_STATE_CHANGED);
  });

  it('registers a main-process handler for every channel', () => {
    expect([...ipcMainHandlers.keys()].sort()).toEqual([...IPC_CHANNELS].sort());
  });
});

describe('round trips', () => {
  it('returns the typed results the handlers produce', async () => {
    await expect(bridge.repairCodexConfig()).resolves.toEqual({ ok: true, message: 'Codex config repaired: /home/u/.codex/config.toml' });
    await expect(bridge.isCapturePaused()).resolves.toBe(false);
    await expect(bridge.pauseCapture()).resolves.toEqual({ ok: true, message: 'paused' });
    await expect(bridge.isCapturePaused()).resolves.toBe(true);
    await expect(bridge.getAppState()).resolves.toMatchObject({ status: 'ok', paused: true, logPath: '/tmp/x/runtime.jsonl' });
    await expect(bridge.resumeCapture()).resolves.toEqual({ ok: true, message: 'resumed' });
    await expect(bridge.setOpenAtLogin(true)).resolves.toEqual({ openAtLogin: true, supported: true });
    await expect(bridge.getOpenAtLogin()).resolves.toEqual({ openAtLogin: true, supported: true });
    await expect(bridge.quit()).resolves.toBeUndefined();
    expect(quits).toBe(1);
  });

  it('pushes state changes to onStateChanged listeners without leaking the IPC event, and unsubscribes', () => {
    const seen: unknown[][] = [];
    const off = bridge.onStateChanged((...args: unknown[]) => seen.push(args));
    ipcRenderer.emitFromMain(APP_STATE_CHANGED, { ...state, status: 'paused' });
    expect(seen).toEqual([[{ ...state, status: 'paused' }]]);
    off();
    expect(ipcRenderer.listenerCount(APP_STATE_CHANGED)).toBe(0);
    ipcRenderer.emitFromMain(APP_STATE_CHANGED, state);
    expect(seen).toHaveLength(1);
  });
});

describe('the main process refuses what it must', () => {
  it('rejects a sender from another origin, and the handler never runs', async () => {
    mockState.senderUrl = 'https://evil.example/';
    await expect(bridge.pauseCapture()).rejects.toThrow(/IPC refused: https:\/\/evil.example is not the Beacon dashboard/);
    mockState.senderUrl = 'http://127.0.0.1:45678.evil.example/';
    await expect(bridge.quit()).rejects.toThrow(/IPC refused/);
    mockState.senderUrl = 'http://127.0.0.1:45679/';
    await expect(bridge.setOpenAtLogin(false)).rejects.toThrow(/IPC refused/);
    expect(paused).toBe(false);
    expect(openAtLogin).toBe(true);
    expect(quits).toBe(1);
  });

  it('rejects a sub-frame of the dashboard origin', async () => {
    mockState.senderParent = { url: ORIGIN };
    await expect(bridge.getAppState()).rejects.toThrow(/only the top frame/);
  });

  it('rejects bad argument types and counts', async () => {
    const raw = bridge as unknown as Record<string, (...a: unknown[]) => Promise<unknown>>;
    await expect(raw.setOpenAtLogin('yes')).rejects.toThrow(/argument 1 of login-item:set must be a boolean/);
    await expect(raw.setOpenAtLogin()).rejects.toThrow(/login-item:set takes 1 argument\(s\), got 0/);
    await expect(raw.pauseCapture({ evil: true })).rejects.toThrow(/capture:pause takes 0 argument\(s\), got 1/);
    expect(openAtLogin).toBe(true);
    expect(paused).toBe(false);
  });

  it('rejects everything before the dashboard origin is known', async () => {
    const { ipcMain: fresh } = { ipcMain: { handlers: new Map<string, any>(), handle(c: string, l: any) { this.handlers.set(c, l); }, removeHandler(c: string) { this.handlers.delete(c); } } };
    const remove = registerIpcHandlers(fresh, handlers, () => null);
    await expect(fresh.handlers.get('app:state')({ senderFrame: { url: ORIGIN, parent: null } })).rejects.toThrow(/IPC refused/);
    remove();
    expect(fresh.handlers.size).toBe(0);
  });
});

describe('createMockBridge (for renderer tests)', () => {
  it('behaves like the app: pause then is-paused, records calls, pushes state', async () => {
    const mock = createMockBridge({ repairCodexConfig: async () => ({ ok: false, message: 'config.toml is not valid TOML' }) });
    await expect(mock.repairCodexConfig()).resolves.toEqual({ ok: false, message: 'config.toml is not valid TOML' });
    await mock.pauseCapture();
    await expect(mock.isCapturePaused()).resolves.toBe(true);
    await expect(mock.getAppState()).resolves.toMatchObject({ status: 'paused', paused: true });
    const got: AppStateSnapshot[] = [];
    mock.onStateChanged((s) => got.push(s));
    mock.emitState(state);
    expect(got).toEqual([state]);
    expect(mock.calls.map(([m]) => m)).toEqual(['repairCodexConfig', 'pauseCapture', 'isCapturePaused', 'getAppState']);
  });
});
