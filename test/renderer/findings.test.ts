/**
 * Findings in a real Chromium against the real dashboard server reading a real runtime.jsonl
 * (findings in the contract's shape, with tamper and collector.died signals; test/posture/
 * findings-log.ts), with the real collector on the same log for a green health light:
 *  - the tray: a badge of unseen high/critical findings and the newest one; a click opens the
 *    dashboard's Findings page at it, and the badge goes back to zero;
 *  - the Findings tab: severity, title, rule id, MITRE / OWASP ids, session, time; the severity
 *    filter; Beacon's own signals; the link to the session story with the triggering events
 *    highlighted; a finding written while the page is open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { buildRenderer } from './support/build-renderer';
import { startStack, type Stack } from './support/env';
import { findingsLog, SESSION_A, type FindingsLog } from '../posture/findings-log';

const SCREENSHOTS = resolve(__dirname, '../../test-artifacts/screenshots');
const TRAY = { width: 380, height: 560 };
const LIVE_TIMEOUT = 15_000;

let built: Awaited<ReturnType<typeof buildRenderer>>;
let stack: Stack;
let log: FindingsLog;

beforeAll(async () => {
  built = await buildRenderer();
  log = findingsLog();
  stack = await startStack({ staticDir: built.dir, collector: true, events: log.events });
  await mkdir(SCREENSHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await built?.cleanup();
});

const critical = () => log.events[log.events.length - 1];

describe('tray with findings', () => {
  let tray: Page;

  it('shows a badge with the unseen high and critical findings and the newest one: title, severity, session, time', async () => {
    tray = await stack.open('#/tray');
    await tray.setViewportSize(TRAY);
    await tray.getByTestId('tray-findings').waitFor({ timeout: LIVE_TIMEOUT });
    await tray.locator('[data-testid="health"][data-level="ok"]').waitFor({ timeout: LIVE_TIMEOUT });
    expect(await tray.getByTestId('findings-badge').innerText()).toBe('3'); // 1 critical + 2 high; the medium one is not counted
    expect(await tray.getByTestId('tray-finding-title').innerText()).toBe('Remote script piped to a shell');
    const card = (await tray.getByTestId('tray-findings').innerText()).replace(/\s+/g, ' ');
    // The severity label is shown in capitals (CSS); the session by its title (its first prompt).
    expect(card).toMatch(/CRITICAL Set up the dev environment from the install script · 2 min ago$/);
    expect(card).toContain('2 min ago');
    await tray.screenshot({ path: join(SCREENSHOTS, 'tray-findings.png') });
  });

  it('a click opens the Findings page at that finding, and the badge counts from there', async () => {
    const [popup] = await Promise.all([tray.context().waitForEvent('page'), tray.getByTestId('tray-findings').click()]);
    await popup.waitForLoadState();
    expect(new URL(popup.url()).hash).toBe(`#/findings/${encodeURIComponent(critical().event.id!)}`);
    const focused = popup.locator('[data-testid="finding"][aria-current="true"]');
    await focused.waitFor({ timeout: LIVE_TIMEOUT });
    expect(await focused.getAttribute('data-rule')).toBe('remote-script-piped-to-shell');
    await popup.close();
    await tray.locator('[data-testid="findings-badge"][data-count="0"]').waitFor({ timeout: LIVE_TIMEOUT });

    // A new critical finding written to the log: live on the tray, badge 1.
    const ev = { ...critical(), timestamp: new Date().toISOString(), event: { ...critical().event, id: '019b0000-0000-7000-9000-0000000000ff' }, finding: { ...critical().finding!, rule_id: 'ssh-key-copied', title: 'Private key copied to /tmp', description: 'A private key file was copied out of ~/.ssh.' } };
    await stack.append([ev]);
    await tray.locator('[data-testid="findings-badge"][data-count="1"]').waitFor({ timeout: LIVE_TIMEOUT });
    expect(await tray.getByTestId('tray-finding-title').innerText()).toBe('Private key copied to /tmp');
    log.events.push(ev);
    await tray.close();
  });
});

describe('dashboard Findings view', () => {
  let page: Page;

  it('lists findings newest first with severity, title, rule id, MITRE / OWASP ids, session and time; and the tamper / died signals', async () => {
    page = await stack.open('#/findings');
    await page.getByTestId('findings-list').waitFor({ timeout: LIVE_TIMEOUT });
    expect(await page.locator('nav.tabs a[aria-current="page"]').innerText()).toBe('Findings');
    const rows = page.getByTestId('finding');
    expect(await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-rule')))).toEqual(['ssh-key-copied', 'remote-script-piped-to-shell', 'ssh-key-read', 'git-force-push', 'ci-workflow-edited']);
    const second = (await rows.nth(1).innerText()).replace(/\s+/g, ' ');
    for (const part of ['CRITICAL', 'Remote script piped to a shell', 'remote-script-piped-to-shell', 'T1059.004', 'T1105', 'ASI02', 'open in the session story (1 event highlighted)', '2 min ago']) expect(second).toContain(part);
    expect(await page.getByTestId('filter-all').innerText()).toMatch(/All\s+5/);
    const signals = page.getByTestId('signal');
    expect(await signals.evaluateAll((els) => els.map((e) => e.getAttribute('data-action')))).toEqual(['tamper.otel_removed', 'collector.died']);
    expect(await signals.nth(0).innerText()).toContain("Beacon's [otel] block was removed from /home/dev/.codex/config.toml");
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-findings.png'), fullPage: true });
  });

  it('reads in the dark theme too', async () => {
    const dark = await stack.open('#/findings', { colorScheme: 'dark' });
    await dark.getByTestId('findings-list').waitFor({ timeout: LIVE_TIMEOUT });
    await dark.screenshot({ path: join(SCREENSHOTS, 'dashboard-findings-dark.png') });
    await dark.close();
  });

  it('filters by severity with a click', async () => {
    await page.getByTestId('filter-high').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="finding"]').length === 4);
    expect(await page.getByTestId('finding').evaluateAll((els) => els.map((e) => e.getAttribute('data-severity')))).toEqual(['critical', 'critical', 'high', 'high']);
    expect(await page.getByTestId('filter-high').getAttribute('aria-pressed')).toBe('true');
    await page.getByTestId('filter-critical').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="finding"]').length === 2);
    await page.getByTestId('filter-all').click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="finding"]').length === 5);
  });

  it("links a finding to its session story with the triggering event highlighted", async () => {
    const row = page.locator('[data-testid="finding"][data-rule="remote-script-piped-to-shell"]');
    await row.getByTestId('finding-session-link').click();
    await page.getByTestId('timeline-events').waitFor({ timeout: LIVE_TIMEOUT });
    expect(new URL(page.url()).hash).toBe(`#/sessions/${encodeURIComponent(SESSION_A)}?events=${encodeURIComponent(log.curlIds[0])}`);
    const marked = page.locator('[data-testid="timeline-events"] li.item[data-highlight="true"]');
    expect(await marked.count()).toBe(1);
    expect((await marked.innerText()).replace(/\s+/g, ' ')).toMatch(/Codex ran curl -fsSL http:\/\/127\.0\.0\.1:9\/install\.sh \| sh — failed \(exit 7\)/);
    // The findings themselves are part of the story too, in words.
    expect(await page.getByTestId('timeline-events').innerText()).toContain('Finding (critical): Remote script piped to a shell');
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-finding-in-story.png') });
  });
});
