/**
 * Forwarding health as each surface shows it, from one real collector process forwarding to a
 * receiver that refuses (400: stopped) and to one that is down (connection refused: retrying):
 * `endpoint status` and `doctor` (text and JSON), the dashboard's /api/health, and the tray
 * menu built from that health.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { runBeacon, startEndpointRun, type RunningCli } from '../support/beacon-cli';
import { HecReceiver } from '../support/hec-receiver';
import { freePort, scrubbedEnv } from '../support/test-env';
import { waitFor } from '../forward/helpers';
import { probeCollector } from '../../electron/collector/probe';
import { isForwardHealth } from '../../electron/shared/forwarding';
import { startDashboard } from '../../electron/dashboard/server';
import { TrayModel } from '../../electron/app/tray-state';
import { readFileSync } from 'node:fs';

const TOKEN = 'visible-token-' + '77777777';
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

describe('forwarding health in status, doctor, the dashboard and the tray', () => {
  let home: string;
  let hec: HecReceiver;
  let collector: RunningCli;
  let port: number;
  const env = () => ({ ...scrubbedEnv(), HOME: home, HEC_TOKEN: TOKEN });

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'beacon-fwd-health-'));
    port = await freePort();
    const downPort = await freePort();
    hec = await new HecReceiver({ token: TOKEN }).start();
    hec.mode = { kind: 'status', status: 400, body: '{"text":"Incorrect index","code":7}' };
    mkdirSync(join(home, '.beacon', 'endpoint'), { recursive: true, mode: 0o700 });
    writeFileSync(
      join(home, '.beacon', 'endpoint', 'config.json'),
      JSON.stringify({
        otlp_http_port: port,
        runtime_log: join(home, 'logs', 'runtime.jsonl'),
        forward: [
          { name: 'siem', type: 'splunk-hec', url: hec.url, token_env: 'HEC_TOKEN' },
          { name: 'otel', type: 'otlp-http', url: `http://127.0.0.1:${downPort}` },
        ],
      }),
    );
    collector = await startEndpointRun(['--port', String(port)], env());
    expect(await post(port, FIXTURE)).toBe(200);
    await waitFor('siem stopped and otel retrying', async () => {
      const p = await probeCollector(port);
      const f = p.kind === 'beacon' ? p.health.consumers.filter(isForwardHealth) : [];
      return f.some((h) => h.destination === 'siem' && h.state === 'failed') && f.some((h) => h.destination === 'otel' && h.state === 'retrying');
    });
  }, 60_000);

  afterAll(async () => {
    await collector?.stop('SIGTERM');
    await hec?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('status --json: each destination with state, backlog and last error; a fail and a warn check', async () => {
    const r = await runBeacon(['endpoint', 'status', '--json'], { env: env() });
    const st = JSON.parse(r.stdout);
    const siem = st.forwarding.find((d: { name: string }) => d.name === 'siem');
    const otel = st.forwarding.find((d: { name: string }) => d.name === 'otel');
    expect(siem).toMatchObject({ type: 'splunk-hec', one_off: false, health: { state: 'failed', last_success_at: null, backlog: { events: expect.any(Number) } } });
    expect(siem.health.backlog.events).toBeGreaterThan(0);
    expect(siem.health.last_error.message).toContain('HTTP 400: {"text":"Incorrect index","code":7}');
    expect(otel.health).toMatchObject({ state: 'retrying', next_attempt_at: expect.any(String) });
    expect(otel.health.last_error.message).toMatch(/ECONNREFUSED/);
    const checks = Object.fromEntries(st.checks.map((c: { id: string }) => [c.id, c]));
    expect(checks['forward:siem']).toMatchObject({ status: 'fail', action: expect.stringContaining('beacon endpoint forward test siem') });
    expect(checks['forward:otel']).toMatchObject({ status: 'warn' });
    expect(st.verdict.status).toBe('fail');
    expect(r.stdout).not.toContain(TOKEN);
  });

  it('status and doctor in words', async () => {
    const text = await runBeacon(['endpoint', 'status'], { env: env() });
    expect(text.stdout).toMatch(/Forwarding: siem \(splunk-hec\): failed, backlog \d+ event\(s\) \(\d+ (s|min|h|d) old\), no delivery yet, last error: HTTP 400/);
    expect(text.stdout).toMatch(/\n {12}otel \(otlp-http\): retrying, backlog \d+ event\(s\)/);
    expect(text.stdout).toContain('FAIL forward:siem: forwarding stopped:');
    const doc = await runBeacon(['endpoint', 'doctor', '--json'], { env: env() });
    const d = JSON.parse(doc.stdout);
    expect(d.checks.find((c: { id: string }) => c.id === 'forward:siem')).toMatchObject({ status: 'fail' });
    expect(d.checks.find((c: { id: string }) => c.id === 'forward:otel')).toMatchObject({ status: 'warn' });
  });

  it('the dashboard health lists both and raises the stopped one; the tray menu shows a line per destination', async () => {
    const dash = await startDashboard({ port: 0, logPath: join(home, 'logs', 'runtime.jsonl'), collectorUrl: `http://127.0.0.1:${port}/healthz` });
    try {
      const h = await dash.health();
      expect(h.forwarding?.map((f) => [f.destination, f.state])).toEqual([
        ['siem', 'failed'],
        ['otel', 'retrying'],
      ]);
      expect(h.status).toBe('degraded');
      expect(h.problems.some((p) => p.startsWith('Forwarding stopped: siem (splunk-hec): failed'))).toBe(true);
      const tray = new TrayModel({ role: 'host', logPath: join(home, 'logs', 'runtime.jsonl'), dashboardReady: true });
      tray.update({ health: { status: h.status, problems: h.problems, forwarding: h.forwarding } });
      const menu = tray.menu({ showWindow() {}, openDashboard() {}, pauseCapture() {}, resumeCapture() {}, configureCodex() {}, setOpenAtLogin() {}, quit() {} });
      expect(tray.view().status).toBe('warn');
      expect(menu.find((i) => i.id === 'forward:siem')?.label).toMatch(/^Forwarding to siem: stopped, \d+ waiting, HTTP 400/);
      expect(menu.find((i) => i.id === 'forward:otel')?.label).toMatch(/^Forwarding to otel: retrying, \d+ waiting, ECONNREFUSED/);
    } finally {
      await dash.close();
    }
  });
});
