/**
 * Which runtime log is live, and the last event in it.
 *
 * The reference product (research/beacon-reference.md 4.3) guessed from service states: when
 * only the system service ran, it silently switched status and dashboard to the system log and
 * printed one warning. We follow the data instead: Codex sends its events to the port in its
 * effective [otel] config; whoever answers /healthz on that port says which log it writes. If
 * that is not the log this command expects (config.json of the requested mode), we say so, name
 * both files, say which one has the events, and say what to do in this direction.
 *
 * What answers /healthz is a claim, not evidence: any program can hold the Codex port and say it
 * is a Beacon collector writing any file (issue 11: with a fresh HOME the dashboard served
 * another program's log). So a claimed log is only ever read when Beacon's own configuration
 * names it (config.json of either mode, or the default paths: beaconLogs()); any other claim is
 * reported, and the configured log is what gets read.
 */
import { isBeaconSignal } from '../shared/event-facts';
import { open, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { ProbeResult } from '../collector/probe';
import type { Mode, PathEnv } from '../shared/paths';
import { readEndpointConfig, defaultEndpointConfig } from './endpoint-config';

export interface LogSource {
  /** The log this mode's config.json names: what the user expects to read. */
  expected_log: string;
  expected_mode: Mode;
  /** The port Codex's logs exporter points at (null: Codex exports no logs over OTLP/HTTP). */
  codex_port: number | null;
  /**
   * The log written by the collector that receives Codex's events (null: nobody receives them,
   * or the one that answers claims a log no Beacon configuration names).
   */
  live_log: string | null;
  live_mode?: Mode;
  live_pid?: number;
  /** A log the collector on the Codex port claims to write that Beacon's configuration does not name: reported, never read. */
  untrusted_log?: string;
  /** Set when live_log is not expected_log, or when the collector's claim is not believed. */
  warning?: string;
  action?: string;
}

/**
 * The runtime logs Beacon's own configuration names, in both modes: config.json's runtime_log,
 * or the default path when there is no (readable) config.json. The only paths a collector's
 * /healthz `log_path` is believed for.
 */
export async function beaconLogs(env: PathEnv = process.env): Promise<string[]> {
  const logs: string[] = [];
  for (const mode of ['user', 'system'] as const) {
    const configured = await readEndpointConfig(mode, env).then(
      (r) => r.config.runtime_log,
      () => defaultEndpointConfig(mode, env).runtime_log,
    );
    logs.push(resolve(configured), resolve(defaultEndpointConfig(mode, env).runtime_log));
  }
  return [...new Set(logs)];
}

export function resolveLogSource(input: { mode: Mode; expectedLog: string; codexPort: number | null; probe: ProbeResult; beaconLogs: readonly string[]; systemCommand?: string }): LogSource {
  const out: LogSource = { expected_log: input.expectedLog, expected_mode: input.mode, codex_port: input.codexPort, live_log: null };
  if (input.probe.kind !== 'beacon') return out;
  const h = input.probe.health;
  const where = `127.0.0.1:${h.port ?? input.codexPort}`;
  const claimed = typeof h.log_path === 'string' ? h.log_path : '';
  if (!input.beaconLogs.includes(resolve(claimed || '.')) && resolve(claimed || '.') !== resolve(input.expectedLog)) {
    out.untrusted_log = claimed;
    out.live_pid = h.pid;
    out.warning =
      `The program answering on ${where} (pid ${h.pid}) says it is a Beacon collector writing ${JSON.stringify(claimed)}, which no Beacon configuration names; ` +
      `that claim is not believed: ${input.expectedLog} is what Beacon reads, and Codex's events may not be reaching it.`;
    out.action = `find what holds the port (pid ${h.pid}) and stop it, then run \`beacon endpoint repair${input.mode === 'system' ? ' --system' : ''}\``;
    return out;
  }
  out.live_log = claimed;
  out.live_mode = h.mode;
  out.live_pid = h.pid;
  if (resolve(claimed) === resolve(input.expectedLog)) return out;
  const who = `the ${h.mode}-mode collector on ${where} (pid ${h.pid})`;
  out.warning =
    `Codex's events go to ${who}, which writes ${claimed}; the ${input.mode}-mode log ${input.expectedLog} receives nothing. ` +
    `Look in ${claimed} for Codex events.`;
  if (input.mode === 'user' && h.mode === 'system') {
    out.action =
      `read the system log with \`beacon endpoint status --system\`, or keep events in your own log: stop the system collector (\`sudo beacon endpoint uninstall --system\`) and run \`beacon endpoint repair\``;
  } else if (input.mode === 'system' && h.mode === 'user') {
    out.action = `the SIEM log ${input.expectedLog} misses these events: stop the per-user collector (\`beacon endpoint uninstall\` as that user) and run \`sudo beacon endpoint repair --system\``;
  } else {
    out.action = `make one collector own the port: stop pid ${h.pid}, then run \`beacon endpoint repair${input.mode === 'system' ? ' --system' : ''}\``;
  }
  return out;
}

export interface LastEvent {
  timestamp: string;
  action?: string;
  session_id?: string;
  /** Seconds between the event and now (>= 0). */
  age_seconds: number;
}

/** Bytes read from the end of the log: enough for any normal last line, never the whole file. */
const TAIL_BYTES = 64 * 1024;

/** The newest complete event line of a log, reading only its tail. undefined when none. */
export async function readLastEvent(path: string, now: Date = new Date()): Promise<LastEvent | undefined> {
  const st = await stat(path).catch(() => null);
  if (!st || !st.isFile() || st.size === 0) return undefined;
  const fh = await open(path, 'r');
  try {
    const len = Math.min(TAIL_BYTES, st.size);
    const buf = Buffer.alloc(len);
    await fh.read(buf, 0, len, st.size - len);
    const lines = buf.toString('utf8').split('\n');
    // The last element is '' (a complete final line) or a torn line being written: skip it.
    lines.pop();
    for (let i = lines.length - 1; i >= 0; i--) {
      if (i === 0 && st.size > len) break; // may be cut at the front
      try {
        const ev = JSON.parse(lines[i]) as { timestamp?: string; event?: { action?: string }; session?: { id?: string } };
        if (typeof ev.timestamp !== 'string') continue;
        // Beacon's own collector.* / posture.* / tamper.* lines say nothing about Codex reaching us.
        if (isBeaconSignal(ev.event?.action)) continue;
        const t = Date.parse(ev.timestamp);
        return {
          timestamp: ev.timestamp,
          action: ev.event?.action,
          session_id: ev.session?.id,
          age_seconds: Number.isFinite(t) ? Math.max(0, Math.round((now.getTime() - t) / 1000)) : 0,
        };
      } catch {
        continue;
      }
    }
    return undefined;
  } finally {
    await fh.close();
  }
}

/** "just now", "42 s", "5 min", "3 h", "2 d" */
export function formatAge(seconds: number): string {
  if (seconds < 5) return 'just now';
  if (seconds < 120) return `${seconds} s ago`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 172800) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} d ago`;
}
