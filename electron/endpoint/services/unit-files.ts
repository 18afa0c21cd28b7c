/**
 * Service definitions for the collector: a launchd plist (macOS) or a systemd unit (Linux),
 * user or system mode. Pure text generation, so tests check them with python3 plistlib and
 * `systemd-analyze verify` without installing anything.
 */
import type { Mode } from '../../shared/paths';

export const LAUNCHD_LABEL: Record<Mode, string> = {
  user: 'com.beacon.endpoint.collector.user',
  system: 'com.beacon.endpoint.collector',
};
export const SYSTEMD_UNIT = 'beacon-collector.service';

export interface ServiceSpec {
  mode: Mode;
  /** argv of the collector, e.g. ['/opt/beacon/bin/beacon', 'endpoint', 'run', '--system'] */
  programArguments: string[];
  stdoutPath: string;
  stderrPath: string;
  env?: Record<string, string>;
}

function xml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function launchdPlist(spec: ServiceSpec): string {
  const args = spec.programArguments.map((a) => `    <string>${xml(a)}</string>`).join('\n');
  const env = Object.entries(spec.env ?? {})
    .map(([k, v]) => `    <key>${xml(k)}</key>\n    <string>${xml(v)}</string>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>${LAUNCHD_LABEL[spec.mode]}</string>
  <key>ProgramArguments</key>
  <array>
${args}
  </array>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <true/>
  <key>ThrottleInterval</key>
  <integer>10</integer>
  <key>ProcessType</key>
  <string>Background</string>
  <key>StandardOutPath</key>
  <string>${xml(spec.stdoutPath)}</string>
  <key>StandardErrorPath</key>
  <string>${xml(spec.stderrPath)}</string>
  <key>EnvironmentVariables</key>
  <dict>
${env}
  </dict>
</dict>
</plist>
`;
}

function systemdQuote(a: string): string {
  return /^[\w@%+=:,./-]+$/.test(a) ? a : `"${a.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export function systemdUnit(spec: ServiceSpec): string {
  const env = Object.entries(spec.env ?? {})
    .map(([k, v]) => `Environment=${systemdQuote(`${k}=${v}`)}`)
    .join('\n');
  return `[Unit]
Description=Beacon collector: local OTLP endpoint for Codex telemetry (${spec.mode} mode)
After=network.target

[Service]
Type=simple
ExecStart=${spec.programArguments.map(systemdQuote).join(' ')}
Restart=on-failure
RestartSec=5
KillSignal=SIGTERM
TimeoutStopSec=15
${env}${spec.mode === 'system' ? '\nUMask=0027' : '\nUMask=0077'}

[Install]
WantedBy=${spec.mode === 'system' ? 'multi-user.target' : 'default.target'}
`;
}
