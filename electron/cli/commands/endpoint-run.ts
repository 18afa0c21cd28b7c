/**
 * `beacon endpoint run`: the collector in the foreground. This is what launchd/systemd units,
 * `npm start` (where Electron cannot start) and a curious user run. Clean shutdown on
 * SIGINT/SIGTERM with a final flush and fsync.
 */
import { Option, type Command } from 'commander';
import { PortInUseError } from '../../collector/collector';
import { startBeaconCollector, type BeaconCollectorOptions } from '../../plugins/collector';
import { readEndpointConfig } from '../../endpoint/endpoint-config';
import { LogLockedError } from '../../log/log-lock';
import { parseContentPolicy, parseListenPort, parsePath, parsePositiveInt } from '../options';
import { fileProblem, UsageError } from '../program';
import type { ContentPolicy } from '../../shared/event';
import { asUserErrors } from './endpoint-lifecycle';
import { beaconPaths } from '../../shared/paths';
import { isForwardHealth } from '../../shared/forwarding';
import { forwardFromFlags, addForwardRunOptions, type ForwardRunFlags } from './forward-flags';
import { collectorPluginOptions } from '../../endpoint/plugin-settings';

interface RunFlags extends ForwardRunFlags {
  port?: number;
  otlpHttpPort?: number;
  logPath?: string;
  includeCodexSpans?: boolean;
  content?: ContentPolicy;
  system?: boolean;
  rotateBytes?: number;
  rotateArchives?: number;
  json?: boolean;
  detections?: boolean;
}

export function registerEndpointRun(_program: Command, endpoint: Command): void {
  const run = endpoint
    .command('run')
    .description('Run the OTLP collector in the foreground (Ctrl-C to stop; flushes the log on exit).')
    .option('--port <port>', 'OTLP/HTTP port on 127.0.0.1; 0 picks a free one (default: from config.json, else 4318)', parseListenPort)
    // The name `install`, `test-event` and the reference CLI use for the same port.
    .addOption(new Option('--otlp-http-port <port>', 'same as --port').argParser(parseListenPort))
    .option('--log-path <file>', 'runtime log to append to (default: from config.json, else ~/.beacon/endpoint/logs/runtime.jsonl)', parsePath)
    .option('--include-codex-spans', 'keep Codex spans (default: from config.json, else dropped: high volume, no content)')
    .option('--content <policy>', 'content policy: full | redacted | metadata (default: from config.json, else redacted)', parseContentPolicy)
    .option('--system', 'system mode: the system config.json and log (/var/log/beacon-agent/runtime.jsonl, group-readable)')
    .option('--rotate-bytes <n>', 'rotate the log at this size in bytes (default: from config.json, else 10485760)', parsePositiveInt)
    .option('--rotate-archives <n>', 'rotated archives to keep (default: from config.json, else 5)', parsePositiveInt)
    .option('--json', 'print the startup line as JSON (one line on stdout; nothing else)')
    .option('--no-detections', 'run without the detection rules (no finding.detected events; the bench baseline)');
  addForwardRunOptions(run);
  run.action(async (flags: RunFlags) => {
    if (flags.port !== undefined && flags.otlpHttpPort !== undefined && flags.port !== flags.otlpHttpPort) {
      throw new UsageError(`--port ${flags.port} and --otlp-http-port ${flags.otlpHttpPort} disagree; pass one of them`, 2);
    }
    const mode = flags.system ? 'system' : 'user';
    const { config } = await asUserErrors(() => readEndpointConfig(mode));
    const opts: BeaconCollectorOptions = {
      port: flags.port ?? flags.otlpHttpPort ?? config.otlp_http_port,
      logPath: flags.logPath ?? config.runtime_log,
      includeSpans: flags.includeCodexSpans ?? config.include_codex_spans,
      content: flags.content ?? config.content,
      rotateBytes: flags.rotateBytes ?? config.rotate_bytes,
      rotateArchives: flags.rotateArchives ?? config.rotate_archives,
      mode,
      // System mode: the log is read by the admin group and the SIEM agent, never world-readable.
      fileMode: mode === 'system' ? 0o640 : 0o600,
      dirMode: mode === 'system' ? 0o750 : 0o700,
      ...(await collectorPluginOptions(config, mode)),
      ...(flags.detections === false ? { detections: false as const } : {}),
      // config.json's destinations, plus one-off --forward ones (whose secrets must be there now).
      forward: [...config.forward, ...(await forwardFromFlags(flags))],
      stateDir: beaconPaths(mode).stateDir,
      // A refused price override file, a plug-in that failed: said once, the collector runs on.
      onWarning: (message: string) => void process.stderr.write(`beacon: warning: ${message}\n`),
    };
    let collector;
    try {
      collector = await startBeaconCollector(opts);
    } catch (err) {
      if (err instanceof PortInUseError || err instanceof LogLockedError) throw new UsageError(err.message, 1);
      throw fileProblem(err, 'choose another --log-path, or fix that directory') ?? err;
    }
    const h = collector.health();
    if (flags.json) {
      process.stdout.write(JSON.stringify({ event: 'listening', url: collector.url, ...h }) + '\n');
    } else {
      process.stdout.write(
        `beacon collector ${h.version} listening on ${collector.url} (pid ${h.pid}, ${mode} mode)\n` +
          `  writing ${collector.logPath} (content: ${h.content}, spans: ${h.include_spans ? 'kept' : 'dropped'})\n` +
          `  Codex endpoint: ${collector.url}/v1/logs   health: ${collector.url}/healthz\n`,
      );
    }
    await new Promise<void>((resolve) => {
      let stopping = false;
      const stop = (signal: string) => {
        if (stopping) return;
        stopping = true;
        if (!flags.json) process.stdout.write(`\nreceived ${signal}: flushing and stopping...\n`);
        collector
          .close()
          .then(() => {
            const s = collector.pipeline.stats;
            if (!flags.json) process.stdout.write(`stopped; ${s.eventsWritten} event(s) written this run\n`);
            resolve();
          })
          .catch((err: Error) => {
            process.stderr.write(`beacon: error while stopping: ${err.message}\n`);
            process.exitCode = 1;
            resolve();
          });
      };
      process.once('SIGINT', () => stop('SIGINT'));
      process.once('SIGTERM', () => stop('SIGTERM'));
    });
  });
}
