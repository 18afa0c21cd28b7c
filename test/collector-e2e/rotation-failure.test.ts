/**
 * A rotation that fails for real (EACCES on the log directory), with the real collector process
 * under load: health turns red for every reader (the health file, status, doctor, the dashboard's
 * /api/health, the tray, the dashboard's health light), nothing is refused or lost, and once
 * the directory is writable again rotation resumes on its own and the size limit holds again.
 *
 * EACCES for real: root ignores directory permissions, so when the tests run as root (as here)
 * the collector runs as `nobody` through setpriv (util-linux) and the directory is made 0500;
 * run as another user, the test's own chmod does it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deriveTrayView, INITIAL_TRAY_INPUTS } from '../../electron/app/tray-state';
import { HealthMonitor } from '../../electron/dashboard/health';
import { computeStatus } from '../../electron/endpoint/status';
import { readHealthState } from '../../electron/log/health-state';
import { LogReader } from '../../electron/log/reader';
import { healthView } from '../../renderer/src/lib/health';
import { runBeacon, startEndpointRun, type RunningCli } from '../support/beacon-cli';
import { countIds, OtlpLoad, until } from '../support/otlp-load';
import { freePort, scrubbedEnv } from '../support/test-env';

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;
const hasSetpriv = spawnSync('setpriv', ['--version']).status === 0;
const LIMIT = 64 * 1024;

let root: string | undefined;
let run: RunningCli | undefined;
let load: OtlpLoad | undefined;
afterEach(async () => {
  await load?.stop();
  await run?.stop('SIGKILL');
  if (root) {
    chmodSync(join(root, 'home', '.beacon', 'endpoint', 'logs'), 0o700);
    rmSync(root, { recursive: true, force: true });
  }
});

describe.skipIf(asRoot && !hasSetpriv)('log rotation fails with EACCES, then recovers', () => {
  it('turns health red everywhere while it fails, loses nothing, and rotates again once the directory is fixed', async () => {
    root = mkdtempSync(join(tmpdir(), 'beacon-eacces-'));
    chmodSync(root, 0o755);
    const home = join(root, 'home');
    const logs = join(home, '.beacon', 'endpoint', 'logs');
    mkdirSync(logs, { recursive: true, mode: 0o700 });
    const log = join(logs, 'runtime.jsonl');
    const port = await freePort();
    const env = { ...scrubbedEnv(), HOME: home, CODEX_HOME: join(home, '.codex') };
    // status and doctor find the collector and the log through config.json, as after install.
    writeFileSync(join(home, '.beacon', 'endpoint', 'config.json'), JSON.stringify({ otlp_http_port: port, runtime_log: log }));
    if (asRoot) for (const p of [home, join(home, '.beacon'), join(home, '.beacon', 'endpoint'), logs, join(home, '.beacon', 'endpoint', 'config.json')]) chownSync(p, NOBODY, NOBODY);
    const wrapper = asRoot ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'] : undefined;
    run = await startEndpointRun(['--port', String(port), '--log-path', log, '--rotate-bytes', String(LIMIT), '--rotate-archives', '50'], env, { wrapper });
    expect(run.port).toBe(port);

    const health = () => readHealthState(join(logs, 'collector-health.json'));
    const status = () => computeStatus({ mode: 'user', env, listProcesses: async () => [] });
    const rotationCheck = async () => (await status()).checks.find((c) => c.id === 'log_rotation');
    const dashboard = async () => {
      const reader = await LogReader.open({ logPath: log, follow: false });
      try {
        return await new HealthMonitor({ reader, logPath: log, version: 'test', startedAt: new Date().toISOString(), collectorUrl: `http://127.0.0.1:${port}/healthz` }).snapshot();
      } finally {
        await reader.close();
      }
    };

    load = new OtlpLoad(port, { exporters: 4, recordsPerRequest: 4, promptBytes: 700 });
    await until(() => existsSync(`${log}.1`), 'a first rotation');
    if (asRoot) expect(statSync(`${log}.1`).uid, 'the collector runs unprivileged').toBe(NOBODY);
    expect(await rotationCheck()).toBeUndefined();

    // The directory turns read-only for the collector: renames fail with EACCES, appends go on.
    chmodSync(logs, 0o500);
    // Generous: the first failing rename waits for the previous archive's fsync, which a disk
    // shared with the rest of the suite can hold for many seconds (seen once in a full run).
    await until(async () => (await health())?.rotation !== undefined, 'the health file to report the failed rotation', 45_000);
    await until(() => statSync(log).size > 3 * LIMIT, 'the log to grow past 3x its limit');
    const failing = await health();
    expect(failing).toMatchObject({ status: 'ok', running: true, rotation: { limitBytes: LIMIT } });
    expect(failing!.rotation!.reason).toMatch(/EACCES/);

    const check = await rotationCheck();
    expect(check).toMatchObject({ status: 'fail' });
    expect(check!.message).toMatch(/cannot rotate .*EACCES/);
    expect((await status()).verdict.status).toBe('fail');
    const doctor = await runBeacon(['endpoint', 'doctor', '--json'], { env });
    expect(doctor.code).toBe(1);
    expect(JSON.parse(doctor.stdout).checks).toContainEqual(expect.objectContaining({ id: 'log_rotation', status: 'fail' }));

    const snap = await dashboard();
    expect(snap.status).toBe('down');
    expect(snap.write.rotation?.reason).toMatch(/EACCES/);
    expect(snap.problems.join('\n')).toMatch(/cannot rotate the runtime log/);
    const tray = deriveTrayView({ ...INITIAL_TRAY_INPUTS, role: 'attach', logPath: log, collector: { pid: run.child.pid!, mode: 'user', port }, health: { status: snap.status, problems: snap.problems }, dashboardReady: true });
    expect(tray.status).toBe('error');
    expect(tray.summary).toMatch(/cannot rotate/);
    expect(healthView(snap).level).toBe('error');

    // Fixed: the next append after the back-off rotates, and the limit holds again.
    chmodSync(logs, 0o700);
    await until(async () => (await health())?.rotation === undefined, 'rotation to resume', 20_000);
    // Between a rotation's rename and the next append the path is briefly absent: not yet under.
    await until(() => (statSync(log, { throwIfNoEntry: false })?.size ?? Infinity) <= LIMIT, 'the log back under its limit');
    expect(await rotationCheck()).toBeUndefined();
    expect((await dashboard()).status).toBe('ok');

    const posted = await load.stop();
    load = undefined;
    expect(await run.stop('SIGTERM')).toBe(0);
    run = undefined;
    expect(posted.filter((p) => p.status !== 200)).toEqual([]);
    const files = readdirSync(logs).filter((n) => /^runtime\.jsonl(\.\d+)?$/.test(n)).map((n) => join(logs, n));
    expect(files.some((f) => statSync(f).size > 3 * LIMIT), 'the archive that grew while rotation failed').toBe(true);
    const counts = countIds(files);
    expect(posted.flatMap((p) => p.ids).filter((id) => !counts.has(id))).toEqual([]);
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
  }, 120_000);
});
