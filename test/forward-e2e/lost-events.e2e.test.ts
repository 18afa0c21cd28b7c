/**
 * The real collector (worker thread) with few, small archives and a receiver that is away
 * longer than they last: the collector writes a `forward.events_lost` health event into its
 * own runtime.jsonl saying how many events that destination lost and from when, shows the
 * count in /healthz, and once the receiver is back it delivers what is still on disk,
 * the loss report included.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrubbedEnv } from '../support/test-env';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEndpointRun, type RunningCli } from '../support/beacon-cli';
import { NdjsonReceiver } from '../support/otlp-log-receiver';
import { freePort } from '../support/test-env';
import { localEvents, waitFor } from '../forward/helpers';
import { probeCollector } from '../../electron/collector/probe';
import { isForwardHealth, type ForwardDestinationHealth } from '../../electron/shared/forwarding';
import type { BeaconEvent } from '../../electron/shared/event';

const FIXTURE = readFileSync(join(__dirname, '../fixtures/codex-0.169.0/logs-otlp-http-protobuf.bin'));

function post(port: number): Promise<number> {
  return new Promise((res) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/logs', method: 'POST', headers: { 'content-type': 'application/x-protobuf' } }, (r) => {
      r.resume();
      r.on('end', () => res(r.statusCode ?? 0));
    });
    req.on('error', () => res(0));
    req.end(FIXTURE);
  });
}

describe('backlog that falls off the oldest archive', () => {
  let home: string;
  let log: string;
  let nd: NdjsonReceiver;
  let collector: RunningCli;
  let health: ForwardDestinationHealth;
  let lost: BeaconEvent[];

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'beacon-fwd-lost-'));
    log = join(home, 'logs', 'runtime.jsonl');
    const port = await freePort();
    nd = new NdjsonReceiver({ port });
    // The receiver is not up yet: connection refused from the first attempt.
    // Two archives, not one: a loss report must outlive the post or two that may land between
    // its write and this loop noticing it (under load the worker writes it late), or the report
    // itself falls off and /healthz counts more than the log still says.
    collector = await startEndpointRun(['--log-path', log, '--rotate-bytes', '30000', '--rotate-archives', '2', '--forward', `http-ndjson=http://127.0.0.1:${port}/in`], { ...scrubbedEnv(), HOME: home });
    // Post until the first loss is reported, then stop: later rotations would push the loss
    // reports themselves off the archives (they are events like any other, and their own
    // loss is then counted in the next report), and this test compares the reports with /healthz.
    for (let i = 0; i < 200; i++) {
      expect(await post(collector.port)).toBe(200);
      if (i >= 10 && (await localEvents(log)).some((e) => e.event.action === 'forward.events_lost')) break;
    }
    await waitFor('a loss report in the log', async () => (await localEvents(log)).some((e) => e.event.action === 'forward.events_lost'), 30_000, 100);
    await waitFor('the count in /healthz', async () => {
      const p = await probeCollector(collector.port);
      const h = p.kind === 'beacon' ? p.health.consumers.find(isForwardHealth) : undefined;
      if (h && h.lost_events > 0) health = h;
      return !!h && h.lost_events > 0;
    });
    await nd.start();
    await waitFor('what is still on disk to arrive', async () => {
      const ids = (await localEvents(log)).map((e) => e.event.id!);
      return ids.every((id) => nd.ledger.byId.has(id));
    }, 60_000, 200);
    lost = (await localEvents(log)).filter((e) => e.event.action === 'forward.events_lost');
  }, 120_000);

  afterAll(async () => {
    await collector?.stop('SIGTERM');
    await nd?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('writes forward.events_lost with the count and the time range, as a health event with an id', () => {
    const e = lost[0];
    expect(e).toMatchObject({ event: { category: 'health' }, severity: 'high', health: { component: 'forward:http-ndjson-1', status: 'events_lost' }, forward: { destination: 'http-ndjson-1', type: 'http-ndjson' } });
    expect(e.event.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(e.forward!.lost_events).toBeGreaterThan(0);
    expect(Date.parse(e.forward!.from!)).toBeLessThanOrEqual(Date.parse(e.forward!.until!));
    expect(e.message).toContain(`${e.forward!.lost_events} event(s)`);
  });

  it('/healthz counts the same losses, and the receiver gets the report too', () => {
    const reported = lost.reduce((n, x) => n + (x.forward!.lost_events ?? 0), 0);
    expect(health.lost_events).toBeGreaterThan(0);
    expect(health.lost_events, `the reports on disk: ${JSON.stringify(lost.map((x) => x.forward))}; /healthz then: ${JSON.stringify(health)}`).toBeLessThanOrEqual(reported);
    expect(nd.ledger.byId.has(lost[0].event.id!)).toBe(true);
  });
});
