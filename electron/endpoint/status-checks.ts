/**
 * The checks of `beacon endpoint status` (and doctor, and the tray's health light), derived from
 * the facts computeStatus() gathered: each one ok / warn / fail with the exact command that fixes
 * it, and the one-line verdict. Kept apart from the gathering so the rules read in one place.
 */
import { dirname } from 'node:path';
import type { ConfigProblem } from '../shared/harness-config';
import { forwardingChecks } from '../forward/forward-status';
import type { InstallManifest } from './install-manifest';
import { restartAdvice } from './lifecycle-collector';
import { formatAge } from './log-source';
import { pluginChecks, type PluginHealth } from './plugin-health';
import type { CheckStatus, EndpointStatus, StatusCheck } from './status';

function problemCheck(p: ConfigProblem, fixable: boolean, installCmd: string): StatusCheck | null {
  if (p.severity === 'info') return null;
  // Metrics that miss the collector cost no Codex events: a warning, not a failure.
  const status: CheckStatus = p.severity === 'error' && !p.code.startsWith('metrics-') ? 'fail' : 'warn';
  const reachesIssue = p.code === 'otel-missing' || p.code === 'beacon-block-outdated' || p.code.endsWith('-not-to-collector') || p.code.startsWith('protocol-') || p.code === 'endpoint-missing' || p.code === 'exporter-invalid' || p.code.startsWith('metrics-');
  let action: string | undefined;
  if (p.code === 'invalid-toml') action = 'fix the TOML syntax error at the line shown (Codex refuses to start until then)';
  else if (fixable && reachesIssue) action = 'beacon endpoint repair';
  else if (reachesIssue) action = installCmd;
  return { id: `codex:${p.code}`, status, message: p.message, action, fix: fixable && reachesIssue && p.code !== 'invalid-toml' ? 'repair-codex-config' : undefined };
}

export function deriveChecks(s: EndpointStatus, manifest: InstallManifest | null): StatusCheck[] {
  const checks: StatusCheck[] = [];
  const sys = s.mode === 'system' ? ' --system' : '';
  const sudo = s.mode === 'system' ? 'sudo ' : '';
  const installCmd = `${sudo}beacon endpoint install${sys}`;
  const repairCmd = `${sudo}beacon endpoint repair${sys}`;

  if (s.config.error) checks.push({ id: 'endpoint_config', status: 'fail', message: s.config.error, action: `fix or remove the file, then run \`${repairCmd}\`` });
  checks.push(
    s.install.installed
      ? { id: 'install', status: 'ok', message: `installed ${s.install.installed_at ?? ''}`.trim() }
      : { id: 'install', status: 'warn', message: `Beacon is not installed in ${s.mode} mode (no ${s.install.manifest})`, action: installCmd },
  );

  const c = s.collector;
  if (c.state === 'up') {
    checks.push({ id: 'collector', status: 'ok', message: `collector running on 127.0.0.1:${c.port} (pid ${c.pid}, ${c.mode} mode, since ${c.started_at})` });
    if (c.write_status && c.write_status !== 'ok') {
      checks.push({ id: 'log_write', status: 'fail', message: `the collector cannot write ${c.log_path}: ${c.write_reason ?? c.write_status}; Codex events are being refused`, action: 'free disk space or fix the permissions of the log directory' });
    }
  } else if (c.state === 'down') {
    checks.push({ id: 'collector', status: 'fail', message: `no collector answers on 127.0.0.1:${c.port}: Codex events are lost`, action: s.install.installed ? repairCmd : installCmd, fix: 'start-collector' });
  } else {
    checks.push({ id: 'collector', status: 'fail', message: `port ${c.port} on 127.0.0.1 is held by another program (${c.detail}), not a Beacon collector`, action: `free the port, or reinstall on another one: ${installCmd} --otlp-http-port <port>` });
  }
  const rot = s.log.rotation;
  if (rot) {
    const log = s.log.live_log ?? s.config.runtime_log;
    const mib = (n: number) => `${Math.round(n / (1024 * 1024))} MiB`;
    checks.push({ id: 'log_rotation', status: 'fail', message: `the collector cannot rotate ${log} (${rot.reason}, since ${rot.since}): it has grown to ${mib(rot.log_bytes)}, its limit is ${mib(rot.limit_bytes)}`, action: `make ${dirname(log)} writable by the collector again; it retries on its own` });
  }
  const mismatch = c.state === 'up' ? c.settings_mismatch ?? [] : [];
  if (mismatch.length) {
    const managed = !!c.managed_by;
    const content = mismatch.some((m) => m.startsWith('content '));
    checks.push({
      id: 'collector_settings',
      status: 'fail',
      message: `the collector on 127.0.0.1:${c.port} (pid ${c.pid}) runs with ${mismatch.join('; ')}: ${content ? 'events are written under the old content policy' : 'the configured settings are not in effect'} (a collector reads its settings only when it starts)`,
      action: managed ? repairCmd : `it reads ${s.config.path} only when it starts; ${restartAdvice({ pid: c.pid ?? 0, mode: c.mode ?? s.mode }, s.mode)}`,
      fix: managed ? 'restart-collector' : undefined,
    });
  }
  if (s.log.warning) checks.push({ id: 'runtime_log_source', status: 'warn', message: s.log.warning, action: s.log.action });
  if (c.state === 'up' && !s.log.exists && !s.log.warning) {
    checks.push({ id: 'runtime_log', status: 'warn', message: `${s.log.live_log ?? s.config.runtime_log} does not exist; the collector recreates it with the next event`, action: repairCmd });
  }
  if (s.install.installed && s.service) {
    const sv = s.service;
    checks.push(
      sv.installed && sv.running
        ? { id: 'service', status: 'ok', message: `${sv.kind} service ${sv.name} is running` }
        : { id: 'service', status: 'fail', message: `${sv.kind} service ${sv.name} is ${sv.installed ? `not running (${sv.detail ?? 'stopped'})` : `missing (${sv.file})`}`, action: `${installCmd} --service` },
    );
  }

  // Codex.
  const cx = s.codex;
  const fixable = !!manifest && manifest.codex_files.some((f) => f.path === cx.config_path) && (cx.effective === null || cx.effective.path === cx.config_path);
  if (cx.telemetry === 'enabled') {
    checks.push({ id: 'codex_telemetry', status: 'ok', message: `Codex sends its logs to the collector (${cx.logs.endpoint})${cx.spans ? ', spans too' : ''}` });
  }
  for (const p of cx.problems) {
    const ch = problemCheck(p, fixable, installCmd);
    if (ch) checks.push(ch);
  }
  for (const o of cx.overrides) {
    checks.push({ id: `codex_override:${o.layer}`, status: o.reaches_collector ? 'ok' : 'fail', message: o.message, action: o.reaches_collector ? undefined : `point the [otel] table of ${o.path} at http://127.0.0.1:${s.config.otlp_http_port}/v1/logs (or remove it); Beacon does not edit it` });
  }
  for (const p of cx.profiles) {
    if (p.reaches_collector) continue;
    checks.push({ id: `codex_profile:${p.name}`, status: 'warn', message: `\`codex --profile ${p.name}\` uses the [otel] of ${p.path}, which does not reach the collector${p.problems[0] ? `: ${p.problems[0].message}` : ''}`, action: 'beacon endpoint install --force (applies Beacon\'s block to it; uninstall restores it)' });
  }
  for (const e of s.environment) {
    if (e.severity === 'info') continue;
    checks.push({ id: `env:${e.variable}`, status: e.severity, message: e.message, action: e.action });
  }
  for (const a of s.app_servers) {
    if (!a.stale) continue;
    checks.push({ id: 'codex_app_server', status: 'warn', message: `a Codex app-server daemon (pid ${a.pid}) started before the last change to ${cx.effective?.path ?? cx.config_path}; it keeps exporting with its old settings`, action: 'codex app-server daemon restart' });
  }
  checks.push(...forwardingChecks(s.forwarding, c.state === 'up', { sudo, sys }));
  // The collector's tamper watch re-reads the config a moment after it changes; status has just
  // read the same file itself. When status finds it in order, a degraded posture from before
  // that moment (right after `repair`) is stale, not a second opinion.
  const freshlyIntact = (p: PluginHealth): boolean => p.name === 'posture' && p.config_path === cx.config_path && cx.telemetry === 'enabled' && cx.problems.length === 0;
  if (c.state === 'up') checks.push(...pluginChecks(s.plugins.filter((p) => !freshlyIntact(p)), repairCmd));
  if (s.last_event) checks.push({ id: 'last_event', status: 'ok', message: `last event ${s.last_event.action ?? ''} ${formatAge(s.last_event.age_seconds)}`.replace(/\s+/g, ' ') });
  else checks.push({ id: 'last_event', status: 'ok', message: 'no events yet: run Codex, or `beacon endpoint test-event` to check the pipeline' });
  return checks;
}

export function verdictOf(s: EndpointStatus): EndpointStatus['verdict'] {
  const fails = s.checks.filter((c) => c.status === 'fail');
  const warns = s.checks.filter((c) => c.status === 'warn');
  if (fails.length === 0 && warns.length === 0) {
    const last = s.last_event ? `last event ${formatAge(s.last_event.age_seconds)}` : 'no events yet';
    return { status: 'ok', summary: `healthy: collector up on 127.0.0.1:${s.collector.port} (pid ${s.collector.pid}), Codex telemetry reaches it, ${last}` };
  }
  const first = fails[0] ?? warns[0];
  const counts = [fails.length ? `${fails.length} failure(s)` : '', warns.length ? `${warns.length} warning(s)` : ''].filter(Boolean).join(', ');
  return { status: fails.length ? 'fail' : 'warn', summary: `${counts}: ${first.message}` };
}

