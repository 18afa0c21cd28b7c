/**
 * The syslog-ng recipe (docs/forwarding/syslog-ng/beacon-hec.conf) run for real: Debian's
 * syslog-ng (packages syslog-ng-core and syslog-ng-mod-http, installed by .ci/run) tails the
 * runtime.jsonl that the real collector writes, buffers on disk while the HEC receiver is
 * down, and delivers every event of the log in HEC format. Rotation is kept out of this run on
 * purpose: syslog-ng 3.38 follows the file by name, and when the log rotated every couple of
 * seconds we saw it skip a whole rotated file (docs/forwarding/README.md says so and why). Only the URL, the log
 * path and the buffer directory of the recipe are changed for the test, and the test checks
 * those are the recipe's own lines (so it cannot silently test something else).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scrubbedEnv } from '../support/test-env';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startEndpointRun, type RunningCli } from '../support/beacon-cli';
import { HecReceiver } from '../support/hec-receiver';
import { localEvents, sleep, waitFor } from '../forward/helpers';
import type { BeaconEvent } from '../../electron/shared/event';

const RECIPE = resolve(__dirname, '../../docs/forwarding/syslog-ng/beacon-hec.conf');
const SYSLOG_NG = '/usr/sbin/syslog-ng';
const TOKEN = 'syslog-ng-hec-' + '1234abcd5678';
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

describe('syslog-ng recipe: runtime.jsonl -> disk buffer -> HEC', () => {
  let home: string;
  let log: string;
  let hec: HecReceiver;
  let collector: RunningCli | undefined;
  let sng: ChildProcess | undefined;
  let sngOut = '';
  let local: BeaconEvent[] = [];

  const ids = () => new Set(hec.events().map((e) => e.event.id));

  beforeAll(async () => {
    const version = spawnSync(SYSLOG_NG, ['--version'], { encoding: 'utf8' });
    if (version.status !== 0) throw new Error(`${SYSLOG_NG} is missing: apt-get install syslog-ng-core syslog-ng-mod-http (.ci/run does)`);
    home = mkdtempSync(join(tmpdir(), 'beacon-sng-'));
    log = join(home, 'logs', 'runtime.jsonl');
    hec = await new HecReceiver({ token: TOKEN }).start();
    collector = await startEndpointRun(['--log-path', log, '--rotate-bytes', String(64 << 20)], { ...scrubbedEnv(), HOME: home });

    const recipe = readFileSync(RECIPE, 'utf8');
    const swaps: [string, string][] = [
      ['url("https://splunk.example.com:8088/services/collector/event")', `url("${hec.url}/services/collector/event")`],
      ['file("/var/log/beacon-agent/runtime.jsonl"', `file("${log}"`],
      ['dir("/var/lib/syslog-ng/beacon")', `dir("${join(home, 'buffer')}")`],
    ];
    let conf = recipe;
    for (const [from, to] of swaps) {
      expect(recipe.split(from)).toHaveLength(2);
      conf = conf.replace(from, to);
    }
    mkdirSync(join(home, 'buffer'));
    const confFile = join(home, 'syslog-ng.conf');
    writeFileSync(confFile, conf);
    const syntax = spawnSync(SYSLOG_NG, ['--syntax-only', '-f', confFile], { encoding: 'utf8' });
    expect(syntax.status, syntax.stderr).toBe(0);

    // Some events before syslog-ng starts: it must read the log from its start.
    for (let i = 0; i < 10; i++) expect(await post(collector.port)).toBe(200);
    sng = spawn(SYSLOG_NG, ['-F', '-e', '-f', confFile, '--persist-file', join(home, 'sng.persist'), '--pidfile', join(home, 'sng.pid'), '--control', join(home, 'sng.ctl'), '--no-caps'], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', BEACON_HEC_TOKEN: TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    sng.stdout!.on('data', (d) => (sngOut += d));
    sng.stderr!.on('data', (d) => (sngOut += d));
    await waitFor('the first events through syslog-ng', async () => ids().size >= (await localEvents(log)).length, 30_000, 100);

    // Receiver down for a while: syslog-ng keeps reading into its disk buffer, retries, delivers.
    await hec.server.down();
    for (let burst = 0; burst < 4; burst++) {
      for (let i = 0; i < 15; i++) expect(await post(collector.port)).toBe(200);
      await sleep(1000);
    }
    await hec.server.up();
    await waitFor('every event of the log at the receiver', async () => {
      const want = (await localEvents(log)).map((e) => e.event.id);
      const have = ids();
      return want.every((id) => have.has(id));
    }, 60_000, 200);
    await collector.stop('SIGTERM');
    collector = undefined;
    local = await localEvents(log);
  }, 180_000);

  afterAll(async () => {
    sng?.kill('SIGTERM');
    await collector?.stop('SIGKILL');
    await hec?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('the receiver really was away: syslog-ng delivered the backlog in more than one request after it came back', () => {
    expect(local.length).toBeGreaterThan(400);
    expect(hec.server.requests.length).toBeGreaterThan(1);
    expect(sngOut).toMatch(/error sending HTTP request|Couldn't connect/);
  });

  it('after de-duplication by event.id the receiver holds exactly the local log, no event more than twice', () => {
    expect(hec.ledger.maxCopies()).toBeLessThanOrEqual(2);
    expect([...hec.ledger.byId.keys()].sort()).toEqual(local.map((e) => e.event.id!).sort());
    for (const e of local) expect(hec.ledger.byId.get(e.event.id!)).toEqual(e);
  });

  it('HEC envelopes carry the event time (ms), host and the Beacon sourcetype', () => {
    const byId = new Map(local.map((e) => [e.event.id, e]));
    for (const env of hec.envelopes) {
      const ev = env.event as BeaconEvent;
      expect(env.time).toBeCloseTo(Date.parse(byId.get(ev.event.id)!.timestamp) / 1000, 3);
      expect(env).toMatchObject({ host: ev.endpoint.hostname, source: 'beacon', sourcetype: 'beacon:runtime:json' });
    }
  });

  it('the token is taken from the environment, never written in the config syslog-ng reads', () => {
    expect(readFileSync(join(home, 'syslog-ng.conf'), 'utf8')).not.toContain(TOKEN);
    expect(readFileSync(`/proc/${sng!.pid}/cmdline`, 'utf8')).not.toContain(TOKEN);
    expect(hec.server.requests.every((r) => r.headers.authorization === `Splunk ${TOKEN}`)).toBe(true);
    expect(sngOut).not.toContain(TOKEN);
  });
});
