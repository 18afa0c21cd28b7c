/**
 * Issue 11 item 2 (second half): a content policy (or spans, or port) change reaches the running
 * collector, and status / doctor report a collector that runs with other settings than
 * config.json. Real collector processes started by the built CLI, real OTLP/HTTP posts of a
 * Codex `codex.user_prompt` record (the shape Codex 0.169 sends), the real runtime.jsonl.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { probeCollector } from '../../electron/collector/probe';
import { requireBuiltCli, startEndpointRun } from '../support/beacon-cli';
import { freePort, makeSandbox, parseJsonOut, readJson, type Sandbox } from './helpers';

let sandboxes: Sandbox[] = [];
// Each test runs the CLI several times and waits for real collectors: room for a loaded machine.
vi.setConfig({ testTimeout: 120_000 });
beforeAll(() => requireBuiltCli());
afterEach(async () => {
  for (const s of sandboxes) await s.cleanup();
  sandboxes = [];
});

async function sandbox(): Promise<Sandbox> {
  const s = await makeSandbox({ config: 'model = "o3"\n' });
  sandboxes.push(s);
  return s;
}

/** POST one Codex user_prompt log record as OTLP/HTTP JSON; resolves with the HTTP status. */
function postPrompt(port: number, prompt: string): Promise<number> {
  const body = JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'codex_exec' } }, { key: 'service.version', value: { stringValue: '0.169.0' } }] },
        scopeLogs: [
          {
            scope: { name: 'codex_otel.log_only' },
            logRecords: [
              {
                timeUnixNano: String(Date.now() * 1e6),
                severityNumber: 9,
                attributes: [
                  { key: 'event.name', value: { stringValue: 'codex.user_prompt' } },
                  { key: 'prompt', value: { stringValue: prompt } },
                  { key: 'prompt_length', value: { stringValue: String(prompt.length) } },
                  { key: 'event.timestamp', value: { stringValue: new Date().toISOString() } },
                  { key: 'conversation.id', value: { stringValue: '01a20c0d-3016-7772-bb1a-55a121c2066e' } },
                  { key: 'model', value: { stringValue: 'gpt-5-codex' } },
                ],
              },
            ],
          },
        ],
      },
    ],
  });
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/v1/logs', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The prompt events in the runtime log, oldest first. */
function prompts(log: string): { text?: string; hash?: string }[] {
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l))
    .filter((e) => e.event?.action === 'prompt.submitted')
    .map((e) => e.prompt ?? {});
}

async function health(port: number) {
  const p = await probeCollector(port);
  expect(p.kind).toBe('beacon');
  if (p.kind !== 'beacon') throw new Error('no collector');
  return p.health;
}

describe('a policy change reaches the running collector', () => {
  it('install redacted, prompt; install --content metadata restarts the collector; the next prompt keeps no text', async () => {
    const s = await sandbox();
    const first = await s.beacon(['endpoint', 'install', '--otlp-http-port', String(s.port)]);
    expect(first.code, first.stdout + first.stderr).toBe(0);
    const pid1 = (await health(s.port)).pid;
    expect(await postPrompt(s.port, 'please refactor the parser module')).toBe(200);
    expect(prompts(s.userLog)).toEqual([expect.objectContaining({ text: 'please refactor the parser module' })]);

    const dry = await s.beacon(['endpoint', 'install', '--dry-run', '--content', 'metadata', '--otlp-http-port', String(s.port)]);
    expect(dry.stdout).toMatch(new RegExp(`restart_collector 127\\.0\\.0\\.1:${s.port} \\(pid ${pid1}, to apply content redacted -> metadata\\)`));
    expect((await health(s.port)).pid).toBe(pid1);

    const r = await s.beacon(['endpoint', 'install', '--content', 'metadata', '--otlp-http-port', String(s.port)]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`\\[done\\] restart_collector 127\\.0\\.0\\.1:${s.port} \\(pid ${pid1} -> \\d+, to apply content redacted -> metadata\\)`));
    expect(r.stdout).not.toContain('[unchanged] start_collector');
    const h = await health(s.port);
    expect(h.content).toBe('metadata');
    expect(h.pid).not.toBe(pid1);
    expect(readJson(join(s.beaconDir, 'config.json')).content).toBe('metadata');
    expect(readJson(s.manifest).collector.pid).toBe(h.pid); // uninstall can stop the new one

    expect(await postPrompt(s.port, 'now write the release notes')).toBe(200);
    const [, second] = prompts(s.userLog);
    expect(second.text).toBeUndefined();
    expect(second.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(s.userLog, 'utf8')).not.toContain('release notes');

    const st = await s.beacon(['endpoint', 'status', '--json']);
    expect(st.code, st.stdout).toBe(0);
    expect(parseJsonOut(st).checks.find((c: { id: string }) => c.id === 'collector_settings')).toBeUndefined();
    const u = await s.beacon(['endpoint', 'uninstall']);
    expect(u.code).toBe(0);
    expect((await probeCollector(s.port)).kind).toBe('none');
  });

  it('a port change moves the collector: the old port is free, Codex and the new collector meet on the new one', async () => {
    const s = await sandbox();
    expect((await s.beacon(['endpoint', 'install', '--otlp-http-port', String(s.port)])).code).toBe(0);
    const p2 = await freePort();
    s.usePort(p2);
    const r = await s.beacon(['endpoint', 'install', '--include-codex-spans', '--otlp-http-port', String(p2)]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/restart_collector .*port \d+ -> \d+.*spans dropped -> kept/);
    expect((await probeCollector(s.port)).kind).toBe('none');
    expect((await health(p2)).include_spans).toBe(true);
    expect(readFileSync(join(s.codexHome, 'config.toml'), 'utf8')).toContain(`http://127.0.0.1:${p2}/v1/traces`);
  });

  it('config.json changed by hand: status and doctor fail with the fix; repair restarts the collector with it', async () => {
    const s = await sandbox();
    expect((await s.beacon(['endpoint', 'install', '--otlp-http-port', String(s.port)])).code).toBe(0);
    const cfgPath = join(s.beaconDir, 'config.json');
    writeFileSync(cfgPath, JSON.stringify({ ...readJson(cfgPath), content: 'metadata' }, null, 2) + '\n');

    const st = await s.beacon(['endpoint', 'status', '--json']);
    expect(st.code).toBe(1);
    const check = parseJsonOut(st).checks.find((c: { id: string }) => c.id === 'collector_settings');
    expect(check).toMatchObject({ status: 'fail', action: 'beacon endpoint repair', fix: 'restart-collector' });
    expect(check.message).toMatch(/runs with content redacted, config\.json says metadata: events are written under the old content policy/);
    const text = await s.beacon(['endpoint', 'status']);
    expect(text.stdout.split('\n')[0]).toMatch(/FAIL .*content redacted, config\.json says metadata/);
    expect((await s.beacon(['endpoint', 'doctor'])).code).toBe(1);

    const r = await s.beacon(['endpoint', 'repair']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain('[done] apply_config');
    expect(r.stdout).toContain('[done] restart_collector');
    expect((await health(s.port)).content).toBe('metadata');
    expect(readJson(s.manifest).settings.content).toBe('metadata');
    expect(await postPrompt(s.port, 'summarise the diff')).toBe(200);
    expect(prompts(s.userLog).pop()?.text).toBeUndefined();
    expect((await s.beacon(['endpoint', 'status'])).code).toBe(0);
  });

  it('doctor --fix applies it too', async () => {
    const s = await sandbox();
    expect((await s.beacon(['endpoint', 'install', '--otlp-http-port', String(s.port)])).code).toBe(0);
    const cfgPath = join(s.beaconDir, 'config.json');
    writeFileSync(cfgPath, JSON.stringify({ ...readJson(cfgPath), content: 'full' }, null, 2) + '\n');
    const d = await s.beacon(['endpoint', 'doctor', '--fix']);
    expect(d.code, d.stdout).toBe(0);
    expect(d.stdout).toMatch(/applied restart-collector \(collector_settings\): .*restart_collector/);
    expect((await health(s.port)).content).toBe('full');
  });

  it('a collector Beacon did not start (here `beacon endpoint run` in a terminal) is not restarted: install warns, status fails and says how', async () => {
    const s = await sandbox();
    const run = await startEndpointRun(['--port', String(s.port), '--log-path', s.userLog, '--content', 'full'], s.env);
    try {
      const r = await s.beacon(['endpoint', 'install', '--otlp-http-port', String(s.port)]);
      expect(r.code, r.stdout + r.stderr).toBe(0);
      expect(r.stdout).toMatch(/warning: the collector on 127\.0\.0\.1:\d+ \(pid \d+\) was not started by `beacon endpoint install`.*content full, config\.json says redacted/);
      expect((await health(s.port)).pid).toBe(run.child.pid);
      const st = await s.beacon(['endpoint', 'status', '--json']);
      expect(st.code).toBe(1);
      const check = parseJsonOut(st).checks.find((c: { id: string }) => c.id === 'collector_settings');
      expect(check.status).toBe('fail');
      expect(check.fix).toBeUndefined();
      expect(check.action).toMatch(new RegExp(`it reads .*config\\.json only when it starts; restart it: quit and reopen the Beacon app, or stop pid ${run.child.pid} and run \`beacon endpoint repair\``));
      const rep = await s.beacon(['endpoint', 'repair']);
      expect(rep.code).toBe(1);
      expect(rep.stderr).toMatch(/^beacon: repair failed: the collector on .* was not started by `beacon endpoint install`/);
    } finally {
      await run.stop();
    }
  });
});
