/**
 * Host or attach: the menu-bar app runs the collector itself (user mode) unless a Beacon
 * collector already answers on the configured port (a LaunchAgent, the system LaunchDaemon, a
 * `beacon endpoint run` in a terminal). Then it attaches as a viewer of THAT collector's log.
 * When another program holds the port it says so plainly and hosts nothing.
 *
 * `decideCollectorRole` is the pure decision; `hostOrAttach` probes, decides, starts, and
 * re-decides if it loses a race for the port between the probe and the bind.
 */
import { PortInUseError, type RunningCollector } from '../collector/collector';
import { startBeaconCollector, type BeaconCollectorOptions } from '../plugins/collector';
import { probeCollector, type ProbeResult } from '../collector/probe';
import type { EndpointConfig } from '../endpoint/endpoint-config';
import { beaconPaths, LOOPBACK } from '../shared/paths';
import { collectorPluginOptions } from '../endpoint/plugin-settings';

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

/** Pure: what to do given who answers on the configured port. */
export function decideCollectorRole(probe: ProbeResult, config: HostConfig): CollectorRole {
  switch (probe.kind) {
    case 'none':
      return { role: 'host' };
    case 'beacon':
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

export async function hostOrAttach(config: HostConfig, deps: CollectorHostDeps = defaultDeps): Promise<CollectorSession> {
  // Port 0 (tests, or a deliberately ephemeral setup) can never be held by someone else.
  const probe: ProbeResult = config.otlp_http_port === 0 ? { kind: 'none' } : await deps.probe(config.otlp_http_port);
  const role = decideCollectorRole(probe, config);
  if (role.role !== 'host') return session(role, config, null);
  try {
    const plugins = await collectorPluginOptions({ price_overrides: config.price_overrides ?? null, read_codex_session_meta: config.read_codex_session_meta ?? true, detection_rule_dirs: config.detection_rule_dirs ?? [] }, config.mode ?? 'user');
    return session(role, config, await deps.start({ ...collectorOptionsFrom(config), ...plugins }));
  } catch (err) {
    if (err instanceof PortInUseError) {
      // Someone bound the port between our probe and our listen: decide again on what is there now.
      const again = await deps.probe(config.otlp_http_port);
      const next = decideCollectorRole(again.kind === 'none' ? { kind: 'other', detail: 'the port was taken while Beacon started' } : again, config);
      return session(next, config, null);
    }
    // E.g. another collector on a different port holds the log's lock, or the log dir is not writable.
    const reason = `Beacon could not start its collector: ${(err as Error).message}`;
    return session({ role: 'blocked', reason }, config, null);
  }
}
