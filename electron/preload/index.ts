/**
 * The tray window's preload: exposes `window.beacon` (BeaconBridge), one method per IPC channel
 * and nothing else (never ipcRenderer itself: the renderer must not pick channels).
 *
 * The window is sandboxed, and a sandboxed preload can `require` only 'electron' (and a few
 * built-ins): it must not load our other files at runtime. So this file imports the schema with
 * `import type` (erased by tsc) and writes the channel table out again below;
 * test/electron-main/ipc.test.ts fails if the two ever differ.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { AppStateSnapshot, BeaconBridge, IpcChannel } from '../shared/ipc';

/** channel -> window.beacon method; must equal ipcSchema in electron/shared/ipc.ts. */
export const PRELOAD_CHANNELS: ReadonlyArray<readonly [IpcChannel, keyof BeaconBridge]> = [
  ['codex:repair', 'repairCodexConfig'],
  ['capture:pause', 'pauseCapture'],
  ['capture:resume', 'resumeCapture'],
  ['capture:is-paused', 'isCapturePaused'],
  ['login-item:get', 'getOpenAtLogin'],
  ['login-item:set', 'setOpenAtLogin'],
  ['app:state', 'getAppState'],
  ['app:quit', 'quit'],
];

/** Must equal APP_STATE_CHANGED in electron/shared/ipc.ts. */
export const PRELOAD_STATE_CHANNEL = 'app:state-changed';

export function buildBridge(): BeaconBridge {
  const bridge: Record<string, unknown> = {};
  for (const [channel, method] of PRELOAD_CHANNELS) {
    // Arguments are forwarded as given; the main process validates them against the schema.
    bridge[method] = (...args: unknown[]) => ipcRenderer.invoke(channel, ...args);
  }
  bridge.onStateChanged = (listener: (state: AppStateSnapshot) => void) => {
    if (typeof listener !== 'function') throw new TypeError('onStateChanged needs a function');
    // Wrap so the page never sees the IpcRendererEvent (it carries `sender`, i.e. ipcRenderer).
    const wrapped = (_event: IpcRendererEvent, state: AppStateSnapshot) => listener(state);
    ipcRenderer.on(PRELOAD_STATE_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(PRELOAD_STATE_CHANNEL, wrapped);
    };
  };
  return Object.freeze(bridge) as unknown as BeaconBridge;
}

contextBridge.exposeInMainWorld('beacon', buildBridge());
