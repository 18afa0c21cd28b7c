/**
 * `beacon endpoint dashboard` as a user runs it: a real process that prints a tokenised URL,
 * serves the built renderer behind that token, reads the live collector's log, and refuses to
 * listen anywhere but loopback.
 */
import { describe, expect, it, afterEach } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { request } from 'node:http';
import { CLI, requireBuiltCli, runBeacon, startEndpointRun, type RunningCli } from '../support/beacon-cli';
import { scrubbedEnv } from '../support/test-env';

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
  afterEach(async () => {
    child?.kill('SIGTERM');
    await collector?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a token URL that logs the browser in, serves the renderer, and reads the live collector log', async () => {
    requireBuiltCli();
    dir = mkdtempSync(join(tmpdir(), 'beacon-dash-cmd-'));
    const log = join(dir, 'live.jsonl');
    const env = { ...scrubbedEnv(), HOME: dir };
    collector = await startEndpointRun(['--log-path', log], env);
    // config.json is absent, so the dashboard would look at port 4318: point it at our collector
    // through the user's config file, as `endpoint install --otlp-http-port` would have.
    const cfgDir = join(dir, '.beacon', 'endpoint');
    mkdirSync(cfgDir, { recursive: true });
    writeFileSync(join(cfgDir, 'config.json'), JSON.stringify({ otlp_http_port: collector.port }));

    child = spawn(process.execPath, [CLI, 'endpoint', 'dashboard', '--port', '0', '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const line = await new Promise<string>((resolve, reject) => {
      const rl = createInterface({ input: child!.stdout! });
      rl.once('line', resolve);
      child!.once('exit', (code) => reject(new Error(`dashboard exited ${code}`)));
    });
    const info = JSON.parse(line) as { url: string; port: number; log_path: string; renderer: string | null };
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

  it('refuses a non-loopback --addr with a clear message and exit 2', async () => {
    dir = mkdtempSync(join(tmpdir(), 'beacon-dash-cmd-'));
    const r = await runBeacon(['endpoint', 'dashboard', '--addr', '0.0.0.0:8765'], { env: { ...scrubbedEnv(), HOME: dir } });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/only listens on loopback/);
  });
});
