/**
 * The forward engine on the collector's thread against real receivers on real ports, reading a
 * log the real writer writes and rotates: every event arrives, in order, once when nothing
 * fails; the checkpoint survives a restart; failures are retried or stop the destination
 * as issue 14 says.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RuntimeLogWriter } from '../../electron/log/writer';
import { ForwardEngine, type ResolvedDestination } from '../../electron/forward/forward-engine';
import type { BeaconEvent } from '../../electron/shared/event';
import { RotationCapture } from '../../electron/forward/rotation-capture';
import { HecReceiver } from '../support/hec-receiver';
import { NdjsonReceiver, OtlpLogReceiver } from '../support/otlp-log-receiver';
import { localEvents, sleep, waitFor, writeEvents } from './helpers';

const TOKEN = 'hec-token-' + 'f00dfeed';

describe('forward engine (inline) against real receivers', () => {
  let dir: string;
  let log: string;
  let writer: RuntimeLogWriter;
  let engine: ForwardEngine | undefined;
  const emitted: BeaconEvent[] = [];
  const warnings: string[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'beacon-fwd-'));
    log = join(dir, 'logs', 'runtime.jsonl');
    writer = await RuntimeLogWriter.open({ path: log, rotateBytes: 64 * 1024, rotateArchives: 50, healthFile: false });
    emitted.length = 0;
    warnings.length = 0;
  });
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    await writer.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function start(destinations: ResolvedDestination[]): ForwardEngine {
    engine = new ForwardEngine({ logPath: log, stateDir: join(dir, 'state'), destinations, emit: (e) => emitted.push(...e), warn: (m) => warnings.push(m) });
    engine.start();
    return engine;
  }

  it('delivers every event of the log and its archives to HEC (with indexer ack), OTLP and NDJSON, once each', async () => {
    const hec = await new HecReceiver({ token: TOKEN, ack: true, ackDelayMs: 100 }).start();
    const otlp = await new OtlpLogReceiver().start();
    const nd = await new NdjsonReceiver().start();
    try {
      await writeEvents(writer, 0, 600);
      const e = start([
        { cfg: { name: 'hec', type: 'splunk-hec', url: hec.url, token_env: 'X', batch_events: 100 }, token: TOKEN },
        { cfg: { name: 'otel', type: 'otlp-http', url: otlp.url, batch_events: 150 } },
        { cfg: { name: 'nd', type: 'http-ndjson', url: nd.url + '/ingest' } },
      ]);
      await writeEvents(writer, 600, 400);
      e.wake();
      const local = await localEvents(log);
      expect(local).toHaveLength(1000);
      expect(readdirSync(join(dir, 'logs')).filter((f) => /runtime\.jsonl\.\d+$/.test(f)).length).toBeGreaterThan(3);
      await waitFor('all three receivers', () => hec.ledger.byId.size === 1000 && otlp.ledger.byId.size === 1000 && nd.ledger.byId.size === 1000);
      const ids = local.map((x) => x.event.id);
      for (const r of [hec, otlp, nd]) {
        expect(r.ledger.maxCopies()).toBe(1);
        expect([...r.ledger.byId.keys()]).toEqual(ids);
      }
      // HEC envelope: the event's own time, host and the Beacon sourcetype.
      expect(hec.envelopes[0]).toMatchObject({ host: 'test-host', sourcetype: 'beacon:runtime:json', time: Date.parse(local[0].timestamp) / 1000 });
      // OTLP: one LogRecord per event, body = the JSON line, ids as attributes, host/user/harness in the resource.
      const rec = otlp.records[0];
      expect(JSON.parse(rec.body)).toEqual(local[0]);
      expect(rec.attributes).toMatchObject({ 'event.id': local[0].event.id, 'session.id': local[0].session!.id, 'event.action': 'command.executed' });
      expect(rec.resource).toMatchObject({ 'host.name': 'test-host', 'user.name': 'dev', 'beacon.harness.name': 'codex_cli', 'beacon.harness.version': '0.169.0' });
      expect(BigInt(rec.timeUnixNano)).toBe(BigInt(Date.parse(local[0].timestamp)) * 1_000_000n);
      expect(rec.severityText).toBe('info');
      expect(rec.severityNumber).toBe(9);
      await waitFor('the last HEC acknowledgement', () => e.health().every((x) => x.state === 'idle'));
      const h = e.health();
      expect(h.map((x) => [x.destination, x.state, x.backlog.events, x.delivered_events])).toEqual([
        ['hec', 'idle', 0, 1000],
        ['otel', 'idle', 0, 1000],
        ['nd', 'idle', 0, 1000],
      ]);
    } finally {
      await hec.close();
      await otlp.close();
      await nd.close();
    }
  });

  it('keeps its place across a restart: only new events are sent again', async () => {
    const nd = await new NdjsonReceiver().start();
    try {
      await writeEvents(writer, 0, 300);
      const cfg = { name: 'nd', type: 'http-ndjson' as const, url: nd.url };
      let e = start([{ cfg }]);
      await waitFor('first 300', () => nd.ledger.byId.size === 300);
      await e.close();
      engine = undefined;
      await writeEvents(writer, 300, 200);
      e = start([{ cfg }]);
      await waitFor('the next 200', () => nd.ledger.byId.size === 500);
      await sleep(300);
      expect(nd.ledger.total).toBe(500);
      const cp = JSON.parse(readFileSync(join(dir, 'state', 'forward', readdirSync(join(dir, 'state', 'forward'))[0]), 'utf8'));
      expect(cp).toMatchObject({ destination: 'nd', acked_events: 500, last_event_id: (await localEvents(log))[499].event.id });
    } finally {
      await nd.close();
    }
  });

  it('retries connection refused and 503 with Retry-After, then delivers everything', async () => {
    const hec = await new HecReceiver({ token: TOKEN }).start();
    try {
      await writeEvents(writer, 0, 100);
      hec.mode = { kind: 'status', status: 503, retryAfter: '1', body: '{"text":"Server is busy","code":9}' };
      const e = start([{ cfg: { name: 'hec', type: 'splunk-hec', url: hec.url, token_env: 'X' }, token: TOKEN }]);
      await waitFor('a 503', () => hec.server.requests.some((r) => r.status === 503));
      await waitFor('retrying state', () => e.health()[0].state === 'retrying');
      expect(e.health()[0].last_error?.message).toContain('HTTP 503');
      expect(e.health()[0].backlog.events).toBe(100);
      const first503 = Date.now();
      hec.mode = { kind: 'ok' };
      await hec.server.down();
      await sleep(1500);
      await hec.server.up();
      await waitFor('delivery after the outage', () => hec.ledger.byId.size === 100, 30_000);
      // Retry-After: 1 was honoured (no retry storm), and the refused connections were retried.
      expect(hec.server.requests.filter((r) => r.status === 503)).toHaveLength(1);
      expect(Date.now() - first503).toBeGreaterThan(1000);
      await waitFor('idle', () => e.health()[0].state === 'idle');
      expect(e.health()[0].last_success_at).not.toBeNull();
    } finally {
      await hec.close();
    }
  });

  it('stops a destination on 400 and says why, while another destination keeps delivering', async () => {
    const bad = await new HecReceiver({ token: TOKEN }).start();
    const good = await new NdjsonReceiver().start();
    try {
      bad.mode = { kind: 'status', status: 400, body: '{"text":"Invalid data format","code":6}' };
      await writeEvents(writer, 0, 50);
      const e = start([
        { cfg: { name: 'bad', type: 'splunk-hec', url: bad.url, token_env: 'X' }, token: TOKEN },
        { cfg: { name: 'good', type: 'http-ndjson', url: good.url } },
      ]);
      await waitFor('good delivered', () => good.ledger.byId.size === 50);
      await waitFor('bad failed', () => e.health()[0].state === 'failed');
      const h = e.health()[0];
      expect(h.status).toBe('failed');
      expect(h.last_error?.message).toMatch(/HTTP 400: \{"text":"Invalid data format","code":6\}.*refused/);
      expect(warnings.join('\n')).toContain('forward bad: stopped: HTTP 400');
      const attempts = bad.server.requests.length;
      await writeEvents(writer, 50, 10);
      e.wake();
      await waitFor('good got the new ones', () => good.ledger.byId.size === 60);
      expect(bad.server.requests.length).toBe(attempts);
      expect(e.health()[0].backlog.events).toBe(60);
    } finally {
      await bad.close();
      await good.close();
    }
  });

  it('reports events that fell off the oldest archive before they were sent, with the count', async () => {
    await writer.close();
    writer = await RuntimeLogWriter.open({ path: log, rotateBytes: 16 * 1024, rotateArchives: 2, healthFile: false });
    const nd = await new NdjsonReceiver().start();
    try {
      await writeEvents(writer, 0, 20);
      const e = start([{ cfg: { name: 'nd', type: 'http-ndjson', url: nd.url } }]);
      await waitFor('first 20', () => nd.ledger.byId.size === 20);
      await nd.server.down();
      // Far more than 2 archives of 16 KiB: most of it is deleted before the receiver returns.
      // After each append, what the collector does for its consumers: capture a rotation, wake.
      const capture = new RotationCapture(log, 1);
      await writeEvents(writer, 20, 800, 25, () => {
        const files = capture.check();
        if (files) e.adopt(files);
        e.wake();
      });
      await waitFor('a lost-events report', () => emitted.length > 0);
      await nd.server.up();
      const local = await localEvents(log);
      await waitFor('what is still on disk', () => local.every((x) => nd.ledger.byId.has(x.event.id!)), 30_000);
      const lost = emitted.filter((x) => x.event.action === 'forward.events_lost');
      const lostCount = lost.reduce((n, x) => n + (x.forward!.lost_events ?? 0), 0);
      expect(lost[0].forward).toMatchObject({ destination: 'nd', type: 'http-ndjson' });
      expect(lost[0].forward!.from).toMatch(/^2026-12-01T10:00:00\.\d{3}Z$/);
      // Every event is accounted for: delivered, or reported lost (the head file being read is never lost).
      expect(nd.ledger.byId.size + lostCount).toBe(820);
      expect(e.health()[0].lost_events).toBe(lostCount);
    } finally {
      await nd.close();
    }
  });
});
