/**
 * What the `beacon` CLI prints, as a script or a person reads it: `--json` is JSON on stdout and
 * nothing else (errors go to stderr), the verdict comes first, and the fixes from the CLI audit
 * hold (status with a broken config.json checks the installed port, `ci exec --json` keeps the
 * wrapped command's output off stdout, relative --log-path is made absolute, the system dry run
 * lists each directory once).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { startEndpointRun } from '../support/beacon-cli';
import { expectOneLineError, makeCliSandbox, type CliSandbox } from './sandbox';

function parseJson(stdout: string): unknown {
  try {
    return JSON.parse(stdout);
  } catch {
    throw new Error(`stdout is not JSON (and only JSON):\n${stdout}`);
  }
}

describe('beacon output', () => {
  let s: CliSandbox | undefined;
  afterEach(async () => {
    await s?.cleanup();
    s = undefined;
  });

  it.each([
    [['endpoint', 'discover', '--json']],
    [['endpoint', 'status', '--json']],
    [['endpoint', 'doctor', '--json']],
    [['endpoint', 'config', 'show', '--json']],
    [['endpoint', 'install', '--dry-run', '--json']],
  ])('%j prints only JSON on stdout', async (args) => {
    s = await makeCliSandbox();
    const r = await s.beacon(args);
    parseJson(r.stdout);
    expect(r.stderr).toBe('');
  });

  it('ci validate --json of a missing log: JSON on stdout, one error line on stderr, exit 1', async () => {
    s = await makeCliSandbox();
    const r = await s.beacon(['ci', 'validate', '--json', '--log', join(s.root, 'missing.jsonl')]);
    expect(r.code).toBe(1);
    expect(parseJson(r.stdout)).toMatchObject({ status: 'missing', exit_code: 1 });
    expect(expectOneLineError(r.stderr)).toMatch(/CI validation missing: no runtime log at .*missing\.jsonl/);
  });

  it('test-event --json that fails: JSON on stdout, one error line on stderr, exit 1', async () => {
    s = await makeCliSandbox(); // config.json points at a free port where nothing listens
    const r = await s.beacon(['endpoint', 'test-event', '--json']);
    expect(r.code).toBe(1);
    expect(parseJson(r.stdout)).toMatchObject({ ok: false, port: s.port });
    expect(expectOneLineError(r.stderr)).toMatch(new RegExp(`no collector answers on 127\\.0\\.0\\.1:${s.port}`));
  });

  it('status with a corrupt config.json checks the port the install recorded, not the default 4318', async () => {
    s = await makeCliSandbox({ withBeaconConfig: false });
    const install = await s.beacon(['endpoint', 'install', '--no-start', '--otlp-http-port', String(s.port)]);
    expect(install.code, install.stdout + install.stderr).toBe(0);
    writeFileSync(s.configJson, '{ broken');
    const r = await s.beacon(['endpoint', 'status', '--json']);
    const st = parseJson(r.stdout) as { config: { otlp_http_port: number; error?: string }; collector: { port: number }; checks: { id: string; status: string }[] };
    expect(st.config.error).toMatch(/not valid JSON/);
    expect(st.config.otlp_http_port).toBe(s.port);
    expect(st.collector.port).toBe(s.port);
    // Codex's [otel] points at the installed port, so it is not reported as misdirected.
    expect(st.checks.find((c) => c.id === 'codex:logs-not-to-collector')).toBeUndefined();
    // the human verdict names the problem and the fix on its first line
    const text = await s.beacon(['endpoint', 'status']);
    expect(text.stdout.split('\n')[0]).toMatch(/FAIL .*config\.json is not valid JSON.*beacon endpoint repair/);
  });

  it('uninstall --keep-logs says the log was kept instead of "everything is gone"', async () => {
    s = await makeCliSandbox({ withBeaconConfig: false });
    expect((await s.beacon(['endpoint', 'install', '--no-start', '--otlp-http-port', String(s.port)])).code).toBe(0);
    const r = await s.beacon(['endpoint', 'uninstall', '--keep-logs']);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe('Beacon endpoint removed; the runtime log was kept, as asked.');
    expect(existsSync(s.runtimeLog)).toBe(true);
  });

  it('install --system --dry-run lists every directory it would create once', async () => {
    s = await makeCliSandbox();
    const r = await s.beacon(['endpoint', 'install', '--system', '--dry-run', '--json', '--otlp-http-port', String(s.port)]);
    expect(r.code, r.stderr).toBe(0);
    const report = parseJson(r.stdout) as { steps: { action: string; target?: string }[] };
    const dirs = report.steps.filter((x) => x.action === 'create_dir').map((x) => x.target);
    expect(dirs.length).toBeGreaterThan(0);
    expect(new Set(dirs).size).toBe(dirs.length);
  });

  it('endpoint run makes a relative --log-path absolute (what /healthz reports to other processes)', async () => {
    s = await makeCliSandbox();
    const abs = join(s.root, 'rel-log', 'runtime.jsonl');
    const rel = relative(process.cwd(), abs);
    const run = await startEndpointRun(['--log-path', rel], s.env);
    try {
      expect(run.startup.log_path).toBe(abs);
      expect(existsSync(abs)).toBe(true);
    } finally {
      await run.stop();
    }
  });

  it('endpoint run accepts --otlp-http-port like install and test-event', async () => {
    s = await makeCliSandbox();
    // startEndpointRun passes --port 0; the same value under the other name is not a conflict
    const run = await startEndpointRun(['--otlp-http-port', '0', '--log-path', join(s.root, 'r.jsonl')], s.env);
    try {
      expect(run.port).toBeGreaterThan(0);
    } finally {
      await run.stop();
    }
  });

  it("ci exec --json: only the JSON result on stdout, the command's own output on stderr", async () => {
    s = await makeCliSandbox();
    const runDir = join(s.root, 'ci-run');
    const r = await s.beacon(['ci', 'exec', '--json', '--run-dir', runDir, '--quiet-ms', '200', '--', process.execPath, '-e', 'console.log("child-says-hi")']);
    // No Codex ran, so telemetry is missing: exit 1, and the result says so.
    expect(r.code).toBe(1);
    expect(parseJson(r.stdout)).toMatchObject({ status: 'failed', exit_code: 1 });
    expect(r.stdout).not.toContain('child-says-hi');
    expect(r.stderr).toContain('child-says-hi');
  });
});
