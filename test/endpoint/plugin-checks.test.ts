/**
 * `endpoint status` / `doctor` show a degraded plugin of the running collector as a check with
 * its fix: a refused price override file, a rule file that does not load. Real collector on a
 * free port, real files, the status a user's `beacon endpoint status` computes.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../electron/collector/collector';
import { computeStatus } from '../../electron/endpoint/status';
import { deriveChecks } from '../../electron/endpoint/status-checks';
import { startBeaconCollector } from '../../electron/plugins/collector';
import { freePort, scrubbedEnv } from '../support/test-env';

let dir = '';
let collector: RunningCollector | undefined;
afterEach(async () => {
  await collector?.close();
  collector = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function setup(opts: { badPrices?: boolean; badRule?: boolean }) {
  dir = mkdtempSync(join(tmpdir(), 'beacon-plugin-checks-'));
  const home = join(dir, 'home');
  const base = join(home, '.beacon', 'endpoint');
  mkdirSync(join(base, 'logs'), { recursive: true });
  const log = join(base, 'logs', 'runtime.jsonl');
  const port = await freePort();
  writeFileSync(join(base, 'config.json'), JSON.stringify({ otlp_http_port: port, runtime_log: log }));
  const prices = join(dir, 'prices.json');
  writeFileSync(prices, '{ "models": [ not json');
  const rules = join(dir, 'rules');
  mkdirSync(rules);
  writeFileSync(join(rules, 'broken.json'), JSON.stringify({ id: 'team-rule', title: 'x', severity: 'loud' }));
  collector = await startBeaconCollector({
    port,
    logPath: log,
    pricing: opts.badPrices ? { overrideFiles: [prices] } : undefined,
    detections: opts.badRule ? { ruleDirs: [rules] } : {},
  });
  const env = { ...scrubbedEnv(), HOME: home, CODEX_HOME: join(home, '.codex') };
  return computeStatus({ mode: 'user', env, listProcesses: async () => [] });
}

describe('plugin health in status and doctor', () => {
  it('a refused price override file and a broken rule file are warnings that say what to do', async () => {
    const s = await setup({ badPrices: true, badRule: true });
    const pricing = s.checks.find((c) => c.id === 'plugin:pricing');
    expect(pricing).toMatchObject({ status: 'warn' });
    expect(pricing!.message).toContain('prices.json');
    expect(pricing!.action).toMatch(/price override file/);
    const detections = s.checks.find((c) => c.id === 'plugin:detections');
    expect(detections).toMatchObject({ status: 'warn' });
    expect(detections!.message).toContain('broken.json');
    expect(detections!.action).toMatch(/beacon rules lint/);
    expect(s.verdict.status).not.toBe('ok');
  });

  it('healthy plugins add no check', async () => {
    const s = await setup({});
    expect(s.plugins.map((p) => p.name)).toEqual(expect.arrayContaining(['pricing', 'detections']));
    expect(s.checks.filter((c) => c.id.startsWith('plugin:'))).toEqual([]);
  });

  it("a degraded posture about a config that status has just read in order is stale (right after repair) and adds no check; about a config status finds wrong, it stays", async () => {
    const s = await setup({});
    const cfg = s.codex.config_path;
    const posture = { name: 'posture', status: 'degraded' as const, detail: `Beacon's [otel] block in ${cfg} was changed`, config_path: cfg, telemetry_config: 'changed' };
    // Status read the file itself and found Beacon's block in effect.
    const intact = { ...s, plugins: [...s.plugins, posture], codex: { ...s.codex, telemetry: 'enabled' as const, problems: [], logs: { ...s.codex.logs, endpoint: 'http://127.0.0.1:4318/v1/logs' } } };
    expect(deriveChecks(intact, null).filter((c) => c.id === 'plugin:posture')).toEqual([]);
    // Status finds the file wrong too, or the watch is about another file: the check stays.
    const wrong = { ...intact, codex: { ...intact.codex, telemetry: 'disabled' as const } };
    expect(deriveChecks(wrong, null).find((c) => c.id === 'plugin:posture')).toMatchObject({ status: 'warn' });
    const other = { ...intact, plugins: [...s.plugins, { ...posture, config_path: '/etc/elsewhere/config.toml' }] };
    expect(deriveChecks(other, null).find((c) => c.id === 'plugin:posture')).toMatchObject({ status: 'warn' });
  });
});
