/**
 * The promises of the issue texts, held by the real CLI's --help: every endpoint and ci command
 * exists, answers --help with exit 0 on stdout, and offers the flags users were told about
 * (`--json` everywhere, `--harness codex` / `--include-codex-spans` where telemetry is set up).
 */
import { describe, expect, it } from 'vitest';
import { runBeacon } from '../support/beacon-cli';
import { makeCliSandbox } from './sandbox';

const PROMISED: { cmd: string[]; flags: string[] }[] = [
  { cmd: ['endpoint', 'install'], flags: ['--json', '--harness <name>', '--include-codex-spans', '--otlp-http-port <port>', '--dry-run'] },
  { cmd: ['endpoint', 'repair'], flags: ['--json'] },
  { cmd: ['endpoint', 'uninstall'], flags: ['--json', '--keep-logs'] },
  { cmd: ['endpoint', 'status'], flags: ['--json'] },
  { cmd: ['endpoint', 'discover'], flags: ['--json'] },
  { cmd: ['endpoint', 'doctor'], flags: ['--json', '--fix'] },
  { cmd: ['endpoint', 'test-event'], flags: ['--json', '--otlp-http-port <port>'] },
  { cmd: ['endpoint', 'dashboard'], flags: ['--json', '--open', '--port <port>'] },
  { cmd: ['endpoint', 'run'], flags: ['--json', '--include-codex-spans', '--port <port>', '--otlp-http-port <port>'] },
  { cmd: ['endpoint', 'config', 'show'], flags: ['--json'] },
  { cmd: ['ci', 'start'], flags: ['--json', '--harness <name>', '--include-codex-spans', '--otlp-http-port <port>'] },
  { cmd: ['ci', 'finish'], flags: ['--json', '--harness <name>', '--min-events <n>', '--state <path>', '--fail-on <level>'] },
  { cmd: ['ci', 'exec'], flags: ['--json', '--harness <name>', '--include-codex-spans'] },
  { cmd: ['ci', 'validate'], flags: ['--json', '--harness <name>', '--log <path>'] },
  { cmd: ['scan'], flags: ['--json', '--log-path <file>', '--min-severity <level>', '--fail-on <level>', '--rules-dir <dir>'] },
  { cmd: ['rules', 'lint'], flags: ['--json', '[dir...]'] },
];

describe('beacon --help keeps the promised interface', () => {
  it.each(PROMISED)('$cmd offers $flags', async ({ cmd, flags }) => {
    const r = await runBeacon([...cmd, '--help']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(new RegExp(`^Usage: beacon ${cmd.join(' ')}`));
    for (const f of flags) expect(r.stdout).toContain(f);
  });

  it('ci finish / validate accept --harness codex (a workflow can pass it to every ci command)', async () => {
    const s = await makeCliSandbox();
    try {
      const r = await s.beacon(['ci', 'validate', '--harness', 'codex', '--log', s.runtimeLog]);
      // the sandbox log holds one event that is not Codex's: a validation verdict, not a usage error
      expect(r.code).toBe(1);
      expect(r.stdout.split('\n')[0]).toBe('Beacon CI validation: missing');
    } finally {
      await s.cleanup();
    }
  });
});
