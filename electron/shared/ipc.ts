/**
 * The typed IPC contract between the tray window (renderer) and the app's main process.
 *
 * IPC carries ONLY what the read-only dashboard HTTP API must never do: repair the Codex config,
 * pause / resume capture, open at login, quit, and the app's own state. Everything else (events,
 * sessions, health) is read over HTTP so that the same renderer works in a plain browser.
 *
 * `ipcSchema` is the single definition. From it derive:
 *   - the main-process registration (electron/app/ipc-handlers.ts: registerIpcHandlers), which
 *     validates every argument with the checkers below and rejects senders from other origins;
 *   - the preload bridge (electron/preload/index.ts), which exposes one method per channel;
 *   - `BeaconBridge`, the type of `window.beacon` that the renderer feature-detects;
 *   - createMockBridge(), for renderer tests.
 *
 * This file is imported by the renderer (its tsconfig includes electron/shared), so it must not
 * import Node or Electron modules, and the sandboxed preload may only `import type` from it.
 */

/** A runtime check of one IPC argument: IPC data comes from a renderer we do not trust blindly. */
export type ArgCheck<T> = ((value: unknown) => value is T) & { describe: string };

/** Phantom marker for a channel's result type (no runtime value). */
export interface Returns<R> {
  readonly __returns?: R;
}

export interface ChannelDef<M extends string, A extends readonly unknown[], R> {
  /** The name of the method on `window.beacon`. */
  readonly method: M;
  readonly args: { readonly [K in keyof A]: ArgCheck<A[K]> };
  readonly returns: Returns<R>;
}

function check<T>(describe: string, test: (value: unknown) => boolean): ArgCheck<T> {
  const fn = ((value: unknown) => test(value)) as ArgCheck<T>;
  fn.describe = describe;
  return fn;
}

export const isBoolean: ArgCheck<boolean> = check<boolean>('a boolean', (v) => typeof v === 'boolean');

function returns<R>(): Returns<R> {
  return {};
}

function channel<M extends string, A extends readonly unknown[], R>(
  method: M,
  args: { readonly [K in keyof A]: ArgCheck<A[K]> },
  result: Returns<R>,
): ChannelDef<M, A, R> {
  return { method, args, returns: result };
}

// ---------------------------------------------------------------------------------------------
// Payload types

/** The outcome of an action the user triggered; `message` is shown as is. */
export interface ActionResult {
  ok: boolean;
  message: string;
}

export interface LoginItemState {
  openAtLogin: boolean;
  /** false where Electron cannot register login items (Linux): the UI hides or disables it. */
  supported: boolean;
}

/** The tray's four faces. */
export type TrayStatus = 'ok' | 'warn' | 'error' | 'paused';

/** Which collector feeds this app's view. */
export type CollectorRoleName = 'starting' | 'host' | 'attach' | 'blocked';

export interface AppStateSnapshot {
  status: TrayStatus;
  /** One line for the tooltip and the window header. */
  summary: string;
  role: CollectorRoleName;
  /** The runtime log the dashboard reads. */
  logPath: string | null;
  /** When attached: the collector that writes it. */
  collector: { pid: number; mode: string; port: number } | null;
  /** Pausing is possible only when this app hosts the collector. */
  canPause: boolean;
  paused: boolean;
}

// ---------------------------------------------------------------------------------------------
// The schema

export const ipcSchema = {
  'codex:repair': channel('repairCodexConfig', [], returns<ActionResult>()),
  'capture:pause': channel('pauseCapture', [], returns<ActionResult>()),
  'capture:resume': channel('resumeCapture', [], returns<ActionResult>()),
  'capture:is-paused': channel('isCapturePaused', [], returns<boolean>()),
  'login-item:get': channel('getOpenAtLogin', [], returns<LoginItemState>()),
  'login-item:set': channel('setOpenAtLogin', [isBoolean] as const, returns<LoginItemState>()),
  'app:state': channel('getAppState', [], returns<AppStateSnapshot>()),
  'app:quit': channel('quit', [], returns<void>()),
} as const;

/** Main -> renderer push: the new AppStateSnapshot whenever it changes. */
export const APP_STATE_CHANGED = 'app:state-changed';

export type IpcSchema = typeof ipcSchema;
export type IpcChannel = keyof IpcSchema;
export type ArgsOf<C extends IpcChannel> = IpcSchema[C] extends ChannelDef<string, infer A, unknown> ? A : never;
export type ResultOf<C extends IpcChannel> = IpcSchema[C] extends ChannelDef<string, readonly unknown[], infer R> ? R : never;
export type MethodOf<C extends IpcChannel> = IpcSchema[C]['method'];

/** Every channel name, for code that must list them at runtime. */
export const IPC_CHANNELS = Object.keys(ipcSchema) as IpcChannel[];

/** What the main process implements: one function per channel, arguments already validated. */
export type IpcHandlers = { [C in IpcChannel]: (...args: ArgsOf<C>) => ResultOf<C> | Promise<ResultOf<C>> };

type BridgeMethods = {
  [C in IpcChannel as MethodOf<C>]: (...args: [...ArgsOf<C>]) => Promise<ResultOf<C>>;
};

/**
 * `window.beacon` inside the Beacon app (absent in a browser). Each method is one IPC call; the
 * promise rejects when the main process refuses it (bad argument, untrusted page).
 */
export interface BeaconBridge extends BridgeMethods {
  /** Subscribe to state changes pushed by the main process; returns the unsubscribe function. */
  onStateChanged(listener: (state: AppStateSnapshot) => void): () => void;
}

/** The preload's channel table, written out by hand (see electron/preload/index.ts); a test keeps both equal. */
export const BRIDGE_METHODS: ReadonlyArray<readonly [IpcChannel, string]> = IPC_CHANNELS.map((c) => [c, ipcSchema[c].method] as const);

// ---------------------------------------------------------------------------------------------
// Test double for renderer tests

export interface MockBridge extends BeaconBridge {
  /** Every call made, in order: [method, args]. */
  readonly calls: Array<[string, unknown[]]>;
  /** Push a state to onStateChanged listeners, as the main process would. */
  emitState(state: AppStateSnapshot): void;
}

/**
 * A `window.beacon` stand-in whose methods resolve with the given overrides (or plain defaults).
 * Pass a function to control a method's result per call.
 */
export function createMockBridge(overrides: Partial<BridgeMethods> = {}): MockBridge {
  const listeners = new Set<(state: AppStateSnapshot) => void>();
  const calls: Array<[string, unknown[]]> = [];
  let paused = false;
  let openAtLogin = false;
  const defaults: BridgeMethods = {
    repairCodexConfig: async () => ({ ok: true, message: 'Codex config repaired' }),
    pauseCapture: async () => {
      paused = true;
      return { ok: true, message: 'Capture paused' };
    },
    resumeCapture: async () => {
      paused = false;
      return { ok: true, message: 'Capture resumed' };
    },
    isCapturePaused: async () => paused,
    getOpenAtLogin: async () => ({ openAtLogin, supported: true }),
    setOpenAtLogin: async (value: boolean) => {
      openAtLogin = value;
      return { openAtLogin, supported: true };
    },
    getAppState: async () => ({
      status: paused ? 'paused' : 'ok',
      summary: paused ? 'Capture paused' : 'Collecting Codex telemetry',
      role: 'host',
      logPath: '/tmp/runtime.jsonl',
      collector: null,
      canPause: true,
      paused,
    }),
    quit: async () => undefined,
  };
  const methods = { ...defaults, ...overrides };
  const bridge = {} as Record<string, unknown>;
  for (const [name, fn] of Object.entries(methods)) {
    bridge[name] = (...args: unknown[]) => {
      calls.push([name, args]);
      return (fn as (...a: unknown[]) => Promise<unknown>)(...args);
    };
  }
  bridge.onStateChanged = (listener: (state: AppStateSnapshot) => void) => {
    listeners.add(listener);
    return () => listeners.delete(listener);
  };
  bridge.calls = calls;
  bridge.emitState = (state: AppStateSnapshot) => {
    for (const l of listeners) l(state);
  };
  return bridge as unknown as MockBridge;
}
