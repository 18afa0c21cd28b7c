/**
 * Live latency: an event visible in the UI within 250 ms of reaching the collector. The real
 * path end to end: an OTLP/JSON export (a codex.user_prompt built from the captured fixture)
 * POSTed to the collector process -> runtime.jsonl -> the dashboard's log reader (fs.watch) ->
 * SSE -> the built React renderer in Debian's Chromium.
 *
 * Time is taken on both sides against the same wall clock (performance.timeOrigin +
 * performance.now(), in Node and in the page): the POST start in the bench, and in the page the
 * first animation frame after a MutationObserver saw the marker text, i.e. the frame that shows
 * it. Two views are measured: the tray view (its feed takes each event straight off the
 * stream) and the dashboard's Events page (re-queried after a 150 ms coalescing delay).
 */
import * as http from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDashboard } from '../electron/dashboard/server';
import { FIXTURES, RENDERER_DIR } from './paths';
import { startCollectorProcess, type ServerProcess } from './servers';
import { progress, sleep } from './progress';
import { verdict } from './report';
import { summarize } from './stats';
import type { Section, SectionContext } from './section';

const LIMIT_MS = 250;
const CHROMIUM = process.env.BEACON_BENCH_CHROMIUM || '/usr/bin/chromium';

interface OtlpJsonValue {
  stringValue?: string;
}
interface OtlpJsonRecord {
  observedTimeUnixNano?: string;
  attributes: Array<{ key: string; value: OtlpJsonValue }>;
}
interface OtlpJsonLogs {
  resourceLogs: Array<{ resource: unknown; scopeLogs: Array<{ scope: unknown; logRecords: OtlpJsonRecord[] }> }>;
}

/** A one-record OTLP/JSON export: the fixture's codex.user_prompt with our marker as the prompt. */
function promptExporter(sessionId: string): (marker: string) => string {
  const fixture = JSON.parse(readFileSync(join(FIXTURES, 'codex-0.169.0', 'logs-otlp-http-json.json'), 'utf8')) as OtlpJsonLogs;
  for (const rl of fixture.resourceLogs) {
    for (const sl of rl.scopeLogs) {
      const rec = sl.logRecords.find((r) => r.attributes.some((a) => a.key === 'event.name' && a.value.stringValue === 'codex.user_prompt'));
      if (!rec) continue;
      return (marker) => {
        const now = new Date();
        const set: Record<string, string> = {
          prompt: marker,
          prompt_length: String(marker.length),
          'event.timestamp': now.toISOString(),
          'conversation.id': sessionId,
        };
        const record = {
          ...rec,
          observedTimeUnixNano: `${BigInt(now.getTime()) * 1_000_000n}`,
          attributes: rec.attributes.map((a) => (a.key in set ? { key: a.key, value: { stringValue: set[a.key] } } : a)),
        };
        return JSON.stringify({ resourceLogs: [{ resource: rl.resource, scopeLogs: [{ scope: sl.scope, logRecords: [record] }] }] });
      };
    }
  }
  throw new Error('the JSON fixture has no codex.user_prompt record');
}

/** Installed in each page before each POST: resolves window.__beaconSeen with the paint time. */
function watchFor(marker: string): void {
  const w = window as unknown as { __beaconSeen: number | null };
  w.__beaconSeen = null;
  const seen = (): boolean => (document.body.textContent ?? '').includes(marker);
  const done = (): void => {
    requestAnimationFrame(() => {
      w.__beaconSeen = performance.timeOrigin + performance.now();
    });
  };
  if (seen()) {
    done();
    return;
  }
  const obs = new MutationObserver(() => {
    if (seen()) {
      obs.disconnect();
      done();
    }
  });
  obs.observe(document.body, { childList: true, subtree: true, characterData: true });
}

const nowEpoch = (): number => performance.timeOrigin + performance.now();

/** A Node SSE client on /api/stream: when did the server push the event carrying `marker`? */
async function openStream(port: number, token: string): Promise<{ waitFor(marker: string): Promise<number>; close(): void }> {
  const waiters = new Map<string, (t: number) => void>();
  const req = http.get({ host: '127.0.0.1', port, path: '/api/stream', headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' } });
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  if (res.statusCode !== 200) throw new Error(`/api/stream answered ${res.statusCode}`);
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    const t = nowEpoch();
    for (const [marker, resolve] of waiters) {
      if (chunk.includes(marker)) {
        waiters.delete(marker);
        resolve(t);
      }
    }
  });
  res.on('error', () => undefined);
  return {
    waitFor: (marker) => new Promise<number>((resolve) => waiters.set(marker, resolve)),
    close: () => req.destroy(),
  };
}

export const liveSection: Section = {
  name: 'live',
  describe: 'OTLP POST -> text visible in the real renderer (Chromium): tray feed and dashboard Events page',
  async run(ctx: SectionContext) {
    if (!existsSync(join(RENDERER_DIR, 'index.html'))) throw new Error(`${RENDERER_DIR}/index.html is missing: run \`npm run build\` first`);
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium, or set BEACON_BENCH_CHROMIUM)`);
    const { chromium } = await import('playwright-core');
    const iterations = ctx.quick ? 4 : 12;
    let collector: ServerProcess | undefined;
    let dash: Awaited<ReturnType<typeof startDashboard>> | undefined;
    const profile = mkdtempSync(join(tmpdir(), 'beacon-bench-chromium-'));
    let context: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined;
    try {
      collector = await startCollectorProcess(ctx.dir);
      const logPath = join(ctx.dir, 'logs', 'runtime.jsonl');
      dash = await startDashboard({ port: 0, logPath, collectorUrl: `${collector.url}/healthz`, staticDir: RENDERER_DIR });
      progress(`live: collector on ${collector.port}, dashboard on ${dash.port}; launching Chromium`);
      context = await chromium.launchPersistentContext(profile, {
        executablePath: CHROMIUM,
        headless: true,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      });
      const base = `http://127.0.0.1:${dash.port}/`;
      const tray = await context.newPage();
      await tray.goto(dash.url); // ?token= sets the cookie and redirects to /
      await tray.goto(`${base}?view=tray#/tray`);
      const events = await context.newPage();
      await events.goto(`${base}#/events`);
      await events.getByTestId('result-count').waitFor({ timeout: 15_000 });
      const pages = { tray, events } as const;

      const exportFor = promptExporter('0199beef-0000-7000-8000-00000000bench');
      const sse = await openStream(dash.port, dash.token);
      const lat: Record<keyof typeof pages, number[]> = { tray: [], events: [] };
      const sseLat: number[] = [];
      const ack: number[] = [];
      let misses = 0;
      // One view at a time, brought to the front: a background tab gets no animation frames.
      for (const name of ['tray', 'events'] as const) {
        const page = pages[name];
        await page.bringToFront();
        // Iteration 0 warms every layer (JIT, fs.watch, the SSE connection) and is not counted.
        for (let i = 0; i <= iterations; i++) {
          const marker = `latency probe ${name} ${i} ${Math.random().toString(36).slice(2, 8)}`;
          await page.evaluate(watchFor, marker);
          const sseSeen = sse.waitFor(marker);
          const t0 = nowEpoch();
          const res = await fetch(`${collector.url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: exportFor(marker) });
          const acked = nowEpoch() - t0;
          if (res.status !== 200) throw new Error(`the collector answered ${res.status}: ${await res.text()}`);
          try {
            const seenAt = await page.waitForFunction(() => (window as unknown as { __beaconSeen: number | null }).__beaconSeen, null, { timeout: 5000, polling: 10 });
            const ms = ((await seenAt.jsonValue()) as number) - t0;
            if (i > 0) lat[name].push(ms);
          } catch {
            if (i > 0) misses++;
            progress(`live: the ${name} view did not show "${marker}" within 5 s`);
          }
          const sseAt = await Promise.race([sseSeen, sleep(1000).then(() => NaN)]);
          if (i > 0) {
            ack.push(acked);
            if (Number.isFinite(sseAt)) sseLat.push(sseAt - t0);
          }
          await sleep(400); // let the dashboard's coalesced re-queries finish before the next one
        }
      }
      sse.close();
      progress(`live: ${iterations} events measured per view`);
      const a = summarize(ack);
      const st = summarize(sseLat);
      ctx.add({
        section: 'live',
        metric: `POST -> event on /api/stream (Node SSE client), max of ${st.n}`,
        value: st.max,
        unit: 'ms',
        baseline: { value: a.p50, unit: 'ms', label: 'POST acknowledged, p50' },
        ratio: st.max / a.p50,
        target: 'info',
        verdict: 'INFO',
        note: `p50 ${st.p50.toFixed(0)} ms, min ${st.min.toFixed(0)} ms: the server side of the path (collector write -> reader -> SSE)`,
      });
      for (const name of ['tray', 'events'] as const) {
        const s = summarize(lat[name]);
        ctx.add({
          section: 'live',
          metric: `POST -> visible, ${name === 'tray' ? 'tray feed' : 'dashboard Events page'}, max of ${s.n}`,
          value: s.max,
          unit: 'ms',
          baseline: { value: a.p50, unit: 'ms', label: 'POST acknowledged, p50' },
          ratio: s.max / a.p50,
          target: `< ${LIMIT_MS} ms`,
          verdict: s.n === iterations ? verdict(s.max < LIMIT_MS) : 'FAIL',
          note: `p50 ${s.p50.toFixed(0)} ms, min ${s.min.toFixed(0)} ms, max ${s.max.toFixed(0)} ms${misses ? `; ${misses} event(s) never showed within 5 s` : ''}`,
        });
      }
    } finally {
      await context?.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
      await dash?.close();
      await collector?.stop();
    }
  },
};
