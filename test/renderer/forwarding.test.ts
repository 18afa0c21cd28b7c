/**
 * The forwarding panel in a real Chromium: the real collector forwards its log to two real
 * receivers, one that refuses everything (400: the destination stops) and one that accepts;
 * the dashboard's health shows both, with state, backlog, last delivery and the error, and
 * turns the health light yellow for the stopped one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { buildRenderer } from './support/build-renderer';
import { startStack, type Stack } from './support/env';
import * as E from './support/events';
import { HecReceiver } from '../support/hec-receiver';
import { NdjsonReceiver } from '../support/otlp-log-receiver';

const SCREENSHOTS = resolve(__dirname, '../../test-artifacts/screenshots');
const TOKEN = 'panel-token-' + '5eed5eed';
const s: E.SessionSpec = { id: '019ab2c0-3333-7a10-9c2f-000000000003', cwd: '/home/dev/api', model: 'gpt-5-codex' };

let built: Awaited<ReturnType<typeof buildRenderer>>;
let stack: Stack;
let page: Page;
let hec: HecReceiver;
let lake: NdjsonReceiver;

beforeAll(async () => {
  built = await buildRenderer();
  hec = await new HecReceiver({ token: TOKEN }).start();
  hec.mode = { kind: 'status', status: 400, body: '{"text":"Incorrect index","code":7}' };
  lake = await new NdjsonReceiver().start();
  stack = await startStack({
    staticDir: built.dir,
    collector: true,
    forward: [
      { cfg: { name: 'siem', type: 'splunk-hec', url: hec.url, token_env: 'HEC' }, token: TOKEN },
      { cfg: { name: 'lake', type: 'http-ndjson', url: `${lake.url}/ingest` } },
    ],
  });
  await stack.collector!.pipeline.write([E.sessionStarted(s), E.promptSubmitted(s, 'hello')]);
  await mkdir(SCREENSHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await hec?.close();
  await lake?.close();
  await built?.cleanup();
});

describe('forwarding panel', () => {
  it('shows each destination: stopped with the receiver\'s reason, and caught up with its last delivery', async () => {
    await new Promise<void>((r) => {
      const t = setInterval(() => {
        if (lake.ledger.byId.size >= 2) {
          clearInterval(t);
          r();
        }
      }, 50);
    });
    page = await stack.open('#/sessions');
    const panel = page.getByTestId('forwarding-panel');
    await page.waitForFunction(() => document.querySelector('[data-testid="forward-siem"]')?.getAttribute('data-state') === 'failed', null, { timeout: 15_000 });
    await page.waitForFunction(() => document.querySelector('[data-testid="forward-lake"]')?.getAttribute('data-state') === 'idle', null, { timeout: 15_000 });
    const siem = await panel.getByTestId('forward-siem').innerText();
    expect(siem).toMatch(/^Stopped\s*siem\s*splunk-hec · http:\/\/127\.0\.0\.1:\d+\/services\/collector\/event/);
    expect(siem).toContain('Backlog 2 event(s)');
    expect(siem).toContain('nothing delivered yet');
    expect(await panel.getByTestId('forward-error-siem').innerText()).toContain('Last error: HTTP 400: {"text":"Incorrect index","code":7}');
    const lakeRow = await panel.getByTestId('forward-lake').innerText();
    expect(lakeRow).toMatch(/^Caught up\s*lake\s*http-ndjson/);
    expect(lakeRow).toMatch(/No backlog · last delivery (just now|\d+ s ago)/);
    await page.waitForFunction(() => document.querySelector('[data-testid="health"]')?.getAttribute('data-level') === 'warn', null, { timeout: 15_000 });
    expect(await page.getByTestId('health').getAttribute('title')).toContain('Forwarding stopped: siem (splunk-hec)');
    expect(await page.content()).not.toContain(TOKEN);
    await page.screenshot({ path: join(SCREENSHOTS, 'dashboard-forwarding.png'), fullPage: false });
  });
});
