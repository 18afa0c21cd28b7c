/**
 * Issue 14 acceptance, with real processes only: the compiled collector (`beacon endpoint run`)
 * forwarding to a HEC-compatible receiver (indexer acknowledgement on, via --forward, token
 * from an environment variable) and to an OTLP receiver that decodes with the upstream schema
 * (from config.json, bearer token from a 0600 file), fed by the REAL `codex exec` and by real
 * Codex payloads. During delivery the receivers go down (connection refused), answer 503 with
 * Retry-After, the log rotates (small --rotate-bytes), and the collector is killed with
 * SIGKILL and restarted. Then: every event of runtime.jsonl and its archives arrived, none more
 * than twice, and de-duplicated by event.id each receiver holds exactly the local log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrubbedEnv } from '../support/test-env';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEndpointRun, type RunningCli } from '../support/beacon-cli';
import { startFakeResponsesApi, type FakeResponsesApi } from '../support/fake-responses-api';
import { cleanupCodexTemp, makeCodexHome, makeWorkspace, runCodexExec, standardScenario } from '../support/codex-runner';
import { HecReceiver } from '../support/hec-receiver';
import { OtlpLogReceiver } from '../support/otlp-log-receiver';
import { freePort } from '../support/test-env';
import { localEvents, sleep, waitFor } from '../forward/helpers';
import { listLogFiles } from '../../electron/log/rotation';
import type { BeaconEvent } from '../../electron/shared/event';

const HEC_TOKEN = 'b1e5c0de-7e57-4a11-9bad-' + 'c0ffee000001';
const OTLP_TOKEN = 'otlp-bearer-' + 'S3cr3tV4lu3xyz';
const FIXTURE = readFileSync(join(__dirname, '../fixtures/codex-0.169.0/logs-otlp-http-protobuf.bin'));

function post(port: number, body: Buffer): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/logs', method: 'POST', headers: { 'content-type': 'application/x-protobuf' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', () => resolve(0));
    req.end(body);
  });
}

/** The forwarding checkpoints under a home (forward-state/.../*.json). */
function findJson(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, name.name);
    if (name.isDirectory()) out.push(...findJson(p));
    else if (name.name.endsWith('.json') && p.includes('forward')) out.push(p);
  }
  return out;
}

function otelBlock(port: number): string {
  return [
    '[otel]',
    'log_user_prompt = true',
    `exporter = { otlp-http = { endpoint = "http://127.0.0.1:${port}/v1/logs", protocol = "binary" } }`,
    `metrics_exporter = { otlp-http = { endpoint = "http://127.0.0.1:${port}/v1/metrics", protocol = "binary" } }`,
    'trace_exporter = "none"',
  ].join('\n');
}

/**
 * History: this test found at-least-once defects in LogCursor on 2026-12-04 (after kill -9
 * under load, a destination idle with an empty backlog while part of the log had reached no
 * receiver; in rarer runs an event three times). The cause was the cursor trusting listings of
 * the log taken while the writer shifted its 500 archives: a file a listing missed could be
 * queued after the active one (so the active file was taken for a finished archive and skipped),
 * passed by and then, after a restart, taken for one older than the checkpoint; finished files
 * could be queued again (late rotation captures); held files a listing did not show were
 * reported lost. test/forward/cursor-stress.test.ts reproduces that race thousands of times
 * against the real writer; the old cursor fails it on every run.
 */
describe('at-least-once forwarding from the real collector, through kill -9, rotation and receiver outages', () => {
  let home: string;
  let log: string;
  let hec: HecReceiver;
  let otlp: OtlpLogReceiver;
  let model: FakeResponsesApi;
  let collector: RunningCli | undefined;
  let port: number;
  const outputs: string[] = [];
  const cmdlines: string[] = [];
  let local: BeaconEvent[] = [];

  const LOOPBACK_2 = '127.0.0.2';
  const env = () => ({ ...scrubbedEnv(), HOME: home, HEC_TOKEN });
  const args = () => ['--port', String(port), '--log-path', log, '--rotate-bytes', '65536', '--rotate-archives', '500', '--forward', `splunk-hec=${hec.url}`, '--forward-token-env', 'HEC_TOKEN'];

  async function startCollector(): Promise<RunningCli> {
    // startEndpointRun puts --port 0 first; ours comes later and wins, so a restart keeps the port Codex uses.
    const c = await startEndpointRun(args(), env());
    cmdlines.push(readFileSync(`/proc/${c.child.pid}/cmdline`, 'utf8'));
    return c;
  }

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'beacon-fwd-e2e-'));
    log = join(home, 'logs', 'runtime.jsonl');
    port = await freePort();
    // On 127.0.0.2: they go down and up again, and while down no other test's server (all on
    // 127.0.0.1) can take their port and answer the forwarder with a 4xx that stops it.
    hec = await new HecReceiver({ token: HEC_TOKEN, ack: true, ackDelayMs: 150, host: LOOPBACK_2 }).start();
    otlp = await new OtlpLogReceiver({ token: OTLP_TOKEN, host: LOOPBACK_2 }).start();
    const tokenFile = join(home, 'otlp.token');
    writeFileSync(tokenFile, OTLP_TOKEN + '\n');
    chmodSync(tokenFile, 0o600);
    mkdirSync(join(home, '.beacon', 'endpoint'), { recursive: true, mode: 0o700 });
    writeFileSync(
      join(home, '.beacon', 'endpoint', 'config.json'),
      JSON.stringify({ forward: [{ name: 'central-otel', type: 'otlp-http', url: otlp.url, token_file: tokenFile, batch_events: 200 }] }),
    );

    collector = await startCollector();
    expect(collector.startup.consumers).toEqual(expect.arrayContaining([expect.objectContaining({ destination: 'central-otel' }), expect.objectContaining({ destination: 'splunk-hec-1' })]));

    // 1. The real codex exec, exporting to the collector.
    const scenario = standardScenario('ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8');
    model = await startFakeResponsesApi(scenario.turns);
    const codexHome = await makeCodexHome({ modelUrl: model.url, otel: otelBlock(port) });
    const run = await runCodexExec({ codexHome, cwd: await makeWorkspace(), prompt: scenario.prompt, args: ['--json'], timeoutMs: 90_000 });
    expect(run.code).toBe(0);

    // 2. Receivers down / failing while real Codex payloads pour in and the log rotates.
    await hec.server.down();
    otlp.mode = { kind: 'status', status: 503, retryAfter: '1' };
    for (let i = 0; i < 150; i++) expect(await post(port, FIXTURE)).toBe(200);
    // Until the forwarder has met the 503 at least once: while the collector is saturated the
    // forwarder holds its batches for up to 5 s (ingest-pacer.ts), longer than a fixed pause.
    await waitFor('the OTLP destination to meet a 503', () => otlp.server.requests.some((r) => r.status === 503), 30_000, 20);
    await sleep(500);
    // 3. Back up; kill -9 the collector in the middle of delivering the backlog.
    const before = { hec: hec.ledger.total, otlp: otlp.ledger.total };
    const total = (await localEvents(log)).length;
    expect(before.hec).toBeLessThan(total);
    expect(before.otlp).toBeLessThan(total);
    otlp.mode = { kind: 'ok' };
    await hec.server.up();
    await waitFor('delivery under way', () => hec.ledger.total > before.hec && otlp.ledger.total > before.otlp, 60_000, 5);
    expect(hec.ledger.byId.size + otlp.ledger.byId.size).toBeLessThan(2 * total);
    collector.child.kill('SIGKILL');
    await collector.stop('SIGKILL');
    outputs.push(collector.output());

    // 4. Restart: more events, one more outage, then let it finish.
    collector = await startCollector();
    for (let i = 0; i < 30; i++) expect(await post(port, FIXTURE)).toBe(200);
    await otlp.server.down();
    for (let i = 0; i < 30; i++) expect(await post(port, FIXTURE)).toBe(200);
    await sleep(1000);
    await otlp.server.up();
    await waitFor(
      'both receivers to hold the whole log',
      async () => {
        const ids = (await localEvents(log)).map((e) => e.event.id!);
        return ids.every((id) => hec.ledger.byId.has(id) && otlp.ledger.byId.has(id));
      },
      120_000,
      250,
    ).catch(async (err: Error) => {
      // Say what is missing where, and what the collector said, so a failure can be read.
      const events = await localEvents(log);
      const missing = (has: (id: string) => boolean) => events.filter((e) => !has(e.event.id!));
      const hecMissing = missing((id) => hec.ledger.byId.has(id));
      const otlpMissing = missing((id) => otlp.ledger.byId.has(id));
      const actions = (list: BeaconEvent[]) => [...new Set(list.map((e) => e.event.action))].join(', ');
      const health = await fetch(`http://127.0.0.1:${port}/healthz`)
        .then(async (r) => JSON.stringify(((await r.json()) as { consumers?: { kind?: string }[] }).consumers?.filter((c) => c.kind === 'forwarder')))
        .catch((e: Error) => e.message);
      // Where the missed events sit, and what each destination's checkpoint names: the cursor's
      // view against the files on disk (identity, size, lines) is what a diagnosis needs.
      const files = (await listLogFiles(log)).map((f) => {
        const st = statSync(f, { bigint: true });
        const ids = new Set(readFileSync(f, 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as BeaconEvent).event.id!));
        const missedHere = (list: BeaconEvent[]) => list.filter((e) => ids.has(e.event.id!)).length;
        return `${f.slice(home.length)} ino ${st.ino} size ${st.size} events ${ids.size} (hec misses ${missedHere(hecMissing)}, otlp misses ${missedHere(otlpMissing)})`;
      });
      const checkpoints = findJson(home).map((f) => `${f.slice(home.length)}: ${readFileSync(f, 'utf8').replace(/\s+/g, ' ')}`);
      throw new Error(
        `${err.message}: ${events.length} local events; hec misses ${hecMissing.length} (${actions(hecMissing)}), otlp misses ${otlpMissing.length} (${actions(otlpMissing)}); ` +
          `files: ${files.join('; ')}; checkpoints: ${checkpoints.join('; ')}; forwarders in /healthz: ${health}; collector output: ${collector!.output().slice(-1500)}`,
      );
    });
    await collector.stop('SIGTERM');
    outputs.push(collector.output());
    collector = undefined;
    local = await localEvents(log);
  }, 400_000);

  afterAll(async () => {
    await collector?.stop('SIGKILL');
    await hec?.close();
    await otlp?.close();
    await model?.close();
    await cleanupCodexTemp();
    rmSync(home, { recursive: true, force: true });
  });

  it('the local log is large, rotated, and holds the Codex session', () => {
    expect(local.length).toBeGreaterThan(1000);
    expect(readdirSync(join(home, 'logs')).filter((f) => /^runtime\.jsonl\.\d+$/.test(f)).length).toBeGreaterThan(5);
    expect(local.some((e) => e.event.action === 'session.started')).toBe(true);
    expect(local.some((e) => e.event.action === 'command.executed')).toBe(true);
    expect(new Set(local.map((e) => e.event.id)).size).toBe(local.length);
  });

  for (const which of ['splunk-hec', 'otlp-http'] as const) {
    it(`${which}: after de-duplication by event.id the receiver holds exactly the local log, no event more than twice`, () => {
      const r = which === 'splunk-hec' ? hec : otlp;
      expect(r.ledger.anonymous).toHaveLength(0);
      expect(r.ledger.maxCopies()).toBeLessThanOrEqual(2);
      expect([...r.ledger.byId.keys()].sort()).toEqual(local.map((e) => e.event.id!).sort());
      for (const e of local) expect(r.ledger.byId.get(e.event.id!)).toEqual(e);
    });
  }

  it('the outages were real: refused connections, 503s with Retry-After, a resend after the kill', () => {
    expect(otlp.server.requests.some((r) => r.status === 503)).toBe(true);
    // What the killed collector had in flight was sent again (at most that batch per destination).
    const dupes = [...hec.ledger.counts.values(), ...otlp.ledger.counts.values()].filter((c) => c === 2).length;
    expect(dupes).toBeLessThanOrEqual(1000 + 200);
    expect(otlp.undecodable).toBe(0);
  });

  it('no token in argv, in runtime.jsonl and its archives, in checkpoints or in any output the collector wrote', () => {
    for (const c of cmdlines) {
      expect(c).not.toContain(HEC_TOKEN);
      expect(c).not.toContain(OTLP_TOKEN);
    }
    for (const o of outputs) {
      expect(o).not.toContain(HEC_TOKEN);
      expect(o).not.toContain(OTLP_TOKEN);
    }
    const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : [join(d, n)]));
    const files = walk(home).filter((f) => !f.endsWith('otlp.token') && !f.includes(`${join(home, '.codex')}`) && !/codex-home|workspace/.test(f));
    expect(files.some((f) => f.includes('forward-state') || f.includes(join('state', 'forward')))).toBe(true);
    for (const f of files) {
      const text = readFileSync(f, 'latin1');
      expect(text.includes(HEC_TOKEN), f).toBe(false);
      expect(text.includes(OTLP_TOKEN), f).toBe(false);
    }
  });
});
