/**
 * Host or attach: the menu-bar app runs the collector itself (user mode) unless a Beacon
 * collector already answers on the configured port (a LaunchAgent, the system LaunchDaemon, a
 * `beacon endpoint run` in a terminal). Then it attaches as a viewer of THAT collector's log.
 * When another program holds the port it says so plainly and hosts nothing.
 *
 * `decideCollectorRole` is the pure decision; `hostOrAttach` probes, decides, starts, and
 * re-decides if it loses a race for the port between the probe and the bind.
 */
import { resolve } from 'node:path';
import { PortInUseError, type RunningCollector } from '../collector/collector';
import { startBeaconCollector, type BeaconCollectorOptions } from '../plugins/collector';
import { probeCollector, type ProbeResult } from '../collector/probe';
import type { EndpointConfig } from '../endpoint/endpoint-config';
import { beaconPaths, LOOPBACK } from '../shared/paths';
import { collectorPluginOptions } from '../endpoint/plugin-settings';
import { beaconLogs } from '../endpoint/log-source';

export type CollectorRole =
  | { role: 'host' }
  | { role: 'attach'; logPath: string; pid: number; mode: string; port: number }
  | { role: 'blocked'; reason: string };

export type HostConfig = Pick<EndpointConfig, 'otlp_http_port' | 'runtime_log'> & Partial<EndpointConfig>;

export function blockedReason(port: number, detail: string): string {
  return (
    `Another program (not Beacon) holds port ${port} on ${LOOPBACK} (${detail}), so Codex telemetry cannot reach Beacon. ` +
    `Quit that program, or choose another port with \`beacon endpoint install --otlp-http-port <port>\`.`
  );
}

export function untrustedReason(port: number, pid: number, claimed: string, ownLog: string): string {
  return (
    `The program on ${LOOPBACK}:${port} (pid ${pid}) says it is a Beacon collector writing ${JSON.stringify(claimed)}, which no Beacon configuration names, ` +
    `so Beacon does not believe it and shows its own log (${ownLog}); Codex's events may not be reaching it. Stop pid ${pid}, then run \`beacon endpoint repair\`.`
  );
}

/**
 * Pure: what to do given who answers on the configured port. What answers /healthz is a claim
 * (issue 11): its log is attached to only when Beacon's own configuration names it
 * (`trustedLogs`, from beaconLogs(); default: this config's log alone).
 */
export function decideCollectorRole(probe: ProbeResult, config: HostConfig, trustedLogs: readonly string[] = [config.runtime_log]): CollectorRole {
  switch (probe.kind) {
    case 'none':
      return { role: 'host' };
    case 'beacon':
      if (!trustedLogs.some((t) => resolve(t) === resolve(probe.health.log_path || '.'))) {
        return { role: 'blocked', reason: untrustedReason(probe.health.port ?? config.otlp_http_port, probe.health.pid, probe.health.log_path, config.runtime_log) };
      }
      return {
        role: 'attach',
        logPath: probe.health.log_path,
        pid: probe.health.pid,
        mode: probe.health.mode,
        port: probe.health.port ?? config.otlp_http_port,
      };
    case 'other':
      return { role: 'blocked', reason: blockedReason(config.otlp_http_port, probe.detail) };
  }
}

export interface CollectorSession {
  role: CollectorRole;
  /** The runtime log the dashboard should read. */
  logPath: string;
  /** The collector's /healthz URL for the dashboard's health checks (null: none to check). */
  collectorUrl: string | null;
  /** Set when this process hosts the collector. */
  collector: RunningCollector | null;
  /** Stops the hosted collector (flushing the log); a no-op when attached or blocked. */
  close(): Promise<void>;
}

export interface CollectorHostDeps {
  probe(port: number): Promise<ProbeResult>;
  start(opts: BeaconCollectorOptions): Promise<RunningCollector>;
  /** The logs Beacon's configuration names (default: beaconLogs() of this process's environment). */
  beaconLogs?(): Promise<string[]>;
}

const defaultDeps: CollectorHostDeps = { probe: (port) => probeCollector(port), start: startBeaconCollector };

function healthzUrl(port: number): string {
  return `http://${LOOPBACK}:${port}/healthz`;
}

function session(role: CollectorRole, config: HostConfig, collector: RunningCollector | null): CollectorSession {
  if (role.role === 'attach') {
    return { role, logPath: role.logPath, collectorUrl: healthzUrl(role.port), collector: null, close: async () => undefined };
  }
  if (role.role === 'blocked') {
    // Still show the configured log (older events) and let the dashboard report the port holder.
    const url = config.otlp_http_port > 0 ? healthzUrl(config.otlp_http_port) : null;
    return { role, logPath: config.runtime_log, collectorUrl: url, collector: null, close: async () => undefined };
  }
  const c = collector!;
  return { role, logPath: c.logPath, collectorUrl: `${c.url}/healthz`, collector: c, close: () => c.close() };
}

export function collectorOptionsFrom(config: HostConfig): BeaconCollectorOptions {
  return {
    port: config.otlp_http_port,
    logPath: config.runtime_log,
    mode: config.mode ?? 'user',
    includeSpans: config.include_codex_spans,
    content: config.content,
    rotateBytes: config.rotate_bytes,
    rotateArchives: config.rotate_archives,
    // config.json's forwarding destinations: the app's collector forwards like `endpoint run` does.
    forward: config.forward ?? [],
    stateDir: beaconPaths(config.mode ?? 'user').stateDir,
  };
}

export async function hostOrAttach(config: HostConfig, given: Partial<CollectorHostDeps> = {}): Promise<CollectorSession> {
  const deps: CollectorHostDeps = { ...defaultDeps, ...given };
  // Port 0 (tests, or a deliberately ephemeral setup) can never be held by someone else.
  const probe: ProbeResult = config.otlp_http_port === 0 ? { kind: 'none' } : await deps.probe(config.otlp_http_port);
  const named = deps.beaconLogs ?? (() => beaconLogs());
  const trusted = probe.kind === 'beacon' ? [config.runtime_log, ...(await named())] : [];
  const role = decideCollectorRole(probe, config, trusted);
  if (role.role !== 'host') return session(role, config, null);
  try {
    const plugins = await collectorPluginOptions({ price_overrides: config.price_overrides ?? null, read_codex_session_meta: config.read_codex_session_meta ?? true, detection_rule_dirs: config.detection_rule_dirs ?? [] }, config.mode ?? 'user');
    return session(role, config, await deps.start({ ...collectorOptionsFrom(config), ...plugins }));
  } catch (err) {
    if (err instanceof PortInUseError) {
      // Someone bound the port between our probe and our listen: decide again on what is there now.
      const again = await deps.probe(config.otlp_http_port);
      const next = decideCollectorRole(again.kind === 'none' ? { kind: 'other', detail: 'the port was taken while Beacon started' } : again, config, [config.runtime_log, ...(await named())]);
      return session(next, config, null);
    }
    // E.g. another collector on a different port holds the log's lock, or the log dir is not writable.
    const reason = `Beacon could not start its collector: ${(err as Error).message}`;
    return session({ role: 'blocked', reason }, config, null);
  }
}
