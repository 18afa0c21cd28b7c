/**
 * Host or attach, against real things on real ports: a real Beacon collector, a plain HTTP
 * server that is not Beacon, and nothing at all.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../electron/collector/collector';
import { startBeaconCollector as startCollector } from '../../electron/plugins/collector';
import { probeCollector } from '../../electron/collector/probe';
import { decideCollectorRole, hostOrAttach, type CollectorSession } from '../../electron/app/collector-host';

let dir: string;
const cleanups: Array<() => Promise<unknown>> = [];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'beacon-host-'));
});
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
  await rm(dir, { recursive: true, force: true });
});

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });
}

async function freePort(): Promise<number> {
  const s = createServer();
  const port = await listen(s);
  await new Promise((r) => s.close(r));
  return port;
}

function config(port: number) {
  return { otlp_http_port: port, runtime_log: join(dir, 'app', 'runtime.jsonl'), mode: 'user' as const, content: 'redacted' as const, include_codex_spans: false };
}

async function postLogs(url: string): Promise<number> {
  const body = JSON.stringify({ resourceLogs: [] });
  const res = await fetch(`${url}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await res.arrayBuffer();
  return res.status;
}

describe('decideCollectorRole (pure)', () => {
  it('hosts when nothing answers, attaches to a Beacon collector, and is blocked by anything else', () => {
    const cfg = config(4318);
    expect(decideCollectorRole({ kind: 'none' }, cfg)).toEqual({ role: 'host' });
    const health = { service: 'beacon-collector', pid: 42, mode: 'system', log_path: '/var/log/beacon-agent/runtime.jsonl', port: 4318 } as never;
    const named = [cfg.runtime_log, '/var/log/beacon-agent/runtime.jsonl'];
    expect(decideCollectorRole({ kind: 'beacon', health }, cfg, named)).toEqual({ role: 'attach', logPath: '/var/log/beacon-agent/runtime.jsonl', pid: 42, mode: 'system', port: 4318 });
    // A claim of a log no Beacon configuration names is not believed (issue 11).
    const claim = decideCollectorRole({ kind: 'beacon', health: { ...(health as object), log_path: '/tmp/someone-else.jsonl' } as never }, cfg, named);
    expect(claim.role).toBe('blocked');
    expect(claim.role === 'blocked' && claim.reason).toMatch(/pid 42\) says it is a Beacon collector writing "\/tmp\/someone-else\.jsonl", which no Beacon configuration names/);
    const blocked = decideCollectorRole({ kind: 'other', detail: 'HTTP 200 on /healthz' }, cfg);
    expect(blocked.role).toBe('blocked');
    expect(blocked.role === 'blocked' && blocked.reason).toMatch(/^Another program \(not Beacon\) holds port 4318 on 127\.0\.0\.1 \(HTTP 200 on \/healthz\)/);
  });
});

describe('hostOrAttach with real servers', () => {
  // The other collector's log is one Beacon's configuration names (as the system config names /var/log/beacon-agent).
  const named = { probe: (port: number) => probeCollector(port), start: startCollector, beaconLogs: async () => [join(dir, 'agent', 'runtime.jsonl')] };

  it('attaches to a Beacon collector already on the port and reads ITS log', async () => {
    const other: RunningCollector = await startCollector({ port: 0, logPath: join(dir, 'agent', 'runtime.jsonl') });
    cleanups.push(() => other.close());
    const s: CollectorSession = await hostOrAttach(config(other.port), named);
    cleanups.push(() => s.close());
    expect(s.role).toEqual({ role: 'attach', logPath: join(dir, 'agent', 'runtime.jsonl'), pid: process.pid, mode: 'user', port: other.port });
    expect(s.logPath).toBe(join(dir, 'agent', 'runtime.jsonl'));
    expect(s.collectorUrl).toBe(`http://127.0.0.1:${other.port}/healthz`);
    expect(s.collector).toBeNull();
    // Closing the viewer's session leaves the other collector running.
    await s.close();
    expect((await probeCollector(other.port)).kind).toBe('beacon');
  });

  it('does not believe a collector that claims a log no Beacon configuration names: shows its own log and says why', async () => {
    const other: RunningCollector = await startCollector({ port: 0, logPath: join(dir, 'elsewhere', 'runtime.jsonl') });
    cleanups.push(() => other.close());
    const s = await hostOrAttach(config(other.port), named);
    expect(s.role.role).toBe('blocked');
    expect(s.role.role === 'blocked' && s.role.reason).toContain(`writing ${JSON.stringify(join(dir, 'elsewhere', 'runtime.jsonl'))}, which no Beacon configuration names`);
    expect(s.logPath).toBe(config(other.port).runtime_log);
    expect(s.collector).toBeNull();
  });

  it('is blocked, in plain words, when a non-Beacon server holds the port', async () => {
    const foreign = createServer((_req, res) => res.end('hello'));
    const port = await listen(foreign);
    cleanups.push(() => new Promise((r) => foreign.close(r)));
    const s = await hostOrAttach(config(port));
    expect(s.role.role).toBe('blocked');
    expect(s.role.role === 'blocked' && s.role.reason).toContain(`Another program (not Beacon) holds port ${port} on 127.0.0.1`);
    expect(s.collector).toBeNull();
    // The dashboard still reads the configured log and probes the port (it will report "foreign").
    expect(s.logPath).toBe(config(port).runtime_log);
  });

  it('hosts (really starts the collector) when nothing listens', async () => {
    const port = await freePort();
    const s = await hostOrAttach(config(port));
    cleanups.push(() => s.close());
    expect(s.role).toEqual({ role: 'host' });
    expect(s.collector?.port).toBe(port);
    const probe = await probeCollector(port);
    expect(probe.kind).toBe('beacon');
    expect(probe.kind === 'beacon' && probe.health.log_path).toBe(config(port).runtime_log);
    expect(await postLogs(s.collector!.url)).toBe(200);
    await s.close();
    expect((await probeCollector(port)).kind).toBe('none');
    // The log file exists (created by the writer), owner-only.
    await expect(readFile(config(port).runtime_log, 'utf8')).resolves.toBe('');
  });

  it('when it loses the race for the port to a Beacon collector, it attaches instead of failing', async () => {
    const other = await startCollector({ port: 0, logPath: join(dir, 'agent', 'runtime.jsonl') });
    cleanups.push(() => other.close());
    // The probe claims "nothing there" (as if the other collector bound right after it).
    const s = await hostOrAttach(config(other.port), { ...named, probe: (() => { let first = true; return async (p: number) => (first ? ((first = false), { kind: 'none' as const }) : probeCollector(p)); })() });
    expect(s.role.role).toBe('attach');
    expect(s.logPath).toBe(join(dir, 'agent', 'runtime.jsonl'));
  });

  it('is blocked with the reason when the collector cannot start for another cause (log locked by another collector)', async () => {
    const other = await startCollector({ port: 0, logPath: config(0).runtime_log });
    cleanups.push(() => other.close());
    const s = await hostOrAttach(config(await freePort()));
    expect(s.role.role).toBe('blocked');
    expect(s.role.role === 'blocked' && s.role.reason).toMatch(/^Beacon could not start its collector: /);
  });
});
