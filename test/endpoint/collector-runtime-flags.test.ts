/**
 * Every collector Beacon launches from TypeScript runs with COLLECTOR_NODE_FLAGS (a small V8
 * young generation, so its RSS stays under design.md's 100 MB) and with them BEFORE the CLI
 * entry, where Node reads them as its own options (after the entry they would be CLI arguments,
 * and V8 would never see them). Checked on real processes through /proc/<pid>/cmdline, and on the
 * service definitions `endpoint install --service` really writes.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COLLECTOR_NODE_FLAGS, COLLECTOR_PROCESS_ENV } from '../../electron/endpoint/collector-runtime-flags';
import { cliEntry, spawnDetachedCollector, waitForCollector } from '../../electron/endpoint/collector-process';
import { runInstall } from '../../electron/endpoint/lifecycle-install';
import { startCollectorProcess, type ServerProcess } from '../../bench/servers';
import { requireBuiltCli } from '../support/beacon-cli';
import { freePort, scrubbedEnv } from '../support/test-env';

const FLAG = '--max-semi-space-size=4';

/** The argv the kernel holds for a live process (Linux). */
/** The process's environment as the kernel holds it: what glibc's malloc read at start. */
function environ(pid: number): Record<string, string> {
  const pairs = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
  return Object.fromEntries(pairs.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
}

function cmdline(pid: number): string[] {
  return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').slice(0, -1);
}

/** Gone, or a zombie its parent has not reaped yet: either way no longer running. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function stopPid(pid: number): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + 10_000;
  while (running(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (running(pid)) process.kill(pid, 'SIGKILL');
}

/** The argv as Node sees it: [node, ...its own options, script, ...script arguments]. */
function expectFlagsBeforeEntry(argv: string[], entry: string, rest: string[]): void {
  expect(argv).toEqual([process.execPath, ...COLLECTOR_NODE_FLAGS, entry, ...rest]);
}

let dirs: string[] = [];
let pids: number[] = [];
let servers: ServerProcess[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'beacon-flags-'));
  dirs.push(d);
  return d;
}

beforeAll(() => requireBuiltCli());
afterEach(async () => {
  for (const s of servers) await s.stop();
  for (const p of pids) await stopPid(p);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  servers = [];
  pids = [];
  dirs = [];
});

describe('COLLECTOR_NODE_FLAGS', () => {
  it('caps the semi-space at 4 MB and cannot be changed by a caller', () => {
    expect(COLLECTOR_NODE_FLAGS).toEqual([FLAG]);
    expect(() => (COLLECTOR_NODE_FLAGS as string[]).push('--x')).toThrow(TypeError);
  });
});

describe.runIf(process.platform === 'linux')('collector processes carry the flags before the CLI entry (/proc, Linux)', () => {
  it('spawnDetachedCollector (ci start, install without a service, doctor): the collector comes up and its argv has them', async () => {
    const dir = tempDir();
    const port = await freePort();
    const logPath = join(dir, 'logs', 'runtime.jsonl');
    const started = await spawnDetachedCollector({ port, logPath, outputFile: join(dir, 'collector.out.log'), env: { ...scrubbedEnv(), HOME: dir } });
    pids.push(started.pid);
    // It answered /healthz with its own pid: Node accepted the flag and the CLI did not see it.
    expect(started.health.log_path).toBe(logPath);
    expectFlagsBeforeEntry(cmdline(started.pid), cliEntry(), ['endpoint', 'run', '--port', String(port), '--log-path', logPath]);
    // The allocator settings that keep its memory bounded after a burst (issue 11.8).
    expect(environ(started.pid)).toMatchObject({ ...COLLECTOR_PROCESS_ENV });
  });

  it("the bench's collector is started exactly the same way", async () => {
    const dir = tempDir();
    const server = await startCollectorProcess(dir);
    servers.push(server);
    const argv = cmdline(server.pid);
    expect(argv.slice(0, 2 + COLLECTOR_NODE_FLAGS.length)).toEqual([process.execPath, ...COLLECTOR_NODE_FLAGS, cliEntry()]);
    expect(argv.slice(2 + COLLECTOR_NODE_FLAGS.length, 5 + COLLECTOR_NODE_FLAGS.length)).toEqual(['endpoint', 'run', '--json']);
    expect(environ(server.pid)).toMatchObject({ ...COLLECTOR_PROCESS_ENV });
  });
});

describe('endpoint install --service writes the flags into the service definition', () => {
  function sandbox() {
    const root = tempDir();
    const home = join(root, 'home');
    const codexHome = join(home, '.codex');
    mkdirSync(codexHome, { recursive: true, mode: 0o700 });
    writeFileSync(join(codexHome, 'config.toml'), 'model = "gpt-5.5"\n', { mode: 0o600 });
    const systemRoot = join(root, 'sysroot');
    mkdirSync(join(systemRoot, 'etc', 'codex'), { recursive: true });
    return { root, home, systemRoot, codexHome };
  }

  async function install(mode: 'user' | 'system', kind: 'systemd' | 'launchd', port: number) {
    const s = sandbox();
    const env = {
      ...scrubbedEnv(),
      HOME: s.home,
      CODEX_HOME: s.codexHome,
      BEACON_SYSTEM_ROOT: s.systemRoot,
      BEACON_SERVICE_KIND: kind,
      BEACON_SERVICE_RUNNER: `record:${join(s.root, 'service-calls.jsonl')}`,
    };
    const report = await runInstall({ mode, env, port, start: false, dryRun: false, force: false, service: true });
    expect(report.errors).toEqual([]);
    const unit = report.steps.find((st) => st.action === 'write_unit')?.target;
    expect(unit && existsSync(unit), JSON.stringify(report.steps)).toBe(true);
    return { ...s, env, unit: unit! };
  }

  function execStart(unitText: string): string[] {
    const line = unitText.split('\n').find((l) => l.startsWith('ExecStart='));
    // Every word here matches systemdQuote's unquoted set (temp paths have no spaces).
    return line!.slice('ExecStart='.length).split(' ');
  }

  it.each(['user', 'system'] as const)('%s systemd unit: ExecStart = node, flags, CLI entry, endpoint run', async (mode) => {
    const { unit } = await install(mode, 'systemd', await freePort());
    expectFlagsBeforeEntry(execStart(readFileSync(unit, 'utf8')), cliEntry(), ['endpoint', 'run', ...(mode === 'system' ? ['--system'] : [])]);
  });

  it.each(['user', 'system'] as const)('%s launchd plist: ProgramArguments = node, flags, CLI entry, endpoint run', async (mode) => {
    const { unit } = await install(mode, 'launchd', await freePort());
    const out = execFileSync('python3', ['-c', 'import plistlib,sys,json; print(json.dumps(plistlib.load(open(sys.argv[1],"rb"))["ProgramArguments"]))', unit], { encoding: 'utf8' });
    expectFlagsBeforeEntry(JSON.parse(out) as string[], cliEntry(), ['endpoint', 'run', ...(mode === 'system' ? ['--system'] : [])]);
  });

  it.runIf(process.platform === 'linux')('the user unit ExecStart, run as systemd would, starts a collector on the installed port with the flags', async () => {
    const port = await freePort();
    const { unit, home } = await install('user', 'systemd', port);
    const text = readFileSync(unit, 'utf8');
    const argv = execStart(text);
    const unitEnv = Object.fromEntries(
      text
        .split('\n')
        .filter((l) => l.startsWith('Environment='))
        .map((l) => l.slice('Environment='.length).replace(/^"|"$/g, ''))
        .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]),
    );
    expect(unitEnv.HOME).toBe(home);
    expect(unitEnv).toMatchObject({ ...COLLECTOR_PROCESS_ENV });
    const child = spawn(argv[0], argv.slice(1), { env: { PATH: process.env.PATH, ...unitEnv }, stdio: 'ignore' });
    pids.push(child.pid!);
    const probe = await waitForCollector(port, 20_000, child.pid);
    expect(probe.kind, 'the service collector did not answer').toBe('beacon');
    if (probe.kind === 'beacon') expect(probe.health.log_path).toBe(join(home, '.beacon', 'endpoint', 'logs', 'runtime.jsonl'));
    expect(cmdline(child.pid!)).toEqual(argv);
    expectFlagsBeforeEntry(argv, cliEntry(), ['endpoint', 'run']);
  });
});
