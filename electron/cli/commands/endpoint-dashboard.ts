/**
 * `beacon endpoint dashboard`: the read-only local dashboard in a browser. It reads the log
 * Beacon's configuration names (config.json of the mode, or --log-path), never one taken from
 * whatever answers on the OTLP port: that is a claim any program can make (issue 11). Who holds
 * the port, and which log it says it writes, is shown in the dashboard's health instead.
 * Prints a tokenised URL; --open launches the browser.
 */
import type { Command } from 'commander';
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { startDashboard } from '../../dashboard/server';
import { rendererDir } from '../../dashboard/renderer-dir';
import { statusProviders } from '../../dashboard/codex-health';
import { readEndpointConfig } from '../../endpoint/endpoint-config';
import { probeCollector, type ProbeResult } from '../../collector/probe';
import { LOOPBACK } from '../../shared/paths';
import { UsageError } from '../program';
import { parseListenPort, parsePath, parsePort } from '../options';
import { collectorPluginOptions } from '../../endpoint/plugin-settings';
import { asUserErrors } from './endpoint-lifecycle';

interface DashboardFlags {
  open?: boolean;
  addr?: string;
  port?: number;
  otlpHttpPort?: number;
  logPath?: string;
  system?: boolean;
  json?: boolean;
}

/** --addr accepts "127.0.0.1:PORT" or ":PORT" or "PORT": the dashboard never listens beyond loopback. */
export function parseAddr(addr: string): number {
  const m = /^(?:(127\.0\.0\.1|localhost))?:?(\d{1,5})$/.exec(addr.trim());
  if (!m) throw new UsageError(`--addr must be 127.0.0.1:PORT (the dashboard only listens on loopback), got "${addr}"`);
  try {
    return parseListenPort(m[2]);
  } catch (err) {
    // Thrown outside commander's parsing, so commander would not print it: say it ourselves.
    throw new UsageError(`--addr ${addr}: ${(err as Error).message}`);
  }
}

export function openInBrowser(url: string): void {
  const cmd = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'cmd' : 'xdg-open';
  const args = process.platform === 'win32' ? ['/c', 'start', '', url] : [url];
  const child = spawn(cmd, args, { stdio: 'ignore', detached: true });
  child.on('error', () => process.stderr.write(`beacon: could not open a browser (${cmd}); open the URL above yourself\n`));
  child.unref();
}

/** What the startup line says about the OTLP port: ours, nobody, or a holder whose claim we did not follow. */
function portHolder(probe: ProbeResult, port: number, logPath: string): string {
  if (probe.kind === 'none') return ' (no collector answers on the OTLP port)';
  if (probe.kind === 'other') return ` (another program holds 127.0.0.1:${port}: ${probe.detail}; see /api/health)`;
  if (resolve(String(probe.health.log_path)) === resolve(logPath)) return ` (live collector pid ${probe.health.pid})`;
  return ` (the collector on 127.0.0.1:${port}, pid ${probe.health.pid}, says it writes ${probe.health.log_path}: not this log; see /api/health)`;
}

export function registerEndpointDashboard(_program: Command, endpoint: Command): void {
  endpoint
    .command('dashboard')
    .description('Serve the local dashboard on 127.0.0.1 (read-only, token-protected) and print its URL.')
    .option('--open', 'open the dashboard in the default browser')
    .option('--addr <addr>', 'listen address, 127.0.0.1:PORT (the same as --port PORT)')
    .option('--port <port>', 'listen port on 127.0.0.1; 0 picks a free one (default: from config.json, else 8765)', parseListenPort)
    // `npm start -- --port N` runs its collector on N and must show that one, whatever config.json says.
    .option('--otlp-http-port <port>', 'the collector to read from and report on (default: from config.json, else 4318)', parsePort)
    .option('--log-path <file>', 'read this runtime log instead of the live collector\'s', parsePath)
    .option('--system', 'use the system-mode configuration')
    .option('--json', 'print the URL as JSON (one line on stdout; nothing else)')
    .action(async (flags: DashboardFlags) => {
      if (flags.addr !== undefined && flags.port !== undefined) throw new UsageError('--addr and --port both set the listen port; pass one of them', 2);
      const mode = flags.system ? 'system' : 'user';
      const { config } = await asUserErrors(() => readEndpointConfig(mode));
      const port = flags.addr !== undefined ? parseAddr(flags.addr) : flags.port ?? config.dashboard_port;
      const otlpPort = flags.otlpHttpPort ?? config.otlp_http_port;
      const probe = await probeCollector(otlpPort);
      const logPath = flags.logPath ?? config.runtime_log;
      const staticDir = rendererDir();
      let dashboard;
      try {
        dashboard = await startDashboard({
          port,
          logPath,
          staticDir,
          collectorUrl: `http://${LOOPBACK}:${otlpPort}/healthz`,
          ...statusProviders(mode, process.env, undefined, otlpPort),
          // Older events without a cost are priced with the same override files as the collector.
          pricing: (await collectorPluginOptions(config, mode)).pricing,
        });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
          throw new UsageError(`port ${port} on 127.0.0.1 is in use; choose another with --port (0 = any free port)`, 1);
        }
        throw err;
      }
      if (flags.json) {
        process.stdout.write(JSON.stringify({ url: dashboard.url, port: dashboard.port, log_path: logPath, renderer: staticDir ?? null }) + '\n');
      } else {
        process.stdout.write(`Beacon dashboard: ${dashboard.url}\n  reading ${logPath}${portHolder(probe, otlpPort, logPath)}\n`);
        if (!staticDir) process.stdout.write('  the renderer is not built: run `npm run build`\n');
        process.stdout.write('  Ctrl-C to stop\n');
      }
      if (flags.open) openInBrowser(dashboard.url);
      await new Promise<void>((resolve) => {
        const stop = () => void dashboard.close().then(resolve, resolve);
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
    });
}
