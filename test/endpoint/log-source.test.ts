/**
 * Which log status and the dashboard read: the one Beacon's configuration names. A collector's
 * /healthz claim is followed only to a log some Beacon configuration names (the system
 * collector's log, seen from the user side); any other claim is reported and not read.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { beaconLogs, resolveLogSource } from '../../electron/endpoint/log-source';
import type { CollectorHealth } from '../../electron/collector/collector';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function sandbox() {
  dir = mkdtempSync(join(tmpdir(), 'beacon-logsrc-'));
  const env = { HOME: join(dir, 'home'), BEACON_SYSTEM_ROOT: join(dir, 'sys') };
  return { env, userLog: join(env.HOME, '.beacon/endpoint/logs/runtime.jsonl'), systemLog: join(env.BEACON_SYSTEM_ROOT, 'var/log/beacon-agent/runtime.jsonl') };
}

const beacon = (log_path: string, mode: 'user' | 'system' = 'system') => ({ kind: 'beacon' as const, health: { service: 'beacon-collector', pid: 77, mode, log_path, port: 4318 } as CollectorHealth });

describe('beaconLogs', () => {
  it('names both modes’ configured logs, and the defaults', async () => {
    const s = sandbox();
    expect(await beaconLogs(s.env)).toEqual(expect.arrayContaining([s.userLog, s.systemLog]));
    const custom = join(dir, 'custom', 'events.jsonl');
    mkdirSync(join(s.env.HOME, '.beacon/endpoint'), { recursive: true });
    writeFileSync(join(s.env.HOME, '.beacon/endpoint/config.json'), JSON.stringify({ runtime_log: custom }));
    expect(await beaconLogs(s.env)).toEqual(expect.arrayContaining([custom, s.userLog, s.systemLog]));
  });
});

describe('resolveLogSource', () => {
  it('follows the system collector to the system log, which Beacon configures, and warns', async () => {
    const s = sandbox();
    const src = resolveLogSource({ mode: 'user', expectedLog: s.userLog, codexPort: 4318, probe: beacon(s.systemLog), beaconLogs: await beaconLogs(s.env) });
    expect(src).toMatchObject({ live_log: s.systemLog, live_mode: 'system', live_pid: 77 });
    expect(src.untrusted_log).toBeUndefined();
    expect(src.warning).toContain(`Look in ${s.systemLog}`);
  });

  it('does not believe a claimed log no configuration names: reads nothing from it, says so', async () => {
    const s = sandbox();
    const claimed = join(dir, 'somebody-else', 'secrets.jsonl');
    const src = resolveLogSource({ mode: 'user', expectedLog: s.userLog, codexPort: 4318, probe: beacon(claimed, 'user'), beaconLogs: await beaconLogs(s.env) });
    expect(src.live_log).toBeNull();
    expect(src.untrusted_log).toBe(claimed);
    expect(src.warning).toMatch(/not believed/);
    expect(src.warning).toContain(s.userLog);
    expect(src.action).toMatch(/pid 77/);
  });

  it('is quiet when the collector writes exactly the expected log', async () => {
    const s = sandbox();
    const src = resolveLogSource({ mode: 'user', expectedLog: s.userLog, codexPort: 4318, probe: beacon(s.userLog, 'user'), beaconLogs: await beaconLogs(s.env) });
    expect(src).toMatchObject({ live_log: s.userLog });
    expect(src.warning).toBeUndefined();
  });
});
