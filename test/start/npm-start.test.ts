/**
 * `npm start` on a machine where Electron cannot start (ours): the headless collector and
 * dashboard as real processes on free ports, in a temporary HOME. What a first-time user reads
 * must be true: the collector answers before the dashboard reports on it, `--port` reaches the
 * collector, a taken port is named as such, and the printed next step works as printed.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT, requireBuiltCli, runBeacon, startEndpointRun, type RunningCli } from '../support/beacon-cli';
import { freePort, scrubbedEnv } from '../support/test-env';
import { runStart, START, type StartRun } from './start-process';

function getJson(url: string, token: string): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        try {
          resolve(JSON.parse(body));
        } catch (err) {
          reject(new Error(`HTTP ${res.statusCode}: ${body}`));
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

let home: string;
let run: StartRun | undefined;
let collector: RunningCli | undefined;
let foreign: Server | undefined;

function sandbox(): NodeJS.ProcessEnv {
  home = mkdtempSync(join(tmpdir(), 'beacon-start-'));
  return { ...scrubbedEnv(), HOME: home };
}

afterEach(async () => {
  if (run) {
    await run.interrupt();
    run.kill();
    run = undefined;
  }
  await collector?.stop();
  collector = undefined;
  await new Promise((r) => (foreign ? foreign.close(r) : r(null)));
  foreign = undefined;
  rmSync(home, { recursive: true, force: true });
});

describe('npm start, headless', () => {
  it('starts the collector on --port, then a dashboard that reports that collector live, then prints the next step, which works', async () => {
    requireBuiltCli();
    const env = sandbox();
    const port = await freePort();
    run = runStart(['--no-build', '--port', String(port), '--dashboard-port', '0'], env);
    const out = await run.waitFor(/Ctrl-C here stops both/);

    const listening = out.indexOf(`listening on http://127.0.0.1:${port}`);
    const dashLine = /beacon: dashboard: (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(out);
    expect(listening).toBeGreaterThan(-1);
    expect(dashLine).not.toBeNull();
    // The collector said it listens before the dashboard was even started.
    expect(listening).toBeLessThan(out.indexOf('beacon: dashboard:'));
    expect(out).not.toMatch(/no collector answers/);
    expect(out).not.toMatch(/shows the one that is live/);

    // The dashboard really watches the collector on --port (not config.json's 4318).
    const url = new URL(dashLine![1]);
    const health = await getJson(`${url.origin}/api/health`, url.searchParams.get('token')!);
    expect(health.collector).toMatchObject({ state: 'up', url: `http://127.0.0.1:${port}/healthz` });
    const pid = health.collector.info.pid as number;
    expect(out).toContain(`written by the collector pid ${pid} (started here)`);

    // The next step names the non-default port, and works as printed while npm start runs.
    const next = new RegExp(`npm run beacon -- endpoint install --harness codex --otlp-http-port ${port}\\n`);
    expect(out).toMatch(next);
    const install = await runBeacon(['endpoint', 'install', '--harness', 'codex', '--otlp-http-port', String(port)], { env });
    expect(install.code, install.stderr).toBe(0);
    expect(install.stdout).toContain(`Collector: already running on 127.0.0.1:${port} (pid ${pid})`);

    // Ctrl-C stops both, cleanly.
    expect(await run.interrupt()).toBe(0);
    expect(run.output()).toMatch(/stopped; \d+ event\(s\) written this run/);
    expect(await portOpen(port)).toBe(false);
    expect(await portOpen(Number(url.port))).toBe(false);
  });

  it('attaches to a Beacon collector already on the port and says which one it is; the next step is not repeated once installed', async () => {
    const env = sandbox();
    const log = join(home, 'service.jsonl');
    collector = await startEndpointRun(['--log-path', log], env);
    const port = collector.port;
    await runBeacon(['endpoint', 'install', '--harness', 'codex', '--otlp-http-port', String(port), '--no-start'], { env });
    run = runStart(['--no-build', '--port', String(port), '--dashboard-port', '0'], env);
    const out = await run.waitFor(/watch the dashboard/);
    expect(out).toContain(`a Beacon collector already runs on 127.0.0.1:${port} (pid ${collector.startup.pid}`);
    // The dashboard reads Beacon's configured log, and says what the collector on the port claims.
    expect(out).toContain(`(Beacon's configured log); the collector pid ${collector.startup.pid} on the port says it writes ${log}`);
    expect(out).toContain(`endpoint dashboard --log-path ${log}`);
    expect(out).toContain('Codex already sends its telemetry to this port');
    expect(out).not.toMatch(/starting the collector/);
    expect(await run.interrupt()).toBe(0);
    // Ours to stop was only the dashboard: the service collector keeps running.
    expect(await portOpen(port)).toBe(true);
  });

  it('says plainly that another program holds the port, starts nothing and exits non-zero', async () => {
    const env = sandbox();
    const port = await freePort();
    foreign = createServer((_req, res) => res.writeHead(404).end('not beacon'));
    await new Promise<void>((r) => foreign!.listen(port, '127.0.0.1', r));
    run = runStart(['--no-build', '--port', String(port)], env);
    const code = await run.exited;
    const out = run.output();
    expect(code).toBe(1);
    expect(out).toContain(`port ${port} on 127.0.0.1 is held by another program (HTTP 404 on /healthz), not a Beacon collector`);
    expect(out).not.toMatch(/dashboard:|shows the one that is live|next step/);
  });
});

describe('npm start, headless, dashboard port taken', () => {
  it('names the npm start flag for it, stops the collector it started, and exits non-zero', async () => {
    const env = sandbox();
    const [port, dashPort] = [await freePort(), await freePort()];
    foreign = createServer((_req, res) => res.writeHead(200).end('another app'));
    await new Promise<void>((r) => foreign!.listen(dashPort, '127.0.0.1', r));
    run = runStart(['--no-build', '--port', String(port), '--dashboard-port', String(dashPort)], env);
    expect(await run.exited).toBe(1);
    const out = run.output();
    expect(out).toContain(`listening on http://127.0.0.1:${port}`);
    expect(out).toMatch(new RegExp(`port ${dashPort} on 127\\.0\\.0\\.1 is (already )?in use`, "i"));
    expect(out).toContain('for npm start its port is --dashboard-port <port>');
    expect(out).toMatch(/stopped; 0 event\(s\) written this run/);
    expect(out).not.toMatch(/next step/);
    expect(await portOpen(port)).toBe(false);
  });
});

describe('npm start options', () => {
  it('--help lists every accepted option and builds nothing', () => {
    const r = spawnSync(process.execPath, [START, '--help'], { env: { ...scrubbedEnv(), HOME: tmpdir() }, encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(0);
    for (const flag of ['--port <port>', '--dashboard-port <port>', '--open', '--headless', '--no-build', '--help']) expect(r.stdout).toContain(flag);
    expect(r.stdout).not.toMatch(/building/);
  });

  it.each([
    [['--prot', '5000'], /^beacon: Unknown option '--prot'; `npm start -- --help` lists the accepted options\n$/],
    [['--port', '0'], /^beacon: --port: Codex needs a fixed port, so 0 is not accepted here\n$/],
    [['--port', 'http'], /^beacon: --port: "http" is not a TCP port \(1-65535\)\n$/],
    [['5000'], /^beacon: unexpected argument "5000"; `npm start -- --help` lists the accepted options\n$/],
  ])('rejects %j with one line and exit 2', (args, message) => {
    const r = spawnSync(process.execPath, [START, ...args], { env: { ...scrubbedEnv(), HOME: tmpdir() }, encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('`npm start --port 5000` (no --): names the mistake, through the real npm', () => {
    home = mkdtempSync(join(tmpdir(), 'beacon-start-npm-'));
    const r = spawnSync('npm', ['start', '--port', '5000'], { cwd: REPO_ROOT, env: { ...scrubbedEnv(), HOME: home }, encoding: 'utf8', timeout: 20_000 });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("beacon: npm kept --port for itself: put Beacon's options after --, e.g. npm start -- --port 5000");
  });
});
