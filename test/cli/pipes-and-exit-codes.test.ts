/**
 * Issue 12 item 7, the CLI's small truths: `beacon ... | head -1` exits quietly instead of an
 * EPIPE stack trace (every command, stdout and stderr); `endpoint status` exit codes match its
 * verdict and are documented; `beacon status` points at `beacon endpoint status`.
 * The built CLI in real processes, a temp HOME, a real collector on a free port.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, REPO_ROOT, requireBuiltCli, runBeacon } from '../support/beacon-cli';
import { makeSandbox, type Sandbox } from '../endpoint-lifecycle/helpers';
import { allCommands } from './suggestions';
import { isolatedEnv } from '../support/test-env';

/**
 * Run the CLI with one of its output pipes closed before it writes anything (what `| head -1`
 * does once it has its line): every later write to that pipe fails with EPIPE.
 */
function withClosedPipe(args: string[], closed: 'stdout' | 'stderr', env: NodeJS.ProcessEnv = isolatedEnv()): Promise<{ code: number | null; signal: NodeJS.Signals | null; other: string }> {
  requireBuiltCli();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child[closed].destroy();
    let other = '';
    child[closed === 'stdout' ? 'stderr' : 'stdout'].on('data', (d) => (other += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`beacon ${args.join(' ')} hung with a closed ${closed}`));
    }, 30_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, other });
    });
  });
}

describe('a closed output pipe is not a crash', () => {
  let s: Sandbox | undefined;
  afterEach(async () => {
    await s?.cleanup();
    s = undefined;
  });

  it('`--help | head -1` for every command: exit 0, no stack trace', async () => {
    const cmds = [[], ...allCommands()];
    expect(cmds.length).toBeGreaterThan(15);
    for (const cmd of cmds) {
      const r = await withClosedPipe([...cmd, '--help'], 'stdout');
      expect(r.other, `beacon ${cmd.join(' ')} --help`).toBe('');
      expect(r.code, `beacon ${cmd.join(' ')} --help`).toBe(0);
    }
  }, 180_000); // one process per command, on a shared machine

  it('commands that report, with stdout or stderr closed: their own exit code, nothing on the other stream but their output', async () => {
    s = await makeSandbox({ config: 'model = "o3"\n' });
    const cases: { args: string[]; code: number }[] = [
      { args: ['endpoint', 'status'], code: 1 }, // not installed, no collector: FAIL
      { args: ['endpoint', 'status', '--json'], code: 1 },
      { args: ['endpoint', 'doctor'], code: 1 },
      { args: ['endpoint', 'discover', '--json'], code: 0 },
      { args: ['endpoint', 'config', 'show'], code: 0 },
      { args: ['endpoint', 'install', '--dry-run', '--otlp-http-port', String(s.port)], code: 0 },
      { args: ['endpoint', 'test-event', '--otlp-http-port', String(s.port)], code: 1 },
      { args: ['endpoint', 'install', '--no-such-flag'], code: 2 },
      { args: ['nope'], code: 2 },
    ];
    for (const c of cases) {
      for (const closed of ['stdout', 'stderr'] as const) {
        const r = await withClosedPipe(c.args, closed, s.env);
        const what = `beacon ${c.args.join(' ')} with ${closed} closed`;
        expect(r.other, what).not.toMatch(/EPIPE|\n\s+at |Error: write/);
        expect(r.code, `${what}: ${r.other}`).toBe(c.code);
      }
    }
  }, 180_000);

  it('a real shell pipeline: `beacon endpoint install --help | head -1`', async () => {
    const r = await new Promise<{ code: number | null; out: string; err: string }>((resolve) => {
      const child = spawn('sh', ['-c', `"${process.execPath}" "${CLI}" endpoint install --help | head -1`], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('close', (code) => resolve({ code, out, err }));
    });
    expect(r.out).toBe('Usage: beacon endpoint install [options]\n');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });
});

describe('`endpoint status` exit codes', () => {
  let s: Sandbox | undefined;
  afterEach(async () => {
    await s?.cleanup();
    s = undefined;
  });

  it('0 healthy, 3 warnings only, 1 a failure, and --json the same', async () => {
    s = await makeSandbox({ config: 'model = "o3"\n' });
    expect((await s.beacon(['endpoint', 'install', '--otlp-http-port', String(s.port)])).code).toBe(0);
    const ok = await s.beacon(['endpoint', 'status']);
    expect(ok.stdout.split('\n')[0]).toMatch(/: OK healthy/);
    expect(ok.code).toBe(0);
    expect((await s.beacon(['endpoint', 'status', '--json'])).code).toBe(0);

    // A proxy in this shell that would swallow Codex's loopback export: a warning.
    const proxy = { HTTP_PROXY: 'http://proxy.example:3128' };
    const warn = await s.beacon(['endpoint', 'status'], proxy);
    expect(warn.stdout.split('\n')[0]).toMatch(/: WARN /);
    expect(warn.code).toBe(3);
    expect((await s.beacon(['endpoint', 'status', '--json'], proxy)).code).toBe(3);

    expect((await s.beacon(['endpoint', 'uninstall'])).code).toBe(0);
    const fail = await s.beacon(['endpoint', 'status']);
    expect(fail.stdout.split('\n')[0]).toMatch(/: FAIL /);
    expect(fail.code).toBe(1);
    expect((await s.beacon(['endpoint', 'status', '--json'])).code).toBe(1);
  });

  it('are documented in its --help and in the README', async () => {
    const help = (await runBeacon(['endpoint', 'status', '--help'])).stdout;
    expect(help).toMatch(/Exit status[^\n]*\n\s+0\s+OK[^\n]*\n\s+1\s+FAIL[^\n]*\n\s+2\s+usage[^\n]*\n\s+3\s+WARN/);
    const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
    expect(readme).toMatch(/`endpoint status` exits 0 .*OK.*,\s+1 .*FAIL.*,\s+3 .*WARN/s);
  });
});

describe('top-level names that are subcommands', () => {
  it.each([
    ['status', 'beacon endpoint status'],
    ['doctor', 'beacon endpoint doctor'],
    ['install', 'beacon endpoint install'],
  ])('`beacon %s` says to run `%s`', async (name, want) => {
    const r = await runBeacon([name]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`beacon: unknown command '${name}'; did you mean \`${want}\`? (see \`beacon --help\`)\n`);
  });

  it('a name that exists nowhere gets no made-up suggestion', async () => {
    const r = await runBeacon(['inventory']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("beacon: unknown command 'inventory' (see `beacon --help`)\n");
  });
});
