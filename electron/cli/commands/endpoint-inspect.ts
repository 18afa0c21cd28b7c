/**
 * Read-only endpoint commands: `discover`, `status`, `config show`, and `doctor` (read-only
 * unless --fix). Exit codes: status 0 ok / 1 fail / 3 warn (STATUS_EXIT); discover and config
 * show exit 0 (a broken config.json is exit 1); doctor exits 1 when any check fails.
 */
import type { Command } from 'commander';
import { readEndpointConfig } from '../../endpoint/endpoint-config';
import { formatDoctor, runDoctor } from '../../endpoint/doctor';
import { lifecycleContext } from '../../endpoint/lifecycle-context';
import { computeStatus, formatStatus } from '../../endpoint/status';
import { readFile } from 'node:fs/promises';
import { DEFAULT_HARNESS } from '../../plugins/harnesses';
import { asUserErrors } from './endpoint-lifecycle';

/**
 * `endpoint status` exit codes, so a script or an MDM check can act on the verdict without
 * parsing text: documented in its --help and the README. Warnings get their own code (3) rather
 * than 0: "works, but look" is not "healthy" for a fleet check, and not a failure either.
 */
export const STATUS_EXIT = { ok: 0, fail: 1, warn: 3 } as const;
const STATUS_EXIT_HELP =
  '\nExit status (also with --json):\n' +
  '  0  OK: the collector is up and Codex telemetry reaches it\n' +
  '  1  FAIL: at least one check failed (events are lost or cannot reach Beacon); the FAIL lines say what to run\n' +
  '  2  usage error (unknown option, --user with --system)\n' +
  '  3  WARN: working, with warnings (e.g. not installed in this mode, a stale Codex app-server)';

export function registerEndpointInspect(_program: Command, endpoint: Command): void {
  endpoint
    .command('discover')
    .description('Find Codex installs, versions, CODEX_HOME and its config files (no side effects).')
    .option('--json', 'machine-readable output')
    .action(async (f: { json?: boolean }) => {
      // What to discover is the harness's (Codex: binaries, CODEX_HOME, profile files); the JSON is its own.
      const d = await DEFAULT_HARNESS.lifecycle.discoverReport(process.env);
      process.stdout.write(f.json ? JSON.stringify(d.json, null, 2) + '\n' : d.text);
    });

  endpoint
    .command('status')
    .description('Is Codex telemetry reaching Beacon? Collector, service, log, last event, Codex [otel] as Codex reads it.')
    .option('--json', 'machine-readable output (shape: EndpointStatus in electron/endpoint/status.ts)')
    .option('--system', 'the system-mode install')
    .addHelpText('after', STATUS_EXIT_HELP)
    .action(async (f: { json?: boolean; system?: boolean }) => {
      const s = await computeStatus({ mode: f.system ? 'system' : 'user', discover: true });
      process.stdout.write(f.json ? JSON.stringify(s, null, 2) + '\n' : formatStatus(s));
      process.exitCode = STATUS_EXIT[s.verdict.status];
    });

  endpoint
    .command('doctor')
    .description('Health checks with the exact fix for each; --fix applies the safe ones.')
    .option('--fix', 'start the collector, re-apply Beacon\'s own [otel] block, create missing directories')
    .option('--json', 'machine-readable output')
    .option('--system', 'the system-mode install')
    .addHelpText('after', '\nExit status: 0 all checks passed or only warnings, 1 at least one check failed (also after --fix, if it still fails), 2 usage error.')
    .action(async (f: { fix?: boolean; json?: boolean; system?: boolean }) => {
      const r = await runDoctor({ mode: f.system ? 'system' : 'user', fix: !!f.fix });
      process.stdout.write(f.json ? JSON.stringify(r, null, 2) + '\n' : formatDoctor(r));
      process.exitCode = r.status === 'fail' ? 1 : 0;
    });

  const config = endpoint.command('config').description('Beacon endpoint configuration.');
  config
    .command('show')
    .description('The effective configuration: config.json with defaults, paths, and the Codex [otel] state.')
    .option('--json', 'machine-readable output')
    .option('--system', 'the system-mode configuration')
    .action(async (f: { json?: boolean; system?: boolean }) => {
      const mode = f.system ? 'system' : 'user';
      const ctx = lifecycleContext(mode, process.env);
      const { config: cfg, exists } = await asUserErrors(() => readEndpointConfig(mode, process.env));
      const writer = DEFAULT_HARNESS.lifecycle.configWriter;
      const codexPath = writer.mainConfig(mode, process.env).path;
      const text = await readFile(codexPath, 'utf8').catch(() => null);
      const insp = text === null ? null : writer.inspect(text, { port: cfg.otlp_http_port });
      const value = {
        mode,
        config_file: { path: ctx.paths.configFile, exists },
        config: cfg,
        paths: { ...ctx.paths, codex_home: writer.configDir(mode, process.env), collector_output: ctx.collectorOutput },
        codex: {
          config_path: codexPath,
          exists: text !== null,
          otel: insp && {
            present: insp.present,
            managed_by_beacon: insp.managedByBeacon,
            parsed: insp.parsed,
            logs: insp.logs,
            metrics: insp.metrics,
            traces: insp.traces,
            log_user_prompt: insp.logUserPrompt,
            environment: insp.environment,
            problems: insp.problems,
          },
        },
      };
      if (f.json) {
        process.stdout.write(JSON.stringify(value, null, 2) + '\n');
        return;
      }
      const L = [`Beacon endpoint config (${mode} mode): ${ctx.paths.configFile}${exists ? '' : ' (not written yet: defaults)'}`];
      for (const [k, v] of Object.entries(cfg)) L.push(`  ${k}: ${Array.isArray(v) ? v.join(', ') : String(v)}`);
      L.push(`Paths: base ${ctx.paths.baseDir}, manifest ${ctx.paths.manifestFile}, logs ${ctx.paths.logDir}`);
      L.push(`Codex config: ${codexPath}${text === null ? ' (missing)' : ''}`);
      if (insp) {
        L.push(`  [otel] ${insp.present ? (insp.managedByBeacon ? "present (Beacon's block)" : 'present (your own)') : 'absent'}${insp.parsed ? '' : ' - file is not valid TOML'}`);
        L.push(`  logs -> ${insp.logs.endpoint ?? insp.logs.kind}; metrics -> ${insp.metrics.endpoint ?? insp.metrics.kind}; traces -> ${insp.traces.endpoint ?? insp.traces.kind}`);
        for (const p of insp.problems) L.push(`  ${p.severity}: ${p.message}`);
      }
      process.stdout.write(L.join('\n') + '\n');
    });
}
