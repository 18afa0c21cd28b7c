/**
 * Beacon's version, from package.json, so events, /healthz and --version agree. tsc copies the
 * imported package.json next to the compiled tree (out/package.json), so the relative import
 * holds both in the sources (vitest) and in out/ (the CLI and the app).
 */
import pkg from '../../package.json';

export const VERSION: string = pkg.version;
export const PRODUCT_NAME = 'Beacon';
