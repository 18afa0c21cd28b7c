/** Shared by the forwarding tests: real log files written by the real writer, and waiting. */
import { readFileSync } from 'node:fs';
import { listLogFiles } from '../../electron/log/rotation';
import type { RuntimeLogWriter } from '../../electron/log/writer';
import { newEventId } from '../../electron/shared/event-id';
import type { BeaconEvent } from '../../electron/shared/event';

export function makeEvent(i: number, extra: Partial<BeaconEvent> = {}): BeaconEvent {
  return {
    timestamp: new Date(Date.UTC(2026, 11, 1, 10, 0, 0) + i).toISOString(),
    vendor: 'beacon',
    product: 'endpoint-agent',
    schema_version: '1.0',
    event: { kind: 'agent_runtime', action: 'command.executed', category: 'command', id: newEventId() },
    severity: 'info',
    endpoint: { os: 'linux', hostname: 'test-host', agent_version: '0.1.0' },
    harness: { name: 'codex_cli', version: '0.169.0' },
    session: { id: '0199aaaa-bbbb-7ccc-8ddd-000000000001', working_directory: '/work' },
    user: { name: 'dev' },
    command: { command: `echo ${i} ${'x'.repeat(i % 50)}`, exit_code: 0, success: true },
    content: { retention: 'redacted', redacted: false, truncated: false },
    ...extra,
  };
}

/** Append events in batches; `afterAppend` runs after each, as the collector calls its consumers. */
export async function writeEvents(writer: RuntimeLogWriter, from: number, count: number, perAppend = 25, afterAppend?: () => void): Promise<void> {
  for (let i = from; i < from + count; i += perAppend) {
    const n = Math.min(perAppend, from + count - i);
    await writer.append(Array.from({ length: n }, (_, k) => makeEvent(i + k)));
    afterAppend?.();
  }
}

/** Every event in the log and its archives, oldest first. */
export async function localEvents(logPath: string): Promise<BeaconEvent[]> {
  const out: BeaconEvent[] = [];
  for (const f of await listLogFiles(logPath)) {
    for (const line of readFileSync(f, 'utf8').split('\n')) if (line.trim()) out.push(JSON.parse(line) as BeaconEvent);
  }
  return out;
}

export async function waitFor(what: string, cond: () => boolean | Promise<boolean>, timeoutMs = 20_000, everyMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
