/**
 * Main-process side of the typed IPC (electron/shared/ipc.ts). Registers one `ipcMain.handle`
 * per schema channel and, before calling the handler:
 *   1. rejects senders that are not the top frame of a page from the dashboard origin
 *      (Electron security checklist item 17: validate the sender of every IPC message);
 *   2. rejects argument lists that do not match the schema (count and type).
 * Plain Node: takes a structural `ipcMain` so tests drive it without Electron.
 */
import { IPC_CHANNELS, ipcSchema, type IpcChannel, type IpcHandlers } from '../shared/ipc';

/** The part of Electron's WebFrameMain we look at. */
export interface SenderFrameLike {
  url: string;
  parent?: unknown;
}

export interface IpcInvokeEventLike {
  senderFrame: SenderFrameLike | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export class IpcRejectedError extends Error {}

/**
 * True when `url` is on exactly `allowedOrigin` (scheme, host and port). Parsed, never compared
 * by prefix: `http://127.0.0.1:8765.evil` must not pass for `http://127.0.0.1:8765`.
 */
export function isSameOrigin(url: string | undefined | null, allowedOrigin: string | null): boolean {
  if (!url || !allowedOrigin) return false;
  try {
    return new URL(url).origin === allowedOrigin;
  } catch {
    return false;
  }
}

export function validateSender(event: IpcInvokeEventLike, allowedOrigin: string | null): void {
  const frame = event.senderFrame;
  if (!frame) throw new IpcRejectedError('IPC refused: the sending frame is gone');
  if (frame.parent !== undefined && frame.parent !== null) throw new IpcRejectedError('IPC refused: only the top frame of the Beacon window may call the app');
  if (!isSameOrigin(frame.url, allowedOrigin)) {
    throw new IpcRejectedError(`IPC refused: ${safeOrigin(frame.url)} is not the Beacon dashboard`);
  }
}

export function validateArgs(channel: IpcChannel, args: unknown[]): void {
  const checks = ipcSchema[channel].args as ReadonlyArray<((v: unknown) => boolean) & { describe: string }>;
  if (args.length !== checks.length) {
    throw new IpcRejectedError(`IPC refused: ${channel} takes ${checks.length} argument(s), got ${args.length}`);
  }
  checks.forEach((ok, i) => {
    if (!ok(args[i])) throw new IpcRejectedError(`IPC refused: argument ${i + 1} of ${channel} must be ${ok.describe}`);
  });
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an unknown page';
  }
}

/**
 * Register every channel. `allowedOrigin` is read on each call because the dashboard (and so its
 * port) starts after the handlers are registered. Returns a function that removes them all.
 */
export function registerIpcHandlers(ipcMain: IpcMainLike, handlers: IpcHandlers, allowedOrigin: () => string | null): () => void {
  for (const channel of IPC_CHANNELS) {
    const handler = handlers[channel] as (...args: unknown[]) => unknown;
    ipcMain.handle(channel, async (event, ...args) => {
      validateSender(event, allowedOrigin());
      validateArgs(channel, args);
      return handler(...args);
    });
  }
  return () => {
    for (const channel of IPC_CHANNELS) ipcMain.removeHandler(channel);
  };
}
