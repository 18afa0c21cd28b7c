/**
 * The IPC handler bodies: what each schema channel does, in terms of the AppRuntime and two
 * things only Electron can do (login items, quitting), passed in so this stays testable.
 */
import type { IpcHandlers, LoginItemState } from '../shared/ipc';
import type { AppRuntime } from './app-runtime';

export interface LoginItems {
  get(): LoginItemState;
  set(openAtLogin: boolean): LoginItemState;
}

export function createIpcHandlers(runtime: AppRuntime, loginItems: LoginItems, quit: () => void): IpcHandlers {
  return {
    'codex:repair': () => runtime.repairCodexConfig(),
    'capture:pause': () => runtime.pauseCapture(),
    'capture:resume': () => runtime.resumeCapture(),
    'capture:is-paused': () => runtime.paused,
    'login-item:get': () => loginItems.get(),
    'login-item:set': (openAtLogin) => {
      const state = loginItems.set(openAtLogin);
      runtime.model.update({ openAtLogin: state.openAtLogin });
      return state;
    },
    'app:state': () => runtime.model.snapshot(),
    // Answer first, then quit: the renderer's promise resolves instead of dying with the window.
    'app:quit': () => {
      setImmediate(quit);
    },
  };
}
