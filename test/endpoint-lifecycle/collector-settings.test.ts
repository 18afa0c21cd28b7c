/**
 * How Beacon compares a running collector (its /healthz) with config.json, who may restart it,
 * and what it tells the user when it may not: the pure rules behind status's collector_settings
 * check and install/repair's restart (the process-level behaviour is in policy-change.test.ts).
 */
import { describe, expect, it } from 'vitest';
import type { CollectorHealth } from '../../electron/collector/collector';
import { collectorSettingsDiff, managedBy, restartAdvice } from '../../electron/endpoint/lifecycle-collector';

const health = (over: Partial<CollectorHealth> = {}): CollectorHealth =>
  ({ service: 'beacon-collector', version: '0', pid: 100, mode: 'user', log_path: '/h/.beacon/endpoint/logs/runtime.jsonl', started_at: '', port: 4318, include_spans: false, content: 'redacted', status: 'ok', paused: false, write: { status: 'ok' }, stats: {} as CollectorHealth['stats'], ...over }) as CollectorHealth;
const want = { port: 4318, runtime_log: '/h/.beacon/endpoint/logs/runtime.jsonl', content: 'redacted' as const, include_codex_spans: false };

describe('collectorSettingsDiff', () => {
  it('is empty when the collector runs as configured, and names each setting that differs', () => {
    expect(collectorSettingsDiff(health(), want)).toEqual([]);
    expect(collectorSettingsDiff(health({ content: 'full', include_spans: true, port: 5000, log_path: '/other.jsonl' }), want)).toEqual([
      'port 5000, config.json says 4318',
      'log /other.jsonl, config.json says /h/.beacon/endpoint/logs/runtime.jsonl',
      'content full, config.json says redacted',
      'spans kept, config.json says dropped',
    ]);
  });
});

describe('managedBy', () => {
  const manifest = { collector: { pid: 100, port: 4318, log_path: want.runtime_log, started_at: '', started_by: 'install' as const }, service: null, runtime_log: want.runtime_log };
  it("the manifest's pid and log: the collector install started; a service install: the service's; else nobody's", () => {
    expect(managedBy(health(), manifest)).toBe('detached');
    expect(managedBy(health({ pid: 101 }), manifest)).toBeNull();
    expect(managedBy(health({ pid: 101 }), { ...manifest, collector: null, service: { kind: 'systemd', name: 'beacon-collector', file: '/u' } })).toBe('service');
    expect(managedBy(health({ pid: 101, log_path: '/elsewhere.jsonl' }), { ...manifest, service: { kind: 'systemd', name: 'beacon-collector', file: '/u' } })).toBeNull();
    expect(managedBy(health(), null)).toBeNull();
  });
});

describe('restartAdvice', () => {
  it("names the package's LaunchDaemon on macOS, else the app or the pid, with the mode's repair", () => {
    expect(restartAdvice({ pid: 7, mode: 'system' }, 'system', 'darwin')).toBe('restart it: `sudo launchctl kickstart -k system/com.beacon.endpoint.collector` (the package\'s LaunchDaemon)');
    expect(restartAdvice({ pid: 7, mode: 'user' }, 'user', 'linux')).toBe('restart it: quit and reopen the Beacon app, or stop pid 7 and run `beacon endpoint repair`');
    expect(restartAdvice({ pid: 7, mode: 'system' }, 'system', 'linux')).toBe('restart it: quit and reopen the Beacon app, or stop pid 7 and run `sudo beacon endpoint repair --system`');
  });
});
