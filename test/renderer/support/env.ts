/**
 * One real Beacon stack for a renderer test: a temp runtime.jsonl, optionally the real
 * collector writing to it, the real dashboard server reading it and serving the renderer
 * built by Vite, and a real Chromium. Everything on 127.0.0.1, ephemeral ports, removed after.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { RunningCollector } from '../../../electron/collector/collector';
import { startBeaconCollector } from '../../../electron/plugins/collector';
import type { ResolvedDestination } from '../../../electron/forward/forward-engine';
import { startDashboard, type Dashboard } from '../../../electron/dashboard/server';
import type { BeaconEvent } from '../../../electron/shared/event';
import { appendEvents } from './events';
import { launchBrowser, type TestBrowser } from './browser';

export interface StackOptions {
  staticDir: string;
  /** Run the real collector on the same log and point the dashboard's health probe at it. */
  collector?: boolean;
  events?: BeaconEvent[];
  logSourceWarning?: string;
  codexStatus?: unknown;
  viewport?: { width: number; height: number };
  /** Forwarding destinations of the collector (with `collector: true`). */
  forward?: ResolvedDestination[];
}

export interface Stack {
  dir: string;
  logPath: string;
  collector: RunningCollector | null;
  dashboard: Dashboard;
  browser: TestBrowser;
  /** Open a page on the dashboard link (token in the query), at the given hash route. */
  open(hash?: string, opts?: { colorScheme?: 'light' | 'dark'; beforeLoad?: (page: Page) => Promise<void> }): Promise<Page>;
  append(events: BeaconEvent[]): Promise<void>;
  close(): Promise<void>;
}

export async function startStack(opts: StackOptions): Promise<Stack> {
  const dir = await mkdtemp(join(tmpdir(), 'beacon-renderer-test-'));
  const logPath = join(dir, 'logs', 'runtime.jsonl');
  let collector: RunningCollector | null = null;
  let dashboard: Dashboard | null = null;
  let browser: TestBrowser | null = null;
  try {
    if (opts.collector) {
      collector = await startBeaconCollector({ port: 0, logPath, forward: opts.forward, stateDir: join(dir, 'state') });
    } else {
      const { mkdir } = await import('node:fs/promises');
      await mkdir(join(dir, 'logs'), { recursive: true, mode: 0o700 });
      await writeFile(logPath, '', { mode: 0o600 });
    }
    if (opts.events?.length) await appendEvents(logPath, opts.events);
    dashboard = await startDashboard({
      port: 0,
      logPath,
      staticDir: opts.staticDir,
      collectorUrl: collector ? `${collector.url}/healthz` : undefined,
      logSourceWarning: opts.logSourceWarning ? async () => opts.logSourceWarning ?? null : undefined,
      codexStatus: opts.codexStatus !== undefined ? async () => opts.codexStatus : undefined,
    });
    browser = await launchBrowser(opts.viewport);
  } catch (err) {
    await browser?.close();
    await dashboard?.close();
    await collector?.close();
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const dash = dashboard;
  const b = browser;
  return {
    dir,
    logPath,
    collector,
    dashboard: dash,
    browser: b,
    async open(hash = '', o = {}) {
      const page = await b.context.newPage();
      if (o.colorScheme) await page.emulateMedia({ colorScheme: o.colorScheme });
      if (o.beforeLoad) await o.beforeLoad(page);
      await page.goto(`${dash.url}${hash}`);
      return page;
    },
    append: (events) => appendEvents(logPath, events),
    async close() {
      await b.close();
      await dash.close();
      await collector?.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
