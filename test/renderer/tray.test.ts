/**
 * The tray face (`#/tray`, about 380 x 560) in a real Chromium against the real dashboard server
 * and the real collector: what a developer sees when they click the menu-bar icon.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { buildRenderer } from './support/build-renderer';
import { startStack, type Stack } from './support/env';
import * as E from './support/events';
import { BRIDGE_CALLS, mockBridgeScript } from './support/mock-bridge';

const SCREENSHOTS = resolve(__dirname, '../../test-artifacts/screenshots');
const TRAY = { width: 380, height: 560 };
const LIVE_TIMEOUT = 15_000;

let built: Awaited<ReturnType<typeof buildRenderer>>;
let stack: Stack;
let page: Page;

const session: E.SessionSpec = { id: '019ab2c4-7d1e-7a10-9c2f-5be0c1d2e3f4', cwd: '/home/dev/acme-app' };

function feedRow(text: string) {
  return page.getByTestId('feed-events').locator('li', { hasText: text });
}

beforeAll(async () => {
  built = await buildRenderer();
  stack = await startStack({ staticDir: built.dir, collector: true, viewport: TRAY });
  await mkdir(SCREENSHOTS, { recursive: true });
  page = await stack.open('#/tray');
  await page.getByTestId('health').waitFor();
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await built?.cleanup();
});

describe('tray view', () => {
  it('tells a new user what to do when there is no activity yet, with a green light', async () => {
    await page.getByTestId('empty-activity').waitFor();
    const empty = await page.getByTestId('empty-activity').innerText();
    expect(empty).toContain('No Codex activity yet.');
    expect(empty).toContain('beacon endpoint install');
    await page.locator('[data-testid="health"][data-level="ok"]').waitFor({ timeout: LIVE_TIMEOUT });
    expect(await page.getByTestId('health-title').innerText()).toContain('Healthy');
    await page.screenshot({ path: join(SCREENSHOTS, 'tray-empty-light.png') });
  });

  it('shows Codex activity live as it is written to the runtime log, without a reload', async () => {
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    await stack.append([
      E.sessionStarted(session),
      E.promptSubmitted(session, 'Add a health endpoint and make the tests pass'),
      E.approvalAllowed(session, 'npm test', 'call_1'),
      E.commandExecuted(session, 'npm test', { exit: 1, durationMs: 1234, callId: 'call_1' }),
      E.fileModified(session, 'src/app.ts', 'add'),
      E.commandExecuted(session, 'npm test', { exit: 0, durationMs: 2100, callId: 'call_2' }),
      E.tokenUsage(session, { input: 1500, cached: 500, output: 180, reasoning: 20 }),
    ]);
    await feedRow('npm test').first().waitFor({ timeout: LIVE_TIMEOUT });
    await feedRow('src/app.ts').waitFor({ timeout: LIVE_TIMEOUT });

    expect(await feedRow('You asked').innerText()).toContain('You asked: “Add a health endpoint and make the tests pass”');
    const failed = await page.getByTestId('feed-events').locator('li', { hasText: 'failed' }).innerText();
    expect(failed).toMatch(/Codex ran\s+npm test\s+— failed \(exit 1\) in 1\.2 s/);
    expect(await feedRow('src/app.ts').innerText()).toMatch(/Codex created\s+src\/app\.ts/);
    expect(await feedRow('You approved').innerText()).toContain('npm test');
    // Newest first: the successful re-run is above the failure.
    const order = await page.getByTestId('feed-events').locator('li').allInnerTexts();
    expect(order.findIndex((t) => t.includes('succeeded'))).toBeLessThan(order.findIndex((t) => t.includes('failed')));
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  });

  it("shows the current session's token counts: input, cached, output, reasoning, total", async () => {
    const total = page.getByTestId('token-summary').locator('[data-token="total"] dd');
    await page.waitForFunction(() => document.querySelector('[data-testid="token-summary"] [data-token="total"] dd')?.textContent === '2,200', null, {
      timeout: LIVE_TIMEOUT,
    });
    expect(await total.innerText()).toBe('2,200');
    const cell = (k: string) => page.getByTestId('token-summary').locator(`[data-token="${k}"] dd`).innerText();
    expect([await cell('input'), await cell('cached_input'), await cell('output'), await cell('reasoning')]).toEqual(['1,500', '500', '180', '20']);
  });

  it('turns a real Codex OTLP capture posted to the real collector into feed lines', async () => {
    const body = await readFile(resolve(__dirname, '../fixtures/codex-0.169.0/logs-otlp-http-protobuf.bin'));
    const res = await fetch(`${stack.collector!.url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body });
    expect(res.status).toBe(200);
    const row = feedRow('hello-from-tool');
    await row.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await row.innerText()).toMatch(/Codex ran\s+echo hello-from-tool > out\.txt; cat out\.txt\s+— succeeded/);
    expect(await feedRow('write hello to out.txt').innerText()).toContain('You asked:');
  });

  it('opens an event with Enter to show its raw JSON, and closes it with Escape', async () => {
    const row = feedRow('src/app.ts');
    await row.focus();
    await page.keyboard.press('Enter');
    const json = page.getByTestId('event-json');
    await json.waitFor();
    const parsed = JSON.parse(await json.innerText());
    expect(parsed.event.action).toBe('file.modified');
    expect(parsed.file).toEqual({ path: 'src/app.ts', operation: 'add', diff_bytes: 120, diff_hash: 'sha256:0f2c' });
    await page.keyboard.press('Escape');
    await page.getByTestId('event-detail').waitFor({ state: 'detached' });
    // Focus goes back to the row the user came from.
    expect(await page.evaluate(() => document.activeElement?.textContent ?? '')).toContain('src/app.ts');
  });

  it('saves tray screenshots in the light and dark themes', async () => {
    // Show the feed as a person opening the tray sees it: newest at the top, nothing focused.
    await page.evaluate(() => {
      (document.activeElement as HTMLElement | null)?.blur();
      document.querySelector('[data-testid="tray-feed"]')?.scrollTo(0, 0);
    });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: join(SCREENSHOTS, 'tray-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    expect(bg).toBe('rgb(20, 23, 28)');
    await page.screenshot({ path: join(SCREENSHOTS, 'tray-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('shows action buttons only inside the app, and they go through the bridge, never HTTP', async () => {
    expect(await page.getByTestId('bridge-actions').count()).toBe(0);

    const script = await mockBridgeScript();
    const inApp = await stack.open('#/tray', { beforeLoad: async (p) => {
        await p.addInitScript({ content: script });
      }, });
    const writes: string[] = [];
    inApp.on('request', (r) => {
      if (r.method() !== 'GET') writes.push(`${r.method()} ${r.url()}`);
    });
    await inApp.getByTestId('bridge-actions').waitFor();
    // Healthy: no repair button to tempt anyone.
    expect(await inApp.getByRole('button', { name: 'Repair Codex config' }).count()).toBe(0);

    await inApp.getByRole('button', { name: 'Pause capture' }).click();
    await inApp.getByTestId('capture-paused').waitFor();
    await inApp.getByRole('button', { name: 'Resume capture' }).click();
    await inApp.getByRole('button', { name: 'Pause capture' }).waitFor();
    await inApp.getByTestId('capture-paused').waitFor({ state: 'detached' });
    await inApp.getByRole('checkbox', { name: 'Open at login' }).check();
    await inApp.getByRole('button', { name: 'Quit' }).click();

    const calls = (await inApp.evaluate(BRIDGE_CALLS)) as Array<[string, unknown[]]>;
    const actions = calls.filter(([m]) => !['getAppState', 'isCapturePaused', 'getOpenAtLogin'].includes(m));
    expect(actions).toEqual([
      ['pauseCapture', []],
      ['resumeCapture', []],
      ['setOpenAtLogin', [true]],
      ['quit', []],
    ]);
    expect(writes).toEqual([]);
    await inApp.close();
  });

  it('runs without console errors or CSP violations', () => {
    expect(stack.browser.errors).toEqual([]);
  });

  it('never requests anything but its own loopback origin', () => {
    const origin = new URL(stack.dashboard.url).origin;
    const foreign = stack.browser.requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'));
    expect(stack.browser.requests.length).toBeGreaterThan(3);
    expect(foreign).toEqual([]);
  });

  // Last: it stops the collector.
  it('goes red with the reason and the fix when the collector stops', async () => {
    await stack.collector!.close();
    // The server re-probes the collector on its stream tick and pushes the change.
    await page.locator('[data-testid="health"][data-level="error"]').waitFor({ timeout: 40_000 });
    expect(await page.getByTestId('health-title').innerText()).toContain('Collector down');
    expect(await page.getByTestId('health-reason').innerText()).toContain('Codex telemetry is being lost');
    expect(await page.getByTestId('health-fix').locator('code').innerText()).toBe('beacon endpoint repair');
    await page.screenshot({ path: join(SCREENSHOTS, 'tray-collector-down-light.png') });
  }, 60_000);
});

describe('tray view when Codex is not configured', () => {
  let other: Stack;

  beforeAll(async () => {
    other = await startStack({
      staticDir: built.dir,
      viewport: TRAY,
      codexStatus: { configured: false, reason: 'Codex has no [otel] exporter pointing at Beacon.' },
    });
  }, 60_000);
  afterAll(async () => {
    await other?.close();
  });

  it('warns with the reason, offers the fix command, and repairs through the bridge', async () => {
    const p = await other.open('#/tray', { beforeLoad: async (pg) => {
        await pg.addInitScript({ content: await mockBridgeScript() });
      }, });
    await p.locator('[data-testid="health"][data-level="warn"]').waitFor({ timeout: LIVE_TIMEOUT });
    expect(await p.getByTestId('health-title').innerText()).toContain('Codex not configured');
    expect(await p.getByTestId('health-reason').innerText()).toBe('Codex has no [otel] exporter pointing at Beacon.');
    expect(await p.getByTestId('health-fix').locator('code').innerText()).toBe('beacon endpoint repair');
    await p.getByRole('button', { name: 'Repair Codex config' }).click();
    await p.getByTestId('action-note').waitFor();
    expect(await p.getByTestId('action-note').innerText()).toBe('Codex config repaired');
    expect(((await p.evaluate(BRIDGE_CALLS)) as Array<[string, unknown[]]>).filter(([m]) => m === 'repairCodexConfig')).toHaveLength(1);
    await p.screenshot({ path: join(SCREENSHOTS, 'tray-codex-not-configured-in-app-light.png') });
  });
});
