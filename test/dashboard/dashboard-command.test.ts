/**
 * `beacon endpoint dashboard` as a user runs it: a real process that prints a tokenised URL,
 * serves the built renderer behind that token, reads the log Beacon's configuration names (and
 * only that one, whatever answers on the OTLP port), and refuses to listen anywhere but loopback.
 */
import { describe, expect, it, afterEach } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createServer, request, type Server } from 'node:http';
import { CLI, requireBuiltCli, runBeacon, startEndpointRun, type RunningCli } from '../support/beacon-cli';
import { freePort, scrubbedEnv } from '../support/test-env';
import { generateEvents, toJsonl } from '../log-reader/make-events';

/** Starts `beacon endpoint dashboard --port 0 --json` and resolves with its startup line. */
async function startDashboardCommand(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; info: { url: string; port: number; log_path: string; renderer: string | null } }> {
  const child = spawn(process.execPath, [CLI, 'endpoint', 'dashboard', '--port', '0', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`dashboard exited ${code}`)));
  });
  return { child, info: JSON.parse(line) };
}

/** A program that is not our collector holding the OTLP port, answering /healthz with `body`. */
function fakeHolder(port: number, body: string): Promise<Server> {
  const server = createServer((req, res) => {
    res.writeHead(200, { 'content-type': req.url === '/healthz' && body.startsWith('{') ? 'application/json' : 'text/html' });
    res.end(body);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('beacon endpoint dashboard', () => {
  let dir: string;
  let child: ChildProcess | undefined;
  let collector: RunningCli | undefined;
  let holder: Server | undefined;
  afterEach(async () => {
    child?.kill('SIGTERM');
    child = undefined;
    await collector?.stop();
    collector = undefined;
    await new Promise((r) => (holder ? holder.close(r) : r(undefined)));
    holder = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a token URL that logs the browser in, serves the renderer, and reads the configured log its collector writes', async () => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'beacon-dash-cmd-'));
    const log = join(dir, 'live.jsonl');
    const env = { ...scrubbedEnv(), HOME: dir };
    collector = await startEndpointRun(['--log-path', log], env);
    // What `endpoint install --otlp-http-port P` leaves in config.json: the port and the log.
    const cfgDir = join(dir, '.beacon', 'endpoint');
    mkdirSync(cfgDir, { recursive: true });
    writeFileSync(join(cfgDir, 'config.json'), JSON.stringify({ otlp_http_port: collector.port, runtime_log: log }));

    const started = await startDashboardCommand(env);
    child = started.child;
    const info = started.info;
    expect(info.log_path).toBe(log);
    expect(info.renderer).toBeTruthy();
    const url = new URL(info.url);
    expect(url.hostname).toBe('127.0.0.1');
    const token = url.searchParams.get('token')!;
    expect(token.length).toBeGreaterThan(20);

    expect((await get(`http://127.0.0.1:${info.port}/api/health`)).status).toBe(401);
    const login = await get(info.url);
    expect(login.status).toBe(303);
    const cookie = String(login.headers['set-cookie']).split(';')[0];
    const page = await get(`http://127.0.0.1:${info.port}/`, { cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<div id="root">');
    const health = JSON.parse((await get(`http://127.0.0.1:${info.port}/api/health`, { authorization: `Bearer ${token}` })).body);
    expect(health.dashboard.log_path).toBe(log);
    expect(health.collector).toMatchObject({ state: 'up', info: { pid: collector.startup.pid, log_path: log } });
  });

  describe('with a fresh HOME and something else holding the configured OTLP port', () => {
    /** Another program's log, full of events the user must never be shown as theirs. */
    function foreignLog(): string {
      const file = join(dir, 'elsewhere', 'other-program.jsonl');
      mkdirSync(join(dir, 'elsewhere'), { recursive: true });
      writeFileSync(file, toJsonl(generateEvents({ sessions: 2, turnsPerSession: 1 })));
      return file;
    }

    async function dashboardOnFreshHome(port: number) {
      const home = join(dir, 'home');
      const cfgDir = join(home, '.beacon', 'endpoint');
      mkdirSync(cfgDir, { recursive: true });
      writeFileSync(join(cfgDir, 'config.json'), JSON.stringify({ otlp_http_port: port }));
      const started = await startDashboardCommand({ ...scrubbedEnv(), HOME: home });
      child = started.child;
      const token = new URL(started.info.url).searchParams.get('token')!;
      const api = async (path: string) => JSON.parse((await get(`http://127.0.0.1:${started.info.port}${path}`, { authorization: `Bearer ${token}` })).body);
      return { info: started.info, api, configured: join(cfgDir, 'logs', 'runtime.jsonl') };
    }

    it('a program claiming to be a Beacon collector writing another log: serves the configured log and reports the claim', async () => {
      requireBuiltCli();
      dir = mkdtempSync(join(tmpdir(), 'beacon-dash-foreign-'));
      const other = foreignLog();
      const port = await freePort();
      holder = await fakeHolder(port, JSON.stringify({ service: 'beacon-collector', version: '9.9.9', pid: 4242, mode: 'user', log_path: other, port }));
      const { info, api, configured } = await dashboardOnFreshHome(port);

      expect(info.log_path).toBe(configured);
      const events = await api('/api/events');
      expect(events.events).toHaveLength(0); // nothing of the other program's log
      const health = await api('/api/health');
      expect(health.dashboard.log_path).toBe(configured);
      expect(health.status).not.toBe('ok');
      expect(health.collector).toMatchObject({ state: 'up', info: { pid: 4242, log_path: other } });
      expect(health.problems.join('\n')).toContain(other);
      expect(health.log_source_warning).toMatch(/not believed/);
    });

    it('a program that is not a Beacon collector at all: serves the configured log and names it as foreign', async () => {
      requireBuiltCli();
      dir = mkdtempSync(join(tmpdir(), 'beacon-dash-foreign-'));
      foreignLog();
      const port = await freePort();
      holder = await fakeHolder(port, '<html>some other server</html>');
      const { info, api, configured } = await dashboardOnFreshHome(port);

      expect(info.log_path).toBe(configured);
      expect((await api('/api/events')).events).toHaveLength(0);
      const health = await api('/api/health');
      expect(health.status).not.toBe('ok');
      expect(health.collector.state).toBe('foreign');
      expect(health.problems.join('\n')).toMatch(/Something other than beacon-collector answers/);
    });
  });

  it('refuses a non-loopback --addr with a clear message and exit 2', async () => {
    dir = mkdtempSync(join(tmpdir(), 'beacon-dash-cmd-'));
    const r = await runBeacon(['endpoint', 'dashboard', '--addr', '0.0.0.0:8765'], { env: { ...scrubbedEnv(), HOME: dir } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/only listens on loopback/);
  });
});
