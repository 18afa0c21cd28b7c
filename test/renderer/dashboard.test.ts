/**
 * The dashboard face in a real Chromium against the real dashboard server reading a real
 * runtime.jsonl: sessions, the story timeline, search, token chart and table, banners, empty
 * states, keyboard use, themes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { buildRenderer } from './support/build-renderer';
import { startStack, type Stack } from './support/env';
import * as E from './support/events';

const SCREENSHOTS = resolve(__dirname, '../../test-artifacts/screenshots');
const LIVE_TIMEOUT = 15_000;

const api: E.SessionSpec = { id: '019ab2c0-1111-7a10-9c2f-000000000001', cwd: '/home/dev/api-server', model: 'gpt-5-codex' };
const app: E.SessionSpec = { id: '019ab2c0-2222-7a10-9c2f-000000000002', cwd: '/home/dev/acme-app', model: 'gpt-5.1-codex' };

const apiTokens = { input: 3000, cached: 1000, output: 400, reasoning: 100 }; // 4,500
const appTokens = { input: 1500, cached: 500, output: 180, reasoning: 20 }; // 2,200

/** Two sessions a few hours apart, so the token chart has more than one bar. */
function history() {
  E.setClock(new Date(Date.now() - 5 * 3_600_000).toISOString());
  const first = [
    E.sessionStarted(api),
    E.promptSubmitted(api, 'Fix the flaky pytest suite'),
    E.commandExecuted(api, 'pytest -q', { exit: 1, durationMs: 1500, callId: 'a1' }),
    E.fileModified(api, 'tests/conftest.py', 'update'),
    E.commandExecuted(api, 'pytest -q tests/test_api.py', { exit: 0, durationMs: 800, callId: 'a2' }),
    E.tokenUsage(api, apiTokens),
  ];
  E.setClock(new Date(Date.now() - 2 * 3_600_000).toISOString());
  return [
    ...first,
    E.sessionStarted(app),
    E.promptSubmitted(app, 'Add a health endpoint and make the tests pass'),
    E.approvalAllowed(app, 'npm test', 'b1'),
    E.commandExecuted(app, 'npm test', { exit: 1, durationMs: 1234, callId: 'b1' }),
    E.fileModified(app, 'src/app.ts', 'add'),
    E.commandExecuted(app, 'npm test', { exit: 0, durationMs: 2100, callId: 'b2' }),
    E.tokenUsage(app, appTokens),
  ];
}

let built: Awaited<ReturnType<typeof buildRenderer>>;
let stack: Stack;
let page: Page;

async function textOf(p: Page, testId: string): Promise<string> {
  return p.getByTestId(testId).innerText();
}

beforeAll(async () => {
  built = await buildRenderer();
  stack = await startStack({ staticDir: built.dir, events: history() });
  await mkdir(SCREENSHOTS, { recursive: true });
  page = await stack.open('#/sessions');
  await page.getByTestId('sessions-table').waitFor();
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await built?.cleanup();
});

describe('dashboard', () => {
  it('lists sessions, newest first, with repository, model, prompts, commands, failures and tokens', async () => {
    const rows = page.getByTestId('sessions-table').locator('tbody tr');
    expect(await rows.count()).toBe(2);
    const first = (await rows.nth(0).locator('td').allInnerTexts()).map((t) => t.trim());
    const second = (await rows.nth(1).locator('td').allInnerTexts()).map((t) => t.trim());
    // started, title + repository · model, duration (events are one second apart), commands, failures, tokens, cost
    // Cost: gpt-5.1-codex and gpt-5-codex are priced as gpt-5.1 / gpt-5 ($1.25 input, $0.125 cached, $10 output per million).
    expect(first.slice(1)).toEqual(['Add a health endpoint and make the tests pass\nacme-app · gpt-5.1-codex', '6 s', '2', '1', '2,200', '$0.0039']);
    expect(second.slice(1)).toEqual(['Fix the flaky pytest suite\napi-server · gpt-5-codex', '5 s', '2', '1', '4,500', '$0.0089']);
  });

  it('reaches a session with the keyboard and opens its timeline, which reads like a story', async () => {
    await page.locator('body').focus();
    let onRow = false;
    for (let i = 0; i < 20 && !onRow; i++) {
      await page.keyboard.press('Tab');
      onRow = await page.evaluate(() => document.activeElement?.getAttribute('data-session') !== null && document.activeElement?.tagName === 'TR');
    }
    expect(onRow).toBe(true);
    // The first row is the newest session (acme-app); move down to api-server and back up.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Enter');
    await page.getByTestId('timeline-events').waitFor();
    expect(new URL(page.url()).hash).toBe(`#/sessions/${encodeURIComponent(app.id)}`);

    // The story's own rows (the per-response token rows are folded into the turn's usage line).
    const story = (await page.getByTestId('timeline-events').locator(':scope > li.item .item-text').allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
    const expected = [
      /^Session started gpt-5\.1-codex · \/home\/dev\/acme-app/,
      /^You asked: “Add a health endpoint and make the tests pass”/,
      /^You approved npm test/,
      /^Codex ran npm test — failed \(exit 1\) in 1\.2 s/,
      /^Codex created src\/app\.ts/,
      /^Codex ran npm test — succeeded in 2\.1 s/,
    ];
    expect(story).toHaveLength(expected.length);
    expected.forEach((re, i) => expect(story[i]).toMatch(re));
    expect(await page.getByTestId('session-timeline').getByTestId('token-summary').locator('[data-token="total"] dd').innerText()).toBe('2,200');
    expect((await page.getByTestId('turn-usage').innerText()).replace(/\s+/g, ' ').trim()).toBe('1 model response · 2,200 tokens · $0.0039');
    // Unfolded, the response row keeps its labelled breakdown, with its cost.
    await page.getByTestId('turn-usage').locator('summary').click();
    expect((await page.getByTestId('turn-usage').locator('li .item-text').innerText()).replace(/\s+/g, ' ').trim()).toMatch(
      /^Used 2,200 tokens 1,500 input \(not cached\) · 500 cached · 180 output \(excl\. reasoning\) · 20 reasoning · Codex “tokens used” 1,700 · \$0\.0039 \(estimate\)$/,
    );
    await page.getByTestId('turn-usage').locator('summary').click();
  });

  it('adds new events to the open timeline and the sessions list live, without a reload', async () => {
    await page.evaluate(() => ((window as unknown as { __noReload: boolean }).__noReload = true));
    await stack.append([E.commandExecuted(app, 'npm run lint', { exit: 2, durationMs: 640, callId: 'b3' })]);
    const row = page.getByTestId('timeline-events').locator('li', { hasText: 'npm run lint' });
    await row.waitFor({ timeout: LIVE_TIMEOUT });
    expect((await row.innerText()).replace(/\s+/g, ' ')).toContain('Codex ran npm run lint — failed (exit 2) in 640 ms');
    const appRow = page.locator(`tr[data-session="${app.id}"] td`);
    await page.waitForFunction((id) => document.querySelectorAll(`tr[data-session="${id}"] td`)[3]?.textContent === '3', app.id, { timeout: LIVE_TIMEOUT });
    expect(await appRow.nth(4).innerText()).toBe('2');
    expect(await page.evaluate(() => (window as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
  });

  it('shows an event in detail with pretty raw JSON; Escape closes it and returns focus', async () => {
    const row = page.getByTestId('timeline-events').locator('li', { hasText: 'npm run lint' });
    await row.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('event-detail').waitFor();
    const raw = await page.getByTestId('event-json').innerText();
    expect(raw).toContain('\n  "timestamp"'); // pretty-printed, two-space indent
    const parsed = JSON.parse(raw);
    expect(parsed.command).toMatchObject({ command: 'npm run lint', exit_code: 2, success: false });
    expect(await page.getByRole('button', { name: 'Copy raw JSON' }).count()).toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-event-detail-light.png') });
    await page.keyboard.press('Escape');
    await page.getByTestId('event-detail').waitFor({ state: 'detached' });
    expect(await page.evaluate(() => document.activeElement?.textContent ?? '')).toContain('npm run lint');
  });

  it('saves dashboard screenshots in the light and dark themes', async () => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-light.png') });
    await page.emulateMedia({ colorScheme: 'dark' });
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(20, 23, 28)');
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('finds a command with free-text search and narrows by category and session', async () => {
    await page.goto(`${new URL(stack.dashboard.url).origin}/#/events`);
    await page.getByTestId('search-results').waitFor();
    const search = page.getByRole('searchbox', { name: 'Search text' });
    await search.fill('pytest');
    await page.waitForFunction(() => document.querySelector('[data-testid="result-count"]')?.textContent === '3 events match', null, { timeout: LIVE_TIMEOUT });
    const rows = (await page.getByTestId('search-results').locator('li .item-text').allInnerTexts()).map((t) => t.replace(/\s+/g, ' '));
    // the prompt mentions pytest too; both commands are there
    expect(rows.filter((t) => t.startsWith('Codex ran pytest')).length).toBe(2);
    expect(rows.some((t) => t.includes('You asked: “Fix the flaky pytest suite”'))).toBe(true);

    await search.fill('test_api.py');
    await page.waitForFunction(() => document.querySelector('[data-testid="result-count"]')?.textContent === '1 event match', null, { timeout: LIVE_TIMEOUT });
    expect((await page.getByTestId('search-results').innerText()).replace(/\s+/g, ' ')).toContain('Codex ran pytest -q tests/test_api.py — succeeded in 800 ms');

    await search.fill('');
    await page.getByRole('combobox', { name: 'Category' }).selectOption('file');
    await page.waitForFunction(() => document.querySelector('[data-testid="result-count"]')?.textContent === '2 events match', null, { timeout: LIVE_TIMEOUT });
    await page.getByRole('combobox', { name: 'Session' }).selectOption(api.id);
    await page.waitForFunction(() => document.querySelector('[data-testid="result-count"]')?.textContent === '1 event match', null, { timeout: LIVE_TIMEOUT });
    expect((await page.getByTestId('search-results').innerText()).replace(/\s+/g, ' ')).toContain('Codex edited tests/conftest.py');

    await page.getByRole('button', { name: 'Clear' }).click();
    await search.fill('no-such-thing-anywhere');
    await page.getByTestId('empty-search').waitFor({ timeout: LIVE_TIMEOUT });
    await page.getByRole('button', { name: 'Clear' }).click();
  });

  it('shows new matching events in the search results live', async () => {
    const search = page.getByRole('searchbox', { name: 'Search text' });
    await search.fill('cargo');
    await page.getByTestId('empty-search').waitFor({ timeout: LIVE_TIMEOUT });
    await stack.append([E.commandExecuted(app, 'cargo build --release', { exit: 0, durationMs: 9100, callId: 'b4' })]);
    await page.getByTestId('search-results').locator('li', { hasText: 'cargo build --release' }).waitFor({ timeout: LIVE_TIMEOUT });
    expect(await textOf(page, 'result-count')).toBe('1 event match');
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-search-light.png') });
    await page.getByRole('button', { name: 'Clear' }).click();
  });

  it('charts token usage over time, and the table totals match the events written', async () => {
    await page.goto(`${new URL(stack.dashboard.url).origin}/#/tokens`);
    await page.getByTestId('token-table').waitFor();
    const footer = async (k: string) => page.getByTestId('token-totals').locator(`[data-token="${k}"]`).innerText();
    const expected = {
      input: apiTokens.input + appTokens.input,
      cached_input: apiTokens.cached + appTokens.cached,
      output: apiTokens.output + appTokens.output,
      reasoning: apiTokens.reasoning + appTokens.reasoning,
    };
    const total = expected.input + expected.cached_input + expected.output + expected.reasoning;
    const fmt = (n: number) => n.toLocaleString('en-US');
    expect(await footer('input')).toBe(fmt(expected.input));
    expect(await footer('cached_input')).toBe(fmt(expected.cached_input));
    expect(await footer('output')).toBe(fmt(expected.output));
    expect(await footer('reasoning')).toBe(fmt(expected.reasoning));
    expect(await footer('total')).toBe(fmt(total));

    // The per-bucket rows add up to the footer, and the chart draws one bar per bucket.
    const rowTotals = await page.getByTestId('token-table').locator('tbody tr td[data-token="total"]').allInnerTexts();
    expect(rowTotals.reduce((s, t) => s + Number(t.replace(/,/g, '')), 0)).toBe(total);
    expect(await page.getByTestId('token-chart').locator('g[data-bucket]').count()).toBe(rowTotals.length);
    expect(await page.getByTestId('token-chart').locator('rect').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('token-chart').locator('svg').getAttribute('aria-label')).toContain(`${fmt(total)} tokens`);

    await page.getByRole('combobox', { name: 'Bucket size' }).selectOption('day');
    await page.waitForFunction(() => document.querySelector('[data-testid="token-table"] thead th')?.textContent === 'Day', null, { timeout: LIVE_TIMEOUT });
    expect(await footer('total')).toBe(fmt(total));
    await page.getByRole('combobox', { name: 'Bucket size' }).selectOption('hour');
    await page.waitForFunction(() => document.querySelector('[data-testid="token-table"] thead th')?.textContent === 'Hour', null, { timeout: LIVE_TIMEOUT });

    await page.emulateMedia({ colorScheme: 'light' });
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-tokens-light.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-tokens-dark.png'), fullPage: true });
    await page.emulateMedia({ colorScheme: 'light' });
  });

  it('runs without console errors or CSP violations', () => {
    expect(stack.browser.errors).toEqual([]);
  });

  it('never requests anything but its own loopback origin', () => {
    const origin = new URL(stack.dashboard.url).origin;
    expect(stack.browser.requests.length).toBeGreaterThan(5);
    expect(stack.browser.requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:'))).toEqual([]);
  });
});

describe('dashboard for a new user on the wrong runtime log', () => {
  let fresh: Stack;
  const warning = 'The user collector is not running; reading the system log written by the system collector.';

  beforeAll(async () => {
    fresh = await startStack({ staticDir: built.dir, logSourceWarning: warning });
  }, 60_000);
  afterAll(async () => {
    await fresh?.close();
  });

  it('shows the runtime-log source warning as a banner and an empty state that says what to do', async () => {
    const p = await fresh.open('#/sessions', { colorScheme: 'light' });
    await p.getByTestId('log-source-banner').waitFor({ timeout: LIVE_TIMEOUT });
    expect(await p.getByTestId('log-source-banner').innerText()).toContain(warning);
    await p.locator('[data-testid="health"][data-level="warn"]').waitFor({ timeout: LIVE_TIMEOUT });
    const empty = (await p.getByTestId('empty-activity').innerText()).replace(/\s+/g, ' ');
    expect(empty).toContain('No Codex activity yet. Run beacon endpoint install, then any codex command.');
    await p.screenshot({ path: join(SCREENSHOTS, 'dashboard-empty-warning-light.png') });
    await p.emulateMedia({ colorScheme: 'dark' });
    await p.screenshot({ path: join(SCREENSHOTS, 'dashboard-empty-warning-dark.png') });

    // Events and tokens pages say the same to a new user rather than showing empty boxes.
    await p.goto(`${new URL(fresh.dashboard.url).origin}/#/tokens`);
    await p.getByTestId('empty-activity').waitFor({ timeout: LIVE_TIMEOUT });
    await p.goto(`${new URL(fresh.dashboard.url).origin}/#/events`);
    await p.getByTestId('empty-activity').waitFor({ timeout: LIVE_TIMEOUT });
  });
});
