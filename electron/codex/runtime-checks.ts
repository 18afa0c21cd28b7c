/**
 * Things outside config.toml that silently break Codex's export (research/codex-otel.md 4.3 and
 * section 0): environment variables, and a long-lived `codex app-server` daemon (the TUI's) that
 * still exports with the config it started with.
 *
 * The environment read is this process's: the shell the user runs `beacon endpoint status` in, which is
 * usually the one they run Codex in. The messages say so.
 */
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import type { AgentProcess, EnvFinding } from '../shared/harness';

/** Kept for the tests and callers that name it: a Codex process is an agent process. */
export type CodexProcess = AgentProcess;

const LOOPBACK_NO_PROXY = ['127.0.0.1', 'localhost', '*', '127.0.0.0/8', '::1'];

export function checkEnvironment(env: Record<string, string | undefined>): EnvFinding[] {
  const out: EnvFinding[] = [];
  const get = (k: string) => env[k] ?? env[k.toLowerCase()];
  const compression = ['OTEL_EXPORTER_OTLP_COMPRESSION', 'OTEL_EXPORTER_OTLP_LOGS_COMPRESSION', 'OTEL_EXPORTER_OTLP_METRICS_COMPRESSION'].find((k) => (env[k] ?? '') !== '');
  if (compression) {
    out.push({
      variable: compression,
      severity: 'fail',
      message: `${compression}=${env[compression]} is set in this shell: Codex cannot build its OTLP exporters with it and exports nothing at all (logs, metrics and traces)`,
      action: `unset ${compression}`,
    });
  }
  if ((env.OTEL_EXPORTER_OTLP_HEADERS ?? '') !== '' || (env.OTEL_EXPORTER_OTLP_LOGS_HEADERS ?? '') !== '') {
    const names = (env.OTEL_EXPORTER_OTLP_HEADERS ?? env.OTEL_EXPORTER_OTLP_LOGS_HEADERS ?? '')
      .split(',')
      .map((p) => p.split('=')[0].trim())
      .filter(Boolean);
    out.push({
      variable: 'OTEL_EXPORTER_OTLP_HEADERS',
      severity: 'info',
      message: `OTEL_EXPORTER_OTLP_HEADERS is set (${names.join(', ') || 'empty names'}): Codex adds these headers to every request to Beacon; harmless for Beacon, but they may carry credentials meant for another collector`,
    });
  }
  for (const k of ['HTTP_PROXY', 'ALL_PROXY', 'HTTPS_PROXY']) {
    const v = get(k);
    if (!v) continue;
    const noProxy = (get('NO_PROXY') ?? '').split(',').map((s) => s.trim());
    if (noProxy.some((n) => LOOPBACK_NO_PROXY.includes(n))) continue;
    const httpOnly = k === 'HTTPS_PROXY';
    out.push({
      variable: k,
      severity: httpOnly ? 'info' : 'warn',
      message: httpOnly
        ? `${k} is set and NO_PROXY does not list 127.0.0.1: Beacon's endpoint is plain http so it is not affected, but add 127.0.0.1 to NO_PROXY to be safe`
        : `${k} is set and NO_PROXY does not list 127.0.0.1: Codex may send its telemetry for http://127.0.0.1 through the proxy, which cannot reach your loopback collector`,
      action: 'export NO_PROXY=127.0.0.1,localhost,::1 (and no_proxy)',
    });
  }
  return out;
}


async function linuxProcesses(): Promise<CodexProcess[]> {
  const out: CodexProcess[] = [];
  const boot = await readFile('/proc/stat', 'utf8').then((t) => Number(/^btime (\d+)/m.exec(t)?.[1] ?? NaN)).catch(() => NaN);
  // USER_HZ is 100 on every Linux architecture Node supports (sysconf(_SC_CLK_TCK)).
  const HZ = 100;
  for (const name of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    const cmd = await readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (!cmd) continue;
    const command = cmd.split('\0').filter(Boolean).join(' ');
    if (!isAppServer(command)) continue;
    const statLine = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    // Fields after the parenthesised command name; starttime is field 22 overall (index 19 after it).
    const after = statLine.slice(statLine.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(after[19]);
    out.push({ pid, command, startedAtMs: Number.isFinite(boot) && Number.isFinite(ticks) ? (boot + ticks / HZ) * 1000 : undefined });
  }
  return out;
}

function psProcesses(): Promise<CodexProcess[]> {
  return new Promise((resolve) => {
    execFile('ps', ['-axo', 'pid=,lstart=,command='], { timeout: 5000, maxBuffer: 8 * 1024 * 1024 }, (err, stdout) => {
      if (err) return resolve([]);
      const out: CodexProcess[] = [];
      for (const line of String(stdout).split('\n')) {
        // "  123 Mon Jan  1 12:00:00 2024 /path/codex app-server ..." (lstart is 24 characters)
        const m = /^\s*(\d+)\s+(\w{3}\s+\w{3}\s+\d+\s+[\d:]+\s+\d{4})\s+(.*)$/.exec(line);
        if (!m || !isAppServer(m[3]) || Number(m[1]) === process.pid) continue;
        const t = Date.parse(m[2]);
        out.push({ pid: Number(m[1]), command: m[3], startedAtMs: Number.isFinite(t) ? t : undefined });
      }
      resolve(out);
    });
  });
}

export function isAppServer(command: string): boolean {
  return /codex/.test(command) && /\bapp-server\b/.test(command);
}

/** Running `codex app-server` processes (the TUI's daemon), with their start times. */
export function listCodexAppServers(platform: NodeJS.Platform = process.platform): Promise<CodexProcess[]> {
  return platform === 'linux' ? linuxProcesses() : psProcesses();
}
