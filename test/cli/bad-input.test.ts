/**
 * The obvious mistakes a user makes with each `beacon` command, against the real compiled CLI in
 * a temporary HOME: every one must give ONE `beacon: ...` line on stderr that names the problem
 * (and, where there is one, the fix), the documented exit code (2 = usage), nothing on stdout,
 * no stack trace, and leave the user's config.toml, Beacon's config.json and runtime.jsonl
 * byte-identical.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectOneLineError, makeCliSandbox, type CliSandbox } from './sandbox';

interface Case {
  name: string;
  /** Built from the sandbox (paths and ports differ per run). */
  args: (s: CliSandbox) => string[];
  /** Break something in the sandbox first. */
  setup?: (s: CliSandbox) => void;
  code: number;
  stderr: RegExp;
  /** The command prints its (failed) report on stdout; the error line still goes to stderr. */
  reportOnStdout?: boolean;
}

const aFile = (s: CliSandbox) => {
  const f = join(s.root, 'a-file');
  writeFileSync(f, 'not a directory\n');
  return f;
};

const CASES: Case[] = [
  // unknown commands and options
  { name: 'unknown command', args: () => ['endpoint', 'instal'], code: 2, stderr: /unknown command 'instal'.*see `beacon endpoint --help`/ },
  { name: 'unknown option', args: () => ['endpoint', 'status', '--bogus'], code: 2, stderr: /unknown option '--bogus'.*see `beacon endpoint status --help`/ },
  { name: 'unexpected argument', args: () => ['endpoint', 'doctor', 'now'], code: 2, stderr: /too many arguments for 'doctor'/ },
  // ports
  { name: 'run --port 70000', args: () => ['endpoint', 'run', '--port', '70000'], code: 2, stderr: /'70000' is invalid\. "70000" is not a TCP port \(1-65535\).*endpoint run --help/ },
  { name: 'run --port abc', args: () => ['endpoint', 'run', '--port', 'abc'], code: 2, stderr: /"abc" is not a TCP port/ },
  { name: 'run --port and --otlp-http-port disagree', args: () => ['endpoint', 'run', '--port', '4001', '--otlp-http-port', '4002'], code: 2, stderr: /--port 4001 and --otlp-http-port 4002 disagree/ },
  { name: 'install --otlp-http-port 70000', args: () => ['endpoint', 'install', '--otlp-http-port', '70000'], code: 2, stderr: /"70000" is not a TCP port/ },
  { name: 'test-event --otlp-http-port abc', args: () => ['endpoint', 'test-event', '--otlp-http-port', 'abc'], code: 2, stderr: /"abc" is not a TCP port/ },
  { name: 'dashboard --addr beyond loopback', args: () => ['endpoint', 'dashboard', '--addr', '0.0.0.0:8765'], code: 2, stderr: /--addr must be 127\.0\.0\.1:PORT/ },
  { name: 'dashboard --addr bad port', args: () => ['endpoint', 'dashboard', '--addr', '127.0.0.1:70000'], code: 2, stderr: /--addr 127\.0\.0\.1:70000: "70000" is not a TCP port/ },
  { name: 'dashboard --addr with --port', args: () => ['endpoint', 'dashboard', '--addr', '127.0.0.1:0', '--port', '0'], code: 2, stderr: /--addr and --port both set the listen port/ },
  { name: 'ci start --port 99999', args: () => ['ci', 'start', '--port', '99999'], code: 2, stderr: /"99999" is not a TCP port/ },
  // other values
  { name: 'run --content bogus', args: () => ['endpoint', 'run', '--content', 'bogus'], code: 2, stderr: /"bogus" is not a content policy; use one of: full, redacted, metadata/ },
  { name: 'install --content bogus', args: () => ['endpoint', 'install', '--content', 'bogus'], code: 2, stderr: /not a content policy/ },
  { name: 'install --harness claude', args: () => ['endpoint', 'install', '--harness', 'claude'], code: 2, stderr: /unknown harness "claude"; supported: codex/ },
  { name: 'ci start --harness claude', args: () => ['ci', 'start', '--harness', 'claude'], code: 2, stderr: /unknown harness "claude"; supported: codex/ },
  { name: 'ci finish --harness claude', args: () => ['ci', 'finish', '--harness', 'claude'], code: 2, stderr: /unknown harness "claude".*see `beacon ci finish --help`/ },
  { name: 'install --enforce without --system', args: () => ['endpoint', 'install', '--enforce'], code: 2, stderr: /--enforce only applies with --system/ },
  { name: 'install --user --system', args: () => ['endpoint', 'install', '--user', '--system'], code: 2, stderr: /--user and --system exclude each other/ },
  { name: 'run --log-path empty', args: () => ['endpoint', 'run', '--log-path', ''], code: 2, stderr: /The path is empty/ },
  { name: 'run --log-path under /proc', args: () => ['endpoint', 'run', '--port', '0', '--log-path', '/proc/beacon/runtime.jsonl'], code: 2, stderr: /kernel pseudo-filesystem/ },
  { name: 'ci finish --min-events 0', args: () => ['ci', 'finish', '--min-events', '0'], code: 2, stderr: /at least 1 \(to only warn when telemetry is missing, pass --require-telemetry=false\)/ },
  { name: 'ci finish --require-telemetry maybe', args: () => ['ci', 'finish', '--require-telemetry', 'maybe'], code: 2, stderr: /"maybe" is not true or false/ },
  { name: 'ci validate --since garbage', args: (s) => ['ci', 'validate', '--log', s.runtimeLog, '--since', 'yesterday'], code: 2, stderr: /--since "yesterday" is not a date\/time/ },
  { name: 'ci finish with a missing --state file', args: (s) => ['ci', 'finish', '--state', join(s.root, 'no-such-state.json')], code: 2, stderr: /no CI session state at .*no-such-state\.json \(did `beacon ci start` run in this job\?\)/ },
  // places that cannot be created
  { name: 'run --log-path under a file', args: (s) => ['endpoint', 'run', '--port', '0', '--log-path', join(aFile(s), 'logs', 'runtime.jsonl')], code: 1, stderr: /cannot create the directory .*a-file\/logs: a part of the path is a file, not a directory; choose another --log-path/ },
  { name: 'ci start --run-dir under a file', args: (s) => ['ci', 'start', '--run-dir', join(aFile(s), 'run')], code: 1, stderr: /cannot create the directory .*a-file\/run: .*choose another --run-dir/ },
  // broken files of the user's
  {
    name: 'config show with a corrupt config.json',
    setup: (s) => writeFileSync(s.configJson, '{ "otlp_http_port": 4318, oops'),
    args: () => ['endpoint', 'config', 'show'],
    code: 1,
    stderr: /config\.json is not valid JSON .*fix or delete it, then run `beacon endpoint repair`/,
  },
  { name: 'install with a corrupt config.json', setup: (s) => writeFileSync(s.configJson, '{oops'), args: () => ['endpoint', 'install', '--no-start'], code: 1, stderr: /config\.json is not valid JSON/ },
  { name: 'run with a corrupt config.json', setup: (s) => writeFileSync(s.configJson, '{oops'), args: () => ['endpoint', 'run', '--port', '0'], code: 1, stderr: /config\.json is not valid JSON/ },
  { name: 'test-event with a corrupt config.json', setup: (s) => writeFileSync(s.configJson, '[1,'), args: () => ['endpoint', 'test-event'], code: 1, stderr: /config\.json is not valid JSON/ },
  {
    name: 'install over an invalid config.toml',
    setup: (s) => writeFileSync(s.codexToml, '# mine\nmodel = "o3\n[tui\n'),
    args: (s) => ['endpoint', 'install', '--otlp-http-port', String(s.port)],
    code: 1,
    stderr: /install failed: .*config\.toml is not valid TOML \(line 2.*fix it first, Beacon did not change it/,
    reportOnStdout: true,
  },
  {
    name: 'install --dry-run over an invalid config.toml',
    setup: (s) => writeFileSync(s.codexToml, '[otel\n'),
    args: (s) => ['endpoint', 'install', '--dry-run', '--otlp-http-port', String(s.port)],
    code: 1,
    stderr: /install failed: .*not valid TOML/,
    reportOnStdout: true,
  },
];

describe('beacon: bad input gets one clear line, the right exit code, and no damage', () => {
  let s: CliSandbox | undefined;
  afterEach(async () => {
    await s?.cleanup();
    s = undefined;
  });

  it.each(CASES)('$name', async (c) => {
    s = await makeCliSandbox();
    c.setup?.(s);
    const before = s.snapshot();
    const r = await s.beacon(c.args(s));
    expect(r.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).toBe(c.code);
    expect(expectOneLineError(r.stderr)).toMatch(c.stderr);
    if (!c.reportOnStdout) expect(r.stdout).toBe('');
    expect(s.snapshot()).toEqual(before);
  });

  it('install over an invalid config.toml says so first, claims no --no-start and creates nothing', async () => {
    s = await makeCliSandbox({ withBeaconConfig: false });
    writeFileSync(s.codexToml, 'model = "unterminated\n');
    // a fresh HOME: no Beacon dir yet, so "Nothing was changed" can be checked on disk
    const home = join(s.root, 'fresh-home');
    mkdirSync(join(home, '.codex'), { recursive: true });
    writeFileSync(join(home, '.codex', 'config.toml'), 'model = "unterminated\n');
    const r = await s.beacon(['endpoint', 'install', '--otlp-http-port', String(s.port)], { HOME: home, CODEX_HOME: join(home, '.codex') });
    expect(r.code).toBe(1);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^Beacon endpoint install FAILED \(user mode\): .*config\.toml is not valid TOML/);
    expect(r.stdout).not.toContain('--no-start');
    expect(r.stdout).toContain('Nothing was changed.');
    expect(existsSync(join(home, '.beacon'))).toBe(false);
  });
});
