/**
 * The harness seam (issue 13): a second agent plugs in through the Harness contract and the
 * collector's options alone. The toy harness below exists only in this test; nothing in
 * electron/collector or electron/log knows it, yet its events are normalized, redacted, given
 * ids and written next to Codex's by a real collector on a real port.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../electron/collector/collector';
import { codexHarness } from '../../electron/codex/harness';
import { startBeaconCollector } from '../../electron/plugins/collector';
import { describeHarnesses, resolveHarness, UnknownHarnessError } from '../../electron/plugins/harnesses';
import type { BeaconEvent } from '../../electron/shared/event';
import { isEventId } from '../../electron/shared/event-id';
import type { EventConsumer } from '../../electron/shared/harness';
import { toyHarness } from './toy-harness';

const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
const GITHUB_TOKEN = 'ghp_' + 'A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8';

function exportBody(): string {
  const now = String(BigInt(Date.now()) * 1_000_000n);
  return JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [attr('service.name', 'toy-agent')] },
        scopeLogs: [{ scope: { name: 'toy' }, logRecords: [{ timeUnixNano: now, body: { stringValue: `deploy with ${GITHUB_TOKEN}` }, attributes: [attr('session', 'toy-1')] }] }],
      },
      {
        resource: { attributes: [attr('service.name', 'codex_exec')] },
        scopeLogs: [
          {
            scope: { name: 'codex_otel' },
            logRecords: [
              {
                timeUnixNano: now,
                attributes: [attr('event.name', 'codex.user_prompt'), attr('conversation.id', 'codex-1'), attr('prompt', 'hello codex'), { key: 'prompt_length', value: { intValue: '11' } }],
              },
            ],
          },
        ],
      },
    ],
  });
}

async function post(port: number, body: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  await res.arrayBuffer();
  return res.status;
}

function readEvents(path: string): BeaconEvent[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as BeaconEvent);
}

describe('the harness seam', () => {
  let dir: string | undefined;
  let collector: RunningCollector | undefined;
  afterEach(async () => {
    await collector?.close();
    collector = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a second harness registered only here gets its own resources, normalized, redacted and written', async () => {
    dir = mkdtempSync(join(tmpdir(), 'beacon-seam-'));
    const logPath = join(dir, 'runtime.jsonl');
    // Detections off: the toy prompt's secret would add a finding (test/detections covers those).
    collector = await startBeaconCollector({ harnesses: [toyHarness, codexHarness], port: 0, logPath, detections: false });
    expect(await post(collector.port, exportBody())).toBe(200);
    await collector.close();
    const events = readEvents(logPath);
    expect(events.map((e) => [e.harness.name, e.event.action, e.session?.id])).toEqual([
      ['toy_agent', 'prompt.submitted', 'toy-1'],
      ['codex_cli', 'prompt.submitted', 'codex-1'],
    ]);
    // The core's guarantees hold for any harness: secrets masked, policy recorded, ids given.
    expect(readFileSync(logPath, 'utf8')).not.toContain(GITHUB_TOKEN);
    expect(events[0].prompt?.text).toContain('[REDACTED');
    expect(events[0].content?.retention).toBe('redacted');
    expect(events.every((e) => isEventId(e.event.id))).toBe(true);
    expect(new Set(events.map((e) => e.event.id)).size).toBe(2);
  });

  it('a resource no harness claims is counted and not written', async () => {
    dir = mkdtempSync(join(tmpdir(), 'beacon-seam-'));
    const logPath = join(dir, 'runtime.jsonl');
    collector = await startBeaconCollector({ harnesses: [toyHarness], port: 0, logPath, detections: false });
    expect(await post(collector.port, exportBody())).toBe(200);
    expect(collector.health().stats.resourcesUnclaimed).toBe(1);
    await collector.close();
    expect(readEvents(logPath).map((e) => e.harness.name)).toEqual(['toy_agent']);
  });

  it('consumers see every written event once, can write derived events, and report health', async () => {
    dir = mkdtempSync(join(tmpdir(), 'beacon-seam-'));
    const logPath = join(dir, 'runtime.jsonl');
    const seen: string[] = [];
    const echo: EventConsumer & { emit?: (e: BeaconEvent[]) => Promise<void> } = {
      name: 'echo',
      start(ctx) {
        this.emit = ctx.emit;
      },
      written(events) {
        for (const e of events) seen.push(`${e.event.action}:${e.event.id}`);
        const first = events[0];
        void this.emit?.([{ ...first, event: { kind: 'agent_runtime', action: 'finding.detected', category: 'finding' }, prompt: undefined, message: `seen ${first.event.id}` }]);
      },
      health: () => ({ name: 'echo', status: 'ok', seen: seen.filter((s) => !s.startsWith('watcher:')).length }),
    };
    const watcher: EventConsumer = { name: 'watcher', written: (events) => void seen.push(...events.map((e) => `watcher:${e.event.action}`)) };
    const broken: EventConsumer = {
      name: 'broken',
      written: () => {
        throw new Error('consumer bug');
      },
    };
    const warnings: string[] = [];
    collector = await startBeaconCollector({ consumers: [echo, watcher, broken], port: 0, logPath, onWarning: (m) => warnings.push(m) });
    expect(await post(collector.port, exportBody())).toBe(200);
    await new Promise((r) => setTimeout(r, 50));
    // Beacon's own pricing and detections report their health too (beside the test's consumers, which did not).
    expect(collector.health().consumers.filter((c) => c.name !== 'pricing' && c.name !== 'detections')).toEqual([{ name: 'echo', status: 'ok', seen: 1 }]);
    await collector.close();
    const events = readEvents(logPath);
    // Only Codex is registered: it claims the toy resource too, and drops its record (no
    // event.name, below WARN), so one prompt and the consumer's finding are written.
    expect(events.map((e) => e.event.action)).toEqual(['prompt.submitted', 'finding.detected']);
    expect(events[1].message).toBe(`seen ${events[0].event.id}`);
    // echo saw the written batch but not its own finding; the watcher saw both.
    expect(seen.filter((s) => !s.startsWith('watcher:'))).toEqual([`prompt.submitted:${events[0].event.id}`]);
    expect(seen.filter((s) => s.startsWith('watcher:'))).toEqual(['watcher:prompt.submitted', 'watcher:finding.detected']);
    expect(warnings.some((w) => w.includes('broken') && w.includes('consumer bug'))).toBe(true);
  });
});

describe('the harness registry', () => {
  it('resolves --harness names and aliases, and names the known harnesses for an unknown one', () => {
    expect(resolveHarness('codex').id).toBe('codex');
    expect(resolveHarness(' Codex_CLI ').id).toBe('codex');
    expect(() => resolveHarness('claude')).toThrow(UnknownHarnessError);
    expect(() => resolveHarness('claude')).toThrow(/unknown harness "claude"; supported: codex \(also codex-cli, codex_cli\)/);
    expect(describeHarnesses([toyHarness, codexHarness])).toBe('toy (also toy-agent); codex (also codex-cli, codex_cli)');
  });
});
