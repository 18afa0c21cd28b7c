/**
 * A real Chromium (Debian's /usr/bin/chromium) driven by playwright-core, with a throwaway
 * profile and every background network feature off: the only traffic is to our loopback server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { browserEnv } from '../../support/test-env';

export const CHROMIUM = process.env.BEACON_TEST_CHROMIUM || '/usr/bin/chromium';

export interface TestBrowser {
  context: BrowserContext;
  /** Every request the pages made, to prove nothing left the machine. */
  requests: string[];
  /** Console errors (CSP violations included) and uncaught page errors. */
  errors: string[];
  close(): Promise<void>;
}

export async function launchBrowser(viewport = { width: 1280, height: 800 }): Promise<TestBrowser> {
  const profile = await mkdtemp(join(tmpdir(), 'beacon-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    env: browserEnv(profile),
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const requests: string[] = [];
  const errors: string[] = [];
  context.on('request', (req) => requests.push(req.url()));
  context.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  context.on('weberror', (err) => errors.push(String(err.error())));
  return {
    context,
    requests,
    errors,
    async close() {
      await context.close().catch(() => undefined);
      await rm(profile, { recursive: true, force: true });
    },
  };
}
