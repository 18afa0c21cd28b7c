/**
 * Issue 16 in a real Chromium against the real dashboard server and a real runtime.jsonl:
 * costs (the dashboard prices events the log has without one), sessions people recognise, the
 * story as turns with an ending, a running session's elapsed time, the Trends page, and the
 * tray's cost at a glance. Screenshots at 380 x 600 (tray), 1024 and 1440 px (dashboard), with
 * the overflow checks of support/layout.ts at each size.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import type { BeaconEvent } from '../../electron/shared/event';
import { buildRenderer } from './support/build-renderer';
import { startStack, type Stack } from './support/env';
import * as E from './support/events';
import { layoutProblems } from './support/layout';

const SCREENSHOTS = resolve(__dirname, '../../test-artifacts/screenshots');
const LIVE_TIMEOUT = 15_000;
const DAY = 86_400_000;
const norm = (t: string) => t.replace(/\s+/g, ' ').trim();

// gpt-5.5 at the shipped table's $5 / $0.50 / $30 per million; gpt-6.1-sol has no price there.
const done: E.SessionSpec = { id: '019ac000-0001-7a10-9c2f-000000000001', cwd: '/home/dev/widgets', model: 'gpt-5.5' };
const running: E.SessionSpec = { id: '019ac000-0002-7a10-9c2f-000000000002', cwd: '/home/dev/billing', model: 'gpt-6.1-sol' };
const older: E.SessionSpec = { id: '019ac000-0003-7a10-9c2f-000000000003', cwd: '/home/dev/widgets', model: 'gpt-6-luna' };

function answer(s: E.SessionSpec, text: string): BeaconEvent {
  const ev = E.sessionStarted(s);
  return { ...ev, event: { kind: 'agent_runtime', action: 'response.completed', category: 'response' }, response: { text, length: text.length, agent_type: 'main' }, message: `Codex responded (${text.length} chars)` };
}

function withGit(ev: BeaconEvent): BeaconEvent {
  ev.session = { ...ev.session, git: { repository_url: 'git@github.com:acme/widgets.git', branch: 'fix/greeting', commit: '2e8dd17ad9ca3c0075b320e759867b652f9e04f5' } };
  return ev;
}

function history(): BeaconEvent[] {
  const now = Date.now();
  const out: BeaconEvent[] = [];
  // Older days: a session on gpt-6-luna every third day, for the 30-day chart.
  for (let d = 27; d >= 3; d -= 3) {
    E.setClock(new Date(now - d * DAY).toISOString());
    const s = { ...older, id: `019ac000-0003-7a10-9c2f-0000000000${String(d).padStart(2, '0')}` };
    out.push(E.sessionStarted(s), E.promptSubmitted(s, `Refactor module ${d}`), E.commandExecuted(s, 'npm test', { exit: d % 2, durationMs: 900, callId: `o${d}` }), E.tokenUsage(s, { input: 40_000 * d, cached: 60_000, output: 4_000, reasoning: 1_000 }));
  }
  // Today, 40 minutes ago (or just after midnight, if the test runs in the day's first 40
  // minutes: "today" is the browser's local day, the same as this process's): a finished session
  // in a git checkout, two turns, its final answer logged.
  const midnight = new Date(now);
  midnight.setHours(0, 0, 0, 0);
  const doneAt = Math.max(now - 40 * 60_000, midnight.getTime() + 1000);
  E.setClock(new Date(doneAt).toISOString());
  out.push(
    withGit(E.sessionStarted(done)),
    E.promptSubmitted(done, 'fix the greeting in src/hello.ts\nit says "helo" since the last refactor'),
    E.commandExecuted(done, "bash -lc 'npm test'", { exit: 1, durationMs: 1234, callId: 'd1' }),
    E.tokenUsage(done, { input: 9_000, cached: 1_000, output: 900, reasoning: 100 }),
    E.fileModified(done, 'src/hello.ts', 'update'),
    E.tokenUsage(done, { input: 2_000, cached: 8_000, output: 300, reasoning: 0 }),
    E.promptSubmitted(done, 'now run the tests again'),
    E.commandExecuted(done, 'npm test', { exit: 0, durationMs: 2100, callId: 'd2' }),
    E.tokenUsage(done, { input: 1_000, cached: 10_000, output: 200, reasoning: 50 }),
    answer(done, 'Fixed the typo in src/hello.ts; npm test passes now.'),
  );
  // Now: a running session on a model the price table does not know.
  E.setClock(new Date(Math.max(now - 90_000, doneAt + 1000)).toISOString());
  out.push(E.sessionStarted(running), E.promptSubmitted(running, 'Add retries to the invoice exporter'), E.commandExecuted(running, 'git status --short', { exit: 0, durationMs: 30, callId: 'r1' }), E.tokenUsage(running, { input: 5_000, cached: 0, output: 400, reasoning: 0 }));
  return out;
}

// The finished session's cost, by hand: (9000*5 + 1000*0.5 + 1000*30) + (2000*5 + 8000*0.5 + 300*30) + (1000*5 + 10000*0.5 + 250*30) per million.
const DONE_USD = (45_000 + 500 + 30_000 + 10_000 + 4_000 + 9_000 + 5_000 + 5_000 + 7_500) / 1e6; // $0.116

let built: Awaited<ReturnType<typeof buildRenderer>>;
let stack: Stack;
let page: Page;

async function shot(p: Page, name: string): Promise<void> {
  await p.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await p.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

beforeAll(async () => {
  built = await buildRenderer();
  stack = await startStack({ staticDir: built.dir, events: history(), viewport: { width: 1024, height: 768 } });
  await mkdir(SCREENSHOTS, { recursive: true });
  page = await stack.open('#/sessions');
  await page.getByTestId('sessions-table').waitFor();
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await built?.cleanup();
});

describe('sessions and their story, with cost', () => {
  it('lists sessions by the title of their first prompt, with repository, branch, model and cost; an unknown price says so', async () => {
    const row = (id: string) => page.locator(`tr[data-session="${id}"]`);
    const cells = async (id: string) => (await row(id).locator('td').allInnerTexts()).map(norm);
    const d = await cells(done.id);
    expect(d[1]).toBe('Fix the greeting in src/hello.ts acme/widgets · fix/greeting · gpt-5.5');
    expect(d[d.length - 1]).toBe(`$${DONE_USD.toFixed(2)}`);
    const r = await cells(running.id);
    expect(r[r.length - 1]).toBe('price unknown');
    expect(await row(running.id).locator('.cost').getAttribute('title')).toBe('price unknown for model gpt-6.1-sol');
    // Above the list: every session's cost together, marked incomplete ("+") for the unknown one; the same as the 30-day trend (all sessions are within it).
    expect(await page.getByTestId('summary-cost').innerText()).toBe('$1.23+');
  });

  for (const width of [1024, 1440]) {
    it(`tells a finished session as turns, folds its token rows, and ends with the answer and a summary (${width} px)`, async () => {
      await page.setViewportSize({ width, height: width === 1024 ? 768 : 900 });
      await page.locator(`tr[data-session="${done.id}"]`).click();
      await page.getByTestId('session-ending').waitFor();
      expect(await page.getByTestId('session-title').innerText()).toBe('Fix the greeting in src/hello.ts');
      expect(norm(await page.getByTestId('session-where').innerText())).toMatch(/^acme\/widgets · fix\/greeting · .* · gpt-5\.5 · 019ac000$/);
      expect(await page.getByTestId('session-status').innerText()).toMatch(/^Finished in \d+ s$/);
      expect((await page.getByTestId('turn-head').allInnerTexts()).map((t) => norm(t).replace(/ · .*/, ''))).toEqual(['TURN 1', 'TURN 2']);
      // No token row between the steps: one usage line per turn.
      const rows = (await page.getByTestId('timeline-events').locator(':scope > li.item .item-text').allInnerTexts()).map(norm);
      expect(rows.some((t) => t.startsWith('Used '))).toBe(false);
      expect(rows.at(-1)).toBe('Codex answered: “Fixed the typo in src/hello.ts; npm test passes now.”');
      const usage = (await page.getByTestId('turn-usage').allInnerTexts()).map(norm);
      expect(usage).toEqual(['2 model responses · 21,300 tokens · $0.10', '1 model response · 11,250 tokens · $0.02']);
      expect(await page.getByTestId('final-answer').innerText()).toContain('Fixed the typo in src/hello.ts; npm test passes now.');
      const fact = async (k: string) => norm(await page.getByTestId('session-ending').locator(`[data-fact="${k}"] dd`).innerText());
      expect([await fact('commands'), await fact('failures'), await fact('files'), await fact('tokens'), await fact('cost')]).toEqual(['2', '1', '1', '32,550', `$${DONE_USD.toFixed(2)}`]);
      expect(norm(await page.getByTestId('session-cost').innerText())).toBe(`Cost (estimate) $${DONE_USD.toFixed(2)}`);
      await page.getByTestId('session-ending').scrollIntoViewIfNeeded();
      await shot(page, `cost-session-finished-${width}`);
      expect(await layoutProblems(page)).toEqual([]);
    });
  }

  it('unfolds a turn to show its responses, each with its own cost', async () => {
    await page.getByTestId('turn-usage').first().locator('summary').click();
    const inner = (await page.getByTestId('turn-usage').first().locator('li .item-text').allInnerTexts()).map(norm);
    expect(inner).toHaveLength(2);
    expect(inner[0]).toMatch(/^Used 11,000 tokens .*· \$0\.08 \(estimate\)$/);
  });

  it('shows a running session as running, with the time so far, and the price it cannot know', async () => {
    await page.setViewportSize({ width: 1024, height: 768 });
    await page.locator(`tr[data-session="${running.id}"]`).click();
    await page.getByTestId('session-ending').waitFor();
    const status = page.getByTestId('session-status');
    expect(await status.getAttribute('data-state')).toBe('running');
    const first = await status.innerText();
    expect(first).toMatch(/^Running · 1 min \d+ s so far$/);
    // It ticks while the page is visible.
    await page.waitForFunction((was) => document.querySelector('[data-testid="session-status"]')?.textContent !== was, first, { timeout: 5_000 });
    expect(await page.getByTestId('session-ending').getAttribute('data-state')).toBe('running');
    expect(norm(await page.getByTestId('turn-usage').innerText())).toBe('1 model response · 5,400 tokens · price unknown for model gpt-6.1-sol');
    expect(norm(await page.getByTestId('session-cost').innerText())).toBe('Cost (estimate) price unknown');
    await shot(page, 'cost-session-running-1024');
    expect(await layoutProblems(page)).toEqual([]);
  });
});

describe('trends', () => {
  for (const width of [1024, 1440]) {
    it(`charts 30 days of cost by model, commands and failures, the most-run commands and the costliest sessions (${width} px)`, async () => {
      await page.setViewportSize({ width, height: width === 1024 ? 768 : 900 });
      await page.goto(`${new URL(stack.dashboard.url).origin}/#/trends`);
      await page.getByTestId('trend-cost-chart').waitFor();
      expect(await page.getByTestId('trend-cost-chart').locator('g[data-day]').count()).toBe(30);
      const today = page.getByTestId('trend-cost-chart').locator('g[data-day]').last();
      expect(Number(await today.getAttribute('data-total'))).toBeCloseTo(DONE_USD, 6);
      expect(await today.locator('title').textContent()).toMatch(/\(gpt-5\.5 \$0\.12, gpt-6\.1-sol price unknown\); 1 response with price unknown \(gpt-6\.1-sol\)$/);
      expect(norm(await page.getByTestId('trend-price-note').innerText())).toMatch(/^Estimated at list prices from genai-prices [\d.]+, \d{4}-\d\d-\d\d\. price unknown for model gpt-6\.1-sol: 1 response not included\.$/);
      expect(norm(await page.getByTestId('trend-sessions').innerText())).toMatch(/^SESSIONS 11 /);
      expect(norm(await page.getByTestId('trend-failures').innerText())).toBe('COMMANDS FAILED 50% 6 of 12');
      const top = (await page.getByTestId('top-commands').locator('li').allInnerTexts()).map(norm);
      expect(top).toEqual(['npm test 11 · 6 failed', 'git status 1']);
      const costly = page.getByTestId('session-costs').locator('li');
      expect(norm(await costly.first().innerText())).toMatch(/^Refactor module 27 · widgets · gpt-6-luna · /);
      expect(await costly.count()).toBe(10);
      expect(await page.getByTestId('trend-command-chart').locator('g[data-day]').count()).toBe(30);
      await shot(page, `cost-trends-${width}`);
      expect(await layoutProblems(page)).toEqual([]);
    });
  }

  it('switches the daily chart to tokens', async () => {
    await page.getByRole('button', { name: 'Tokens' }).click();
    await page.getByTestId('trend-token-chart').waitFor();
    const total = await page.getByTestId('trend-token-chart').locator('g[data-day]').last().getAttribute('data-total');
    expect(Number(total)).toBe(32_550 + 5_400);
    await page.getByRole('button', { name: 'Cost' }).click();
  });

  it('opens a session from the cost ranking', async () => {
    await page.getByTestId('session-costs').locator('a', { hasText: 'Fix the greeting' }).click();
    await page.getByTestId('session-ending').waitFor();
    expect(new URL(page.url()).hash).toBe(`#/sessions/${encodeURIComponent(done.id)}`);
  });
});

describe('the tray', () => {
  it("shows today's cost and the current session's beside health, at 380 x 600", async () => {
    const tray = await stack.open('#/tray');
    await tray.setViewportSize({ width: 380, height: 600 });
    await tray.getByTestId('tray-cost').waitFor();
    await tray.waitForFunction(() => !document.querySelector('[data-testid="tray-cost-today"] .value')?.textContent?.includes('…'), null, { timeout: LIVE_TIMEOUT });
    // Today: the finished session plus the running one, whose price is unknown.
    expect(norm(await tray.getByTestId('tray-cost-today').innerText())).toBe(`TODAY $${DONE_USD.toFixed(2)}+`);
    expect(await tray.getByTestId('tray-cost-today').locator('.cost').getAttribute('title')).toMatch(/price unknown for model gpt-6\.1-sol \(1 response not included\)$/);
    expect(norm(await tray.getByTestId('tray-cost-session').innerText())).toBe('SESSION price unknown');
    expect(await tray.getByTestId('tray-cost-session').getAttribute('title')).toBe('Estimated cost of “Add retries to the invoice exporter”');
    await shot(tray, 'cost-tray-380x600');
    expect(await layoutProblems(tray)).toEqual([]);

    // A new priced response in a new session: both figures follow live.
    const next: E.SessionSpec = { id: '019ac000-0004-7a10-9c2f-000000000004', cwd: '/home/dev/widgets', model: 'gpt-5.5' };
    E.setClock(new Date(Date.now() - 1000).toISOString());
    await stack.append([E.sessionStarted(next), E.promptSubmitted(next, 'one more thing'), E.tokenUsage(next, { input: 100_000, cached: 0, output: 0, reasoning: 0 })]);
    await tray.waitForFunction(() => document.querySelector('[data-testid="tray-cost-session"] .value')?.textContent === '$0.50', null, { timeout: LIVE_TIMEOUT });
    await tray.waitForFunction((want) => document.querySelector('[data-testid="tray-cost-today"] .value')?.textContent === want, `$${(DONE_USD + 0.5).toFixed(2)}+`, { timeout: LIVE_TIMEOUT });
    await tray.close();
  });

  it('runs without console errors or CSP violations', () => {
    expect(stack.browser.errors).toEqual([]);
  });
});
