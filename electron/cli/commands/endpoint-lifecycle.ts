/**
 * `beacon endpoint install | uninstall | repair`: argument parsing and output only; the work is
 * in electron/endpoint/lifecycle-*.ts. Exit codes: 0 done, 1 failed or something left behind
 * (the output lists it), 2 bad usage (unknown harness, bad port, --enforce without --system).
 */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { ManifestError } from '../../endpoint/install-manifest';
import { EndpointConfigError } from '../../endpoint/endpoint-config';
import { LifecycleError } from '../../endpoint/lifecycle-context';
import { runInstall, type InstallReport, type LifecycleStep } from '../../endpoint/lifecycle-install';
import { runRepair, type RepairReport } from '../../endpoint/lifecycle-repair';
import { runUninstall, type UninstallReport } from '../../endpoint/lifecycle-uninstall';
import { resolveHarness } from '../../plugins/harnesses';
import type { ContentPolicy } from '../../shared/event';
import type { Harness } from '../../shared/harness';
import { HARNESS_CHOICES, parseContentPolicy, parseHarness, parsePort } from '../options';
import { UsageError } from '../program';

/** Lifecycle errors the user can act on become plain messages with their exit code. */
export async function asUserErrors<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof LifecycleError) throw new UsageError(err.message, err.exitCode);
    if (err instanceof ManifestError || err instanceof EndpointConfigError) throw new UsageError(err.message, 1);
    throw err;
  }
}

/** The report on stdout (text or JSON); a failure also as one `beacon: ...` line on stderr. */
function out(json: boolean, value: unknown, text: string, failure?: string): void {
  process.stdout.write(json ? JSON.stringify(value, null, 2) + '\n' : text);
  if (failure) process.stderr.write(`beacon: ${failure}\n`);
}

function stepLine(s: LifecycleStep): string {
  const head = `  ${s.status === 'planned' ? '' : `[${s.status}] `}${s.action}${s.target ? ` ${s.target}` : ''}${s.detail ? ` (${s.detail})` : ''}`;
  const diff = s.diff ? '\n' + s.diff.split('\n').map((l) => `      ${l}`).join('\n') : '';
  return head + diff;
}

function formatInstall(r: InstallReport): string {
  const L: string[] = [];
  if (r.dry_run) {
    L.push(r.ok ? `Dry run (${r.mode} mode): nothing was written. Beacon would:` : `Dry run (${r.mode} mode): install would FAIL: ${r.errors[0]}`);
    for (const s of r.steps) L.push(stepLine(s.status === 'failed' && s.detail === r.errors[0] ? { ...s, detail: undefined } : s));
  } else if (!r.ok) {
    // Verdict and reason first; then only what really happened (no "Collector: not started
    // (--no-start)" when the user never passed --no-start, no manifest that was never written).
    L.push(`Beacon endpoint install FAILED (${r.mode} mode): ${r.errors[0]}`);
    // Only what happened (or was undone): a step that was only planned is not listed.
    for (const s of r.steps) if (s.status !== 'planned') L.push(stepLine(s.status === 'failed' && s.detail === r.errors[0] ? { ...s, detail: undefined } : s));
    if (r.collector.state === 'failed' && r.collector.detail && r.collector.detail !== r.errors[0]) L.push(`Collector: failed: ${r.collector.detail}`);
    if (r.rollback_problems?.length) {
      L.push('Install was rolled back, but these could not be undone:');
      for (const p of r.rollback_problems) L.push(`  LEFT ${p}`);
      if (existsSync(r.manifest)) L.push(`Install manifest: ${r.manifest} (\`beacon endpoint uninstall\` removes what is left)`);
    } else if (r.steps.some((s) => s.status === 'rolled-back')) L.push('Nothing was changed: every step above was undone.');
    else L.push('Nothing was changed.');
  } else {
    L.push(`Beacon endpoint installed (${r.mode} mode).`);
    for (const s of r.steps) L.push(stepLine(s));
    const c = r.collector;
    if (c.state === 'started' || c.state === 'restarted') L.push(`Collector: ${c.state} on 127.0.0.1:${r.port} (pid ${c.pid})`);
    else if (c.state === 'already-running') L.push(`Collector: already running on 127.0.0.1:${r.port}${c.pid ? ` (pid ${c.pid})` : c.detail ? ` (${c.detail})` : ''}`);
    else if (r.collector.state === 'not-started') L.push('Collector: not started, as asked; `beacon endpoint run` or the app starts it');
    L.push(`Runtime log: ${r.runtime_log}`);
    L.push(`Install manifest: ${r.manifest}`);
  }
  for (const w of r.warnings) L.push(`warning: ${w}`);
  for (const e of r.errors.slice(1)) L.push(`error: ${e}`);
  if (r.ok && !r.dry_run) L.push('Next: run Codex, then `beacon endpoint status` (or `beacon endpoint test-event` to check the pipeline now).');
  return L.join('\n') + '\n';
}

function formatUninstall(r: UninstallReport): string {
  const kept = r.notes.some((n) => n.startsWith('kept the runtime log'));
  const removed = kept ? 'Beacon endpoint removed; the runtime log was kept, as asked.' : 'Beacon endpoint removed: everything install added is gone.';
  const L = [r.ok ? (r.installed ? removed : 'Nothing to uninstall.') : `Beacon endpoint uninstall left ${r.left_behind.length} item(s) behind:`];
  for (const x of r.left_behind) L.push(`  LEFT ${x.item}: ${x.reason}`);
  for (const d of r.done) L.push(`  done: ${d}`);
  for (const n of r.notes) L.push(`  note: ${n}`);
  return L.join('\n') + '\n';
}

function formatRepair(r: RepairReport): string {
  const L = [r.ok ? `Beacon endpoint repaired (manifest ${r.manifest}).` : `Beacon endpoint repair FAILED: ${r.errors[0] ?? 'see the steps below'}`];
  for (const s of r.steps) L.push(stepLine(s.status === 'failed' && s.detail === r.errors[0] ? { ...s, detail: undefined } : s));
  for (const n of r.notes) L.push(`note: ${n}`);
  for (const e of r.errors.slice(1)) L.push(`error: ${e}`);
  return L.join('\n') + '\n';
}

interface InstallFlags {
  harness: string;
  includeCodexSpans?: boolean;
  promptContent: boolean;
  otlpHttpPort?: number;
  content?: ContentPolicy;
  start: boolean;
  dryRun?: boolean;
  force?: boolean;
  json?: boolean;
  system?: boolean;
  enforce?: boolean;
  service?: boolean;
  user?: boolean;
  configOnly?: boolean;
}

export function registerEndpointLifecycle(_program: Command, endpoint: Command): void {
  endpoint
    .command('install')
    .description("Point Codex at the local collector (an [otel] block in config.toml) and make sure a collector runs.")
    .option('--harness <name>', `agent to configure: ${HARNESS_CHOICES}`, 'codex')
    .option('--include-codex-spans', 'also export and keep Codex spans (high volume)')
    .option('--no-prompt-content', 'Codex sends "[REDACTED]" instead of prompt text (log_user_prompt = false)')
    .option('--otlp-http-port <port>', 'collector port on 127.0.0.1 (default 4318, or the installed one)', parsePort)
    .option('--content <policy>', 'what the log keeps: full | redacted | metadata (default redacted, or the installed one)', parseContentPolicy)
    .option('--no-start', 'write the configuration only; do not start a collector')
    .option('--dry-run', 'print what would change (with a diff of the [otel] section) and write nothing')
    .option('--force', "replace an [otel] table of yours that sends telemetry elsewhere (uninstall restores it)")
    .option('--json', 'machine-readable output')
    .option('--system', 'system mode (root): /etc/codex, /var/log/beacon-agent, a system service')
    .option('--enforce', 'with --system: write /etc/codex/requirements.toml so users cannot turn it off')
    .option('--service', 'install a LaunchAgent / systemd unit (LaunchDaemon / system unit with --system) running `beacon endpoint run`')
    .option('--user', 'user mode (the default; explicit for scripts that run it as the console user)')
    .option('--config-only', "configure Codex and record it for uninstall, but start no collector and install no service (implies --no-start; for the macOS package, whose LaunchDaemon is the collector)")
    // settingsFrom() keeps the earlier install's choices: say so, or a re-install looks like a reset.
    .addHelpText('after', '\nRunning install again keeps the earlier choices (port, content, spans, prompt text, --service) unless given again,\nand restarts the collector it manages when one of them changes; `beacon endpoint uninstall` then `install` starts from the defaults.\nA failed install changes nothing: what it wrote is undone and the cause is printed (exit 1).')
    .action(async (f: InstallFlags) => {
      if (f.user && f.system) throw new UsageError('--user and --system exclude each other', 2);
      if (f.configOnly && f.service) throw new UsageError('--config-only and --service exclude each other', 2);
      // Parsed here rather than by commander so a wrong name is a usage error (exit 2) like the rest.
      let harness: Harness;
      try {
        harness = resolveHarness(parseHarness(f.harness));
      } catch (err) {
        throw new UsageError((err as Error).message, 2);
      }
      const r = await asUserErrors(() =>
        runInstall({
          mode: f.system ? 'system' : 'user',
          harness,
          port: f.otlpHttpPort,
          includeSpans: f.includeCodexSpans ? true : undefined,
          logUserPrompt: f.promptContent === false ? false : undefined,
          content: f.content,
          start: f.configOnly ? false : f.start,
          dryRun: !!f.dryRun,
          force: !!f.force,
          enforce: !!f.enforce,
          service: !!f.service,
        }),
      );
      out(!!f.json, r, formatInstall(r), r.ok ? undefined : `install failed: ${r.errors[0] ?? 'see the steps above'}`);
      process.exitCode = r.ok ? 0 : 1;
    });

  endpoint
    .command('uninstall')
    .description('Remove exactly what install added: the [otel] block (restoring your file), the service, config, logs; stop the collector it started.')
    .option('--keep-logs', 'keep the runtime log and its archives')
    .option('--json', 'machine-readable output')
    .option('--system', 'remove the system-mode install (root)')
    .option('--user', 'user mode (the default; explicit for scripts)')
    .option('--config-only', 'keep the logs (same as --keep-logs); for the macOS uninstaller, run per user after an `install --config-only`')
    .action(async (f: { keepLogs?: boolean; json?: boolean; system?: boolean; user?: boolean; configOnly?: boolean }) => {
      if (f.user && f.system) throw new UsageError('--user and --system exclude each other', 2);
      const r = await asUserErrors(() => runUninstall({ mode: f.system ? 'system' : 'user', keepLogs: !!f.keepLogs || !!f.configOnly }));
      const left = r.left_behind[0];
      out(!!f.json, r, formatUninstall(r), r.ok ? undefined : `uninstall left ${r.left_behind.length} item(s) behind, first ${left?.item}: ${left?.reason}`);
      process.exitCode = r.ok ? 0 : 1;
    });

  endpoint
    .command('repair')
    .description("Bring a drifted install back: re-apply Beacon's [otel] block (also when it was edited by hand), apply config.json's settings, restart the collector, recreate the log.")
    .option('--force', "also replace an [otel] table of yours that took the place of Beacon's block (uninstall later restores the file as it was before install)")
    .option('--json', 'machine-readable output')
    .option('--system', 'repair the system-mode install (root)')
    .option('--user', 'user mode (the default; explicit for scripts)')
    .action(async (f: { json?: boolean; system?: boolean; user?: boolean; force?: boolean }) => {
      if (f.user && f.system) throw new UsageError('--user and --system exclude each other', 2);
      const r = await asUserErrors(() => runRepair({ mode: f.system ? 'system' : 'user', force: !!f.force }));
      out(!!f.json, r, formatRepair(r), r.ok ? undefined : `repair failed: ${r.errors[0] ?? 'see the steps above'}`);
      process.exitCode = r.ok ? 0 : 1;
    });
}
