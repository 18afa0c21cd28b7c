/**
 * Which PNG the tray shows for each status, and where to find it.
 *
 * Icons are macOS template images (black + alpha; the name ends in "Template" so macOS tints
 * them for light and dark menu bars; Electron picks the @2x file next to it on retina screens).
 * Packaged, they live in Contents/Resources (process.resourcesPath); in development, in the
 * repo's resources/ (tray/ in both cases; drawn by build/generate-tray-icons.cjs).
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { TrayStatus } from '../shared/ipc';

export const TRAY_ICON_FILES: Record<TrayStatus, string> = {
  ok: 'tray/beaconOkTemplate.png',
  warn: 'tray/beaconWarnTemplate.png',
  error: 'tray/beaconErrorTemplate.png',
  paused: 'tray/beaconPausedTemplate.png',
};

export interface IconLocation {
  /** process.resourcesPath when packaged. */
  resourcesPath?: string;
  isPackaged: boolean;
  /** The repo root in development (where resources/ is). */
  appRoot: string;
}

export function resourcesDir(loc: IconLocation): string {
  return loc.isPackaged && loc.resourcesPath ? loc.resourcesPath : join(loc.appRoot, 'resources');
}

/** The first existing file for `status`, or null (the caller then shows an empty image and logs it). */
export function trayIconPath(status: TrayStatus, loc: IconLocation, exists: (p: string) => boolean = existsSync): string | null {
  const dir = resourcesDir(loc);
  const p = join(dir, TRAY_ICON_FILES[status]);
  return exists(p) ? p : null;
}

/**
 * The repo root in development: the nearest ancestor of `startDir` with a package.json and a
 * resources/ dir (electron/main from sources, out/electron/main when compiled).
 */
export function findAppRoot(startDir: string, exists: (p: string) => boolean = existsSync): string {
  let dir = startDir;
  for (;;) {
    if (exists(join(dir, 'package.json')) && exists(join(dir, 'resources'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return startDir;
    dir = parent;
  }
}
