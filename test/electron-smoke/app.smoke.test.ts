/**
 * Smoke test of the real app under Electron, through Playwright's `_electron`: launch the
 * compiled main process, find the tray window (created hidden once the dashboard is up), and
 * check it loaded the dashboard's tray view with the preload bridge in place.
 *
 * Runs where the Electron binary exists (macOS CI: .github/workflows/release-macos.yml, after
 * `npx install-electron --no` and `npm run build`). On the Linux dev machines the binary cannot
 * be downloaded, so the test skips, saying why. Point BEACON_ELECTRON_PATH at another Electron
 * executable to override where it is looked for.
 *
 *   npx vitest run test/electron-smoke
 */
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const MAIN_ENTRY = join(ROOT, 'out', 'electron', 'main', 'index.js');

/** Where `require('electron')` would point, WITHOUT requiring it (that would try to download it). */
function electronExecutable(): string | null {
  if (process.env.BEACON_ELECTRON_PATH) return process.env.BEACON_ELECTRON_PATH;
  const pkg = join(ROOT, 'node_modules', 'electron');
  const pathFile = join(pkg, 'path.txt');
  if (!existsSync(pathFile)) return null;
  return join(pkg, 'dist', readFileSync(pathFile, 'utf8').trim());
}

const electronPath = electronExecutable();
const skipReason =
  !electronPath || !existsSync(electronPath)
    ? 'Electron binary not installed (it cannot be downloaded on this Linux machine); this smoke test runs on macOS CI via .github/workflows/release-macos.yml'
    : undefined;
if (skipReason) console.warn(`[electron-smoke] skipped: ${skipReason}`);

describe('Beacon.app under Electron', () => {
  it.skipIf(skipReason)('starts in the menu bar and its tray window loads the dashboard', { timeout: 120_000 }, async () => {
    expect(existsSync(MAIN_ENTRY), `${MAIN_ENTRY} is missing: run \`npm run build\` first`).toBe(true);
    const { _electron } = await import('playwright-core');
    const home = await mkdtemp(join(tmpdir(), 'beacon-smoke-'));
    // Port 0: never collide with a collector the CI machine may already run on 4318.
    await mkdir(join(home, 'endpoint'), { recursive: true });
    await writeFile(join(home, 'endpoint', 'config.json'), JSON.stringify({ otlp_http_port: 0, runtime_log: join(home, 'logs', 'runtime.jsonl') }));
    const app = await _electron.launch({
      executablePath: electronPath!,
      args: [MAIN_ENTRY],
      // process.env for DISPLAY and the like, but never the user's homes.
      env: { ...process.env, HOME: home, CODEX_HOME: join(home, '.codex'), BEACON_HOME: join(home, 'endpoint'), ELECTRON_ENABLE_LOGGING: '1' } as Record<string, string>,
    });
    try {
      expect(await app.evaluate(({ app: a }) => a.isReady())).toBe(true);
      const page = await app.firstWindow();
      // The token link redirects to the same page without the token (the cookie carries it).
      await page.waitForURL((u) => u.hostname === '127.0.0.1' && u.searchParams.get('view') === 'tray' && !u.searchParams.has('token'));
      await page.getByTestId('tray-feed').waitFor();
      const state = await page.evaluate(() => (window as unknown as { beacon: { getAppState(): Promise<{ role: string; logPath: string }> } }).beacon.getAppState());
      expect(state.role).toBe('host');
      expect(state.logPath).toBe(join(home, 'logs', 'runtime.jsonl'));
      // The page has no Node.
      expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe('undefined');
    } finally {
      await app.close();
      await rm(home, { recursive: true, force: true });
    }
  });
});
