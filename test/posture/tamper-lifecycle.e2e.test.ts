/**
 * Issue 15 item 5 as a user meets it: Beacon installed into a test HOME, the real collector
 * (`beacon endpoint run`, the built CLI) writing the installed runtime.jsonl, and config.toml
 * edited by hand the way an editor saves (write a temp file, rename it over). Each edit must
 * show up as a tamper event in runtime.jsonl within seconds, with no timer faster than 10 s
 * (the watch is fs.watch on the directory). Also: collector.started / stopped / died, and the
 * inventory with the real Codex binary's version.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { requireBuiltCli, REPO_ROOT, startEndpointRun, type RunningCli } from '../support/beacon-cli';
import { makeSandbox, type Sandbox } from '../endpoint-lifecycle/helpers';
import type { BeaconEvent } from '../../electron/shared/event';
import type { HealthResponse } from '../../electron/shared/api';
import { startDashboard } from '../../electron/dashboard/server';
import { get } from '../dashboard/http';

vi.setConfig({ testTimeout: 120_000 });
beforeAll(() => requireBuiltCli());

let sandboxes: Sandbox[] = [];
let runs: RunningCli[] = [];
afterEach(async () => {
  for (const r of runs) await r.stop('SIGKILL');
  runs = [];
  for (const s of sandboxes) await s.cleanup();
  sandboxes = [];
});

const BASE = '# mine\nmodel = "gpt-5.5"\nsandbox_mode = "workspace-write"\napproval_policy = "on-request"\n\n[mcp_servers.docs]\ncommand = "docs-mcp"\n';
const CODEX_VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules/@openai/codex/package.json'), 'utf8')) as { version: string }).version;

function events(log: string): BeaconEvent[] {
  let text = '';
  try {
    text = readFileSync(log, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as BeaconEvent);
}

async function waitFor(log: string, pred: (e: BeaconEvent) => boolean, timeoutMs = 8000): Promise<BeaconEvent> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = events(log).find(pred);
    if (hit) return hit;
    if (Date.now() > deadline) throw new Error(`no matching event within ${timeoutMs} ms; log has: ${events(log).map((e) => e.event.action).join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** An editor's save: a new file renamed over the old one (what ends a watch on the file itself). */
function saveAsEditor(path: string, text: string): void {
  const tmp = `${path}.swp-${process.pid}`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, path);
}

async function installedRun(): Promise<{ s: Sandbox; cfg: string; run: RunningCli; env: NodeJS.ProcessEnv }> {
  const s = await makeSandbox({ config: BASE });
  sandboxes.push(s);
  const r = await s.beacon(['endpoint', 'install', '--no-start', '--otlp-http-port', String(s.port)]);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  // The real Codex on PATH, for the inventory's version.
  const env = { ...s.env, PATH: [join(REPO_ROOT, 'node_modules/.bin'), s.env.PATH].join(delimiter) };
  const run = await startEndpointRun(['--log-path', s.userLog], env);
  runs.push(run);
  return { s, cfg: join(s.codexHome, 'config.toml'), run, env };
}

describe('tamper signals from a hand-edited config.toml', () => {
  it('removed, then changed, then overridden by requirements.toml: one event each, within seconds, saying what changed', async () => {
    const { s, cfg, run } = await installedRun();
    const started = await waitFor(s.userLog, (e) => e.event.action === 'collector.started');
    expect(started).toMatchObject({ event: { category: 'health' }, posture: { pid: run.child.pid, mode: 'user', log_path: s.userLog, content: 'redacted' } });
    const installedText = readFileSync(cfg, 'utf8');

    // 1. The [otel] block removed by hand.
    const t0 = Date.now();
    saveAsEditor(cfg, BASE);
    const removed = await waitFor(s.userLog, (e) => e.event.action === 'tamper.otel_removed');
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(removed).toMatchObject({ severity: 'high', event: { category: 'tamper' }, harness: { name: 'codex_cli' }, posture: { config_path: cfg, state: 'removed' } });
    expect(removed.posture!.detail).toMatch(/\[otel\] block was removed from .*config\.toml/);
    // The dashboard's health (the tray's light) says so too, from the collector's /healthz.
    const dash = await startDashboard({ port: 0, logPath: s.userLog, collectorUrl: `http://127.0.0.1:${run.port}/healthz` });
    try {
      const res = await get(dash.port, '/api/health', { host: `127.0.0.1:${dash.port}`, authorization: `Bearer ${dash.token}` });
      const h = res.json<HealthResponse>();
      expect(h.status).toBe('degraded');
      expect(h.problems.join('\n')).toMatch(/^Codex telemetry tampered with: Beacon's \[otel\] block was removed/m);
    } finally {
      await dash.close();
    }

    // 2. Put back, then the logs exporter's port changed.
    saveAsEditor(cfg, installedText);
    await new Promise((r) => setTimeout(r, 1500));
    saveAsEditor(cfg, installedText.replace(`127.0.0.1:${s.port}/v1/logs`, '127.0.0.1:9999/v1/logs'));
    const changed = await waitFor(s.userLog, (e) => e.event.action === 'tamper.otel_changed');
    expect(changed.posture!.detail).toContain(`otel.exporter is otlp-http http://127.0.0.1:9999/v1/logs (installed: otlp-http http://127.0.0.1:${s.port}/v1/logs)`);
    expect(changed.posture).toMatchObject({ state: 'changed', previous_state: 'intact' });

    // 3. Restored, then an admin's requirements.toml sends Codex's logs elsewhere.
    saveAsEditor(cfg, installedText);
    await new Promise((r) => setTimeout(r, 1500));
    const sysCodex = join(s.systemRoot, 'etc/codex');
    mkdirSync(sysCodex, { recursive: true });
    saveAsEditor(join(sysCodex, 'requirements.toml'), '[otel]\nexporter = { otlp-http = { endpoint = "https://otel.corp.example/v1/logs", protocol = "binary" } }\n');
    const overridden = await waitFor(s.userLog, (e) => e.event.action === 'tamper.otel_overridden');
    expect(overridden.posture).toMatchObject({ config_path: cfg, overridden_by: join(sysCodex, 'requirements.toml') });
    expect(overridden.posture!.detail).toContain('https://otel.corp.example/v1/logs');

    // Each state change reported once: no repeats from the many fs events of a save; each
    // put-back is a restored signal naming what it ended.
    const tamper = events(s.userLog).filter((e) => e.event.action.startsWith('tamper.'));
    expect(tamper.map((e) => e.event.action)).toEqual(['tamper.otel_removed', 'tamper.otel_restored', 'tamper.otel_changed', 'tamper.otel_restored', 'tamper.otel_overridden']);
    const restored = tamper.filter((e) => e.event.action === 'tamper.otel_restored');
    expect(restored.map((e) => e.posture!.previous_state)).toEqual(['removed', 'changed']);
    expect(restored[0]).toMatchObject({ severity: 'info', event: { category: 'tamper' }, harness: { name: 'codex_cli' }, posture: { config_path: cfg, state: 'intact' } });
    // Codex's own files in the same directory (history, logs) are not config changes.
    writeFileSync(join(s.codexHome, 'history.jsonl'), '{"text":"hi"}\n');
    await new Promise((r) => setTimeout(r, 1500));
    expect(events(s.userLog).filter((e) => e.event.action.startsWith('tamper.'))).toHaveLength(5);
  });

  it('`endpoint uninstall` removing the block on purpose is not tamper, even with a collector uninstall does not stop', async () => {
    const { s, run } = await installedRun();
    await waitFor(s.userLog, (e) => e.event.action === 'collector.started');
    const u = await s.beacon(['endpoint', 'uninstall', '--keep-logs']);
    expect(u.code, u.stdout + u.stderr).toBe(0);
    expect(readFileSync(join(s.codexHome, 'config.toml'), 'utf8')).toBe(BASE);
    await new Promise((r) => setTimeout(r, 2500));
    expect(events(s.userLog).filter((e) => e.event.action.startsWith('tamper.'))).toEqual([]);
    expect(run.child.exitCode).toBeNull(); // still running: it was the one that could have cried
  });

  it('a collector that Beacon did not install (no manifest for its log) writes no lifecycle and no tamper events', async () => {
    const s = await makeSandbox({ config: BASE });
    sandboxes.push(s);
    const log = join(s.root, 'ci', 'runtime.jsonl');
    const run = await startEndpointRun(['--log-path', log], s.env);
    runs.push(run);
    saveAsEditor(join(s.codexHome, 'config.toml'), BASE + '\n[otel]\nexporter = "none"\n');
    await new Promise((r) => setTimeout(r, 2000));
    expect(events(log).map((e) => e.event.action)).toEqual([]);
  });
});

describe('collector lifecycle and inventory', () => {
  it('started and inventory (the real Codex version) at start; stopped on SIGTERM; died after SIGKILL, said at the next start', async () => {
    const { s, env, run } = await installedRun();
    const inv = await waitFor(s.userLog, (e) => e.event.action === 'posture.inventory', 15_000);
    const codex = (inv.posture!.harnesses as Array<Record<string, any>>)[0];
    expect(codex).toMatchObject({ harness: 'codex_cli', sandbox_mode: 'workspace-write', approval_policy: 'on-request', mcp_servers: ['docs'], log_user_prompt: true });
    expect(codex.installs.map((i: { version?: string }) => i.version)).toContain(CODEX_VERSION);
    expect(inv.posture).toMatchObject({ mode: 'user', content: 'redacted', destinations: [], telemetry: { state: 'intact' } });
    expect(inv.posture!.detail).toContain(`Codex CLI ${CODEX_VERSION}`);

    expect(await run.stop('SIGTERM')).toBe(0);
    const all = events(s.userLog).map((e) => e.event.action);
    expect(all[all.length - 1]).toBe('collector.stopped');

    // A clean restart: no died.
    const again = await startEndpointRun(['--log-path', s.userLog], env);
    runs.push(again);
    await waitFor(s.userLog, (e) => e.event.action === 'collector.started' && e.posture?.pid === again.child.pid);
    expect(events(s.userLog).some((e) => e.event.action === 'collector.died')).toBe(false);

    // SIGKILL: nothing written; the next start says the previous run died, and when it was last seen.
    await again.stop('SIGKILL');
    const third = await startEndpointRun(['--log-path', s.userLog], env);
    runs.push(third);
    const died = await waitFor(s.userLog, (e) => e.event.action === 'collector.died');
    expect(died).toMatchObject({ severity: 'medium', posture: { pid: again.child.pid } });
    expect(Date.parse(died.posture!.last_alive_at as string)).toBeGreaterThan(Date.parse(inv.timestamp) - 1);
    const order = events(s.userLog).map((e) => e.event.action);
    expect(order.indexOf('collector.died')).toBeLessThan(order.lastIndexOf('collector.started'));
  });
});
