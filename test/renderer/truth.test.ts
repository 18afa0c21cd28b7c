/**
 * Issue 12 in a real Chromium against the real collector and dashboard server: what the tray
 * (380 x 600) and the dashboard (1024 and 1440 wide) show must be true and must fit.
 *  - item 1: a patch Codex did not apply reads as a failed patch, never "Codex created ...";
 *    the data is the real Codex 0.169.0 capture posted to the real collector.
 *  - item 7: `beacon endpoint test-event` (run for real) is not a Codex session; the Events
 *    page labels sessions by start time and first prompt; long paths and the sessions table
 *    fit; the header never shows a green "Live" beside a red "Collector down".
 *  - item 8: token parts are labelled, and Codex's own "tokens used" figure sits beside them.
 * Screenshots go to test-artifacts/screenshots/truth-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { sendTestEvent } from '../../electron/endpoint/test-event';
import { buildRenderer } from './support/build-renderer';
import { startStack, type Stack } from './support/env';
import * as E from './support/events';
import { layoutProblems } from './support/layout';

const SCREENSHOTS = resolve(__dirname, '../../test-artifacts/screenshots');
const TRAY = { width: 380, height: 600 };
const LIVE_TIMEOUT = 15_000;
const FIXTURE = resolve(__dirname, '../fixtures/codex-0.169.0-failed-patch/logs.bin');

// The capture's session: 4 token.usage with Codex input 9,900 (cached 6,400) and output 180
// (reasoning 40). Codex printed "tokens used 3,680"; Beacon's disjoint total is 10,080.
const CAPTURE = { prompt: 'fix the greeting in src/hello.ts', total: '10,080', codex: '3,680', input: '3,500', cached: '6,400', output: '140', reasoning: '40' };

const LONG_DIR = '/home/dev/work/clients/northwind-traders-international/platform-monorepo/packages/billing-reconciliation-service';
const LONG_FILE = 'packages/billing-reconciliation-service/src/exporters/invoices/retry-with-exponential-backoff-and-jitter-for-transient-failures.ts';
const LONG_COMMAND = 'npx vitest run packages/billing-reconciliation-service/src/exporters/invoices/retry-with-exponential-backoff-and-jitter.test.ts --reporter=verbose';
// Two sessions in the same repository, started in the same minute: only their prompts tell them apart.
const retries: E.SessionSpec = { id: '019ae111-0000-7000-8000-000000000001', cwd: LONG_DIR, model: 'gpt-5.5' };
const ci: E.SessionSpec = { id: '019ae111-0000-7000-8000-000000000002', cwd: LONG_DIR, model: 'gpt-5.5' };

function earlierSessions() {
  // Before the capture (2026-12-03T12:20Z), so the capture is the newest Codex session.
  E.setClock('2026-12-03T09:00:00.000Z');
  const legacyFailedPatch = () => {
    const e = E.fileModified(ci, 'src/legacy-missing.ts', 'update');
    e.tool!.success = false; // how Beacon before issue 12 wrote a failed patch
    e.severity = 'medium';
    return e;
  };
  return [
    E.sessionStarted(retries),
    E.promptSubmitted(retries, 'Add retries to the invoice exporter'),
    E.commandExecuted(retries, LONG_COMMAND, { exit: 1, durationMs: 4200, callId: 'r1' }),
    E.fileModified(retries, LONG_FILE, 'add'),
    E.tokenUsage(retries, { input: 4000, cached: 12000, output: 300, reasoning: 100 }),
    E.sessionStarted(ci),
    E.promptSubmitted(ci, 'Explain why the CI job fails on main'),
    legacyFailedPatch(),
    E.tokenUsage(ci, { input: 1000, cached: 3000, output: 90, reasoning: 10 }),
  ];
}

let built: Awaited<ReturnType<typeof buildRenderer>>;
let stack: Stack;
let tray: Page;
let dash: Page;

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();

async function shot(page: Page, name: string): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await page.screenshot({ path: join(SCREENSHOTS, `truth-${name}.png`) });
}

beforeAll(async () => {
  built = await buildRenderer();
  stack = await startStack({ staticDir: built.dir, collector: true, viewport: TRAY, events: earlierSessions() });
  await mkdir(SCREENSHOTS, { recursive: true });
  // The real Codex capture through the real collector, then a real `test-event`.
  const res = await fetch(`${stack.collector!.url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: await readFile(FIXTURE) });
  expect(res.status).toBe(200);
  // The stack's log is the one this test configured (a stand-in for config.json naming it).
  const check = await sendTestEvent(stack.collector!.port, { timeoutMs: 10_000, trustedLogs: [stack.logPath] });
  expect(check.ok, check.error).toBe(true);
  tray = await stack.open('#/tray', { colorScheme: 'light' });
  await tray.getByTestId('feed-events').waitFor({ timeout: LIVE_TIMEOUT });
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await built?.cleanup();
});

describe('tray at 380 x 600', () => {
  const feedRows = () => tray.getByTestId('feed-events').locator('li .item-text');

  it('shows the failed patches as failed, and only the applied one as a change', async () => {
    await tray.getByTestId('feed-events').locator('li', { hasText: 'does not exist' }).waitFor({ timeout: LIVE_TIMEOUT });
    const rows = (await feedRows().allInnerTexts()).map(norm);
    expect(rows.filter((t) => t.startsWith('Codex’s patch failed: src/hello.ts'))).toEqual([
      'Codex’s patch failed: src/hello.ts — its context lines are not in the file',
      'Codex’s patch failed: src/hello.ts — the file to update does not exist',
    ]);
    expect(rows.filter((t) => t.startsWith('Codex') && t.includes('src/hello.ts') && !t.startsWith('Codex’s patch failed'))).toEqual(['Codex created src/hello.ts']);
    // The file.modified an older Beacon wrote for a failed patch reads as a failure too.
    expect(rows).toContain('Codex’s patch failed: src/legacy-missing.ts');
    const failedIcon = tray.getByTestId('feed-events').locator('li', { hasText: 'does not exist' }).locator('.item-icon');
    expect(await failedIcon.getAttribute('data-tone')).toBe('bad');
  });

  it('labels the test-event as Beacon validation and never takes it for the current Codex session', async () => {
    const rows = (await feedRows().allInnerTexts()).map(norm);
    expect(rows[0]).toBe('Beacon validation event: the pipeline works (beacon endpoint test-event)');
    const summary = tray.getByTestId('token-summary');
    await tray.waitForFunction((total) => document.querySelector('[data-testid="token-summary"] [data-token="total"] dd')?.textContent === total, CAPTURE.total, { timeout: LIVE_TIMEOUT });
    expect(await summary.locator('[data-token="codex_tokens_used"] dd').innerText()).toBe(CAPTURE.codex);
  });

  it('labels every token number so nobody has to guess, with Codex’s own figure beside them', async () => {
    // innerText: what is on screen (the sums' labels are upper-cased by CSS, qualifiers never).
    const cell = async (k: string) => norm(await tray.getByTestId('token-summary').locator(`[data-token="${k}"]`).innerText());
    expect(await cell('codex_tokens_used')).toBe(`CODEX “TOKENS USED” total − cached ${CAPTURE.codex}`);
    expect(await cell('total')).toBe(`TOTAL incl. cached ${CAPTURE.total}`);
    expect(await cell('input')).toBe(`Input not cached ${CAPTURE.input}`);
    expect(await cell('cached_input')).toBe(`Cached input ${CAPTURE.cached}`);
    expect(await cell('output')).toBe(`Output excl. reasoning ${CAPTURE.output}`);
    expect(await cell('reasoning')).toBe(`Reasoning ${CAPTURE.reasoning}`);
  });

  it('fits long paths and commands in 380 px: nothing spills out or is cut off silently', async () => {
    await tray.getByTestId('feed-events').locator('li', { hasText: 'retry-with-exponential' }).first().waitFor({ timeout: LIVE_TIMEOUT });
    await shot(tray, 'tray-380x600');
    expect(await layoutProblems(tray)).toEqual([]);
    await tray.getByTestId('tray-feed').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await shot(tray, 'tray-380x600-scrolled');
    await tray.getByTestId('tray-feed').evaluate((el) => el.scrollTo(0, 0));
  });
});

describe('tray at 380 x 600 with long everything', () => {
  let other: Stack;
  const deep = '/Users/alexandra.konstantinopoulou/Development/clients/northwind-traders-international/platform-monorepo';
  const s: E.SessionSpec = { id: '019ae222-0000-7000-8000-000000000001', cwd: deep, model: 'gpt-5.5-codex-max-experimental-preview' };

  beforeAll(async () => {
    E.setClock(new Date(Date.now() - 60_000).toISOString());
    other = await startStack({
      staticDir: built.dir,
      viewport: TRAY,
      codexStatus: { configured: false, reason: `Codex config ${deep}/.codex-home-for-this-project/config.toml has no [otel] exporter pointing at Beacon.` },
      events: [
        E.sessionStarted(s),
        E.promptSubmitted(s, `Look at ${deep}/packages/billing-reconciliation-service/src/exporters/invoices/RetryWithExponentialBackoffAndJitterForTransientFailures.ts`),
        E.commandExecuted(s, `cat ${deep}/packages/billing-reconciliation-service/src/exporters/invoices/RetryWithExponentialBackoffAndJitterForTransientFailures.ts`, { exit: 0, durationMs: 12, callId: 'l1' }),
        E.fileModified(s, `${deep}/packages/billing-reconciliation-service/src/exporters/invoices/RetryWithExponentialBackoffAndJitterForTransientFailures.ts`, 'update'),
        E.tokenUsage(s, { input: 123_456_789, cached: 987_654_321, output: 12_345_678, reasoning: 9_876_543 }),
      ],
    });
  }, 60_000);
  afterAll(async () => {
    await other?.close();
  });

  it('wraps long paths, a long model name, big token counts and a long health reason inside 380 px', async () => {
    const p = await other.open('#/tray', { colorScheme: 'light' });
    await p.getByTestId('feed-events').locator('li', { hasText: 'RetryWithExponentialBackoff' }).first().waitFor({ timeout: LIVE_TIMEOUT });
    await p.locator('[data-testid="health"][data-level="warn"]').waitFor({ timeout: LIVE_TIMEOUT });
    await p.waitForFunction(() => document.querySelector('[data-testid="token-summary"] [data-token="total"] dd')?.textContent === '1,133,333,331', null, { timeout: LIVE_TIMEOUT });
    await shot(p, 'tray-long-380x600');
    expect(await layoutProblems(p)).toEqual([]);
    // The detail drawer, with the raw JSON closed off (JSON lines scroll sideways by design).
    await p.getByTestId('feed-events').locator('li', { hasText: 'Session started' }).click();
    await p.getByTestId('event-detail').waitFor();
    await p.getByTestId('event-json').evaluate((el) => (el.style.display = 'none'));
    await shot(p, 'tray-long-detail-380x600');
    expect(await layoutProblems(p)).toEqual([]);
  });
});

describe('dashboard at 1024 and 1440 wide', () => {
  beforeAll(async () => {
    dash = await stack.open('#/sessions', { colorScheme: 'light' });
    await dash.setViewportSize({ width: 1024, height: 768 });
    await dash.getByTestId('sessions-table').waitFor({ timeout: LIVE_TIMEOUT });
  });

  it('lists the three Codex sessions and says the validation check is kept apart', async () => {
    const rows = dash.getByTestId('sessions-table').locator('tbody tr');
    expect(await rows.count()).toBe(3);
    expect(await dash.locator('[data-session^="beacon-validation-"]').count()).toBe(0);
    expect(norm(await dash.getByTestId('sessions-count').innerText())).toBe('3 sessions · 1 Beacon validation check not shown');
    expect(await dash.getByTestId('summary-sessions').innerText()).toBe('3');
    // The newest row is the capture: the title from its first prompt tells it apart.
    expect(norm(await rows.nth(0).innerText()).toLowerCase()).toContain(CAPTURE.prompt.toLowerCase());
  });

  for (const width of [1024, 1440]) {
    it(`fits the sessions table and an open timeline at ${width} px`, async () => {
      await dash.setViewportSize({ width, height: width === 1024 ? 768 : 900 });
      await dash.getByTestId('sessions-table').locator('tbody tr').nth(1).click(); // a long-path session
      await dash.getByTestId('timeline-events').waitFor();
      await shot(dash, `dashboard-sessions-${width}`);
      expect(await layoutProblems(dash)).toEqual([]);
    });
  }

  it("tells the capture's story: failed patches as failed, the tokens labelled, Codex's figure beside them", async () => {
    await dash.setViewportSize({ width: 1024, height: 768 });
    await dash.getByTestId('sessions-table').locator('tbody tr').nth(0).click();
    await dash.getByTestId('timeline-events').locator('li', { hasText: 'does not exist' }).waitFor({ timeout: LIVE_TIMEOUT });
    // Unfold every turn's responses, so their rows are on screen too.
    await dash.getByTestId('timeline-events').evaluate((el) => el.querySelectorAll('details').forEach((d) => (d.open = true)));
    const story = (await dash.getByTestId('timeline-events').locator('li .item-text').allInnerTexts()).map(norm);
    const patchLines = story.filter((t) => t.startsWith('Codex') && t.includes('src/hello.ts'));
    expect(patchLines).toEqual([
      'Codex’s patch failed: src/hello.ts — the file to update does not exist',
      'Codex created src/hello.ts',
      'Codex’s patch failed: src/hello.ts — its context lines are not in the file',
    ]);
    const summary = dash.getByTestId('session-timeline').getByTestId('token-summary');
    expect(await summary.locator('[data-token="codex_tokens_used"] dd').innerText()).toBe(CAPTURE.codex);
    expect(await summary.locator('[data-token="total"] dd').innerText()).toBe(CAPTURE.total);
    // The response rows are folded into their turn's usage line, each with its labelled breakdown and cost.
    expect(story.some((t) => /^Used [\d,]+ tokens .*input \(not cached\).*Codex “tokens used” [\d,]+ · (\$[\d.,]+ \(estimate\)|price unknown for model .+)$/.test(t))).toBe(true);
    expect(norm(await dash.getByTestId('session-timeline').innerText())).toContain('1 file changed · 2 patches failed');
    expect(await layoutProblems(dash)).toEqual([]);
    await dash.getByTestId('timeline-events').locator('li', { hasText: 'context lines' }).scrollIntoViewIfNeeded();
    await shot(dash, 'dashboard-failed-patch-1024');
  });

  it('labels each session in the Events filter by start time and first prompt', async () => {
    await dash.goto(`${new URL(stack.dashboard.url).origin}/#/events`);
    await dash.getByTestId('search-results').waitFor({ timeout: LIVE_TIMEOUT });
    const options = (await dash.getByRole('combobox', { name: 'Session' }).locator('option').allInnerTexts()).map(norm);
    expect(options[0]).toBe('All sessions');
    const labels = options.slice(1);
    expect(labels).toHaveLength(3);
    expect(new Set(labels).size).toBe(3);
    expect(labels.some((l) => l.includes('Add retries to the invoice exporter'))).toBe(true);
    expect(labels.some((l) => l.includes('Explain why the CI job fails on main'))).toBe(true);
    expect(labels.some((l) => l.includes(CAPTURE.prompt))).toBe(true);
    for (const l of labels) expect(l).toMatch(/^\w{3} \d{1,2}, \d\d:\d\d:\d\d · “/);
    // The validation event is still an event, and it says what it is.
    const first = norm(await dash.getByTestId('search-results').locator('li .item-text').first().innerText());
    expect(first).toBe('Beacon validation event: the pipeline works (beacon endpoint test-event)');
    expect(await layoutProblems(dash)).toEqual([]);
    await shot(dash, 'dashboard-events-1024');
  });

  it('labels the token table columns and adds Codex’s own figure', async () => {
    await dash.goto(`${new URL(stack.dashboard.url).origin}/#/tokens`);
    await dash.getByTestId('token-table').waitFor({ timeout: LIVE_TIMEOUT });
    const headers = (await dash.getByTestId('token-table').locator('thead th').allInnerTexts()).map(norm);
    expect(headers.slice(1)).toEqual(['Input not cached', 'Cached input', 'Output excl. reasoning', 'Reasoning', 'Total incl. cached', 'Codex “tokens used” total − cached']);
    // 3 sessions: (4,000+300+100) + (1,000+90+10) + 3,680
    expect(await dash.getByTestId('token-totals').locator('[data-token="codex_tokens_used"]').innerText()).toBe('9,180');
    expect(await dash.getByTestId('token-summary').locator('[data-token="codex_tokens_used"] dd').innerText()).toBe('9,180');
    for (const width of [1024, 1440]) {
      await dash.setViewportSize({ width, height: 900 });
      expect(await layoutProblems(dash)).toEqual([]);
    }
    await dash.setViewportSize({ width: 1024, height: 900 });
    await shot(dash, 'dashboard-tokens-1024');
  });

  // Last: stops the collector.
  it('never shows a green "Live" beside a red "Collector down" (header and tray agree)', async () => {
    await dash.goto(`${new URL(stack.dashboard.url).origin}/#/sessions`);
    await dash.getByTestId('sessions-table').waitFor({ timeout: LIVE_TIMEOUT });
    await dash.locator('[data-testid="live-indicator"][data-live="true"]').waitFor({ timeout: LIVE_TIMEOUT });
    expect(norm(await dash.locator('.dash-header').innerText())).toContain('Live');
    await stack.collector!.close();
    await dash.locator('[data-testid="health"][data-level="error"]').waitFor({ timeout: 40_000 });
    await tray.locator('[data-testid="health"][data-level="error"]').waitFor({ timeout: 40_000 });
    for (const page of [dash, tray]) {
      expect(await page.getByTestId('health-title').innerText()).toContain('Collector down');
      expect(await page.locator('[data-testid="live-indicator"][data-live="true"]').count()).toBe(0);
      const colours = await page.evaluate(() => {
        const ok = getComputedStyle(document.documentElement).getPropertyValue('--ok').trim();
        const probe = document.createElement('span');
        probe.style.color = ok;
        document.body.append(probe);
        const okRgb = getComputedStyle(probe).color;
        probe.remove();
        // The header, and in the tray the section title that holds the stream indicator.
        const areas = Array.from(document.querySelectorAll('.dash-header, .tray-header, .tray-section-title'));
        return areas.flatMap((a) => Array.from(a.querySelectorAll('*'))).filter((el) => {
          const s = getComputedStyle(el);
          const b = getComputedStyle(el, '::before');
          return [s.backgroundColor, s.color, b.backgroundColor].includes(okRgb);
        }).length;
      });
      expect(colours).toBe(0);
    }
    expect(norm(await dash.locator('.dash-header').innerText())).not.toMatch(/\bLive\b/);
    await shot(dash, 'dashboard-collector-down-1024');
    await shot(tray, 'tray-collector-down-380x600');
  }, 60_000);

  it('runs without console errors or CSP violations', () => {
    expect(stack.browser.errors).toEqual([]);
  });
});
