/**
 * `beacon endpoint test-event` believes a collector's /healthz only for logs Beacon's own
 * configuration names (issue 11.7): a real collector claiming another log gets no test event.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunningCollector } from '../../electron/collector/collector';
import { startBeaconCollector as startCollector } from '../../electron/plugins/collector';
import { sendTestEvent } from '../../electron/endpoint/test-event';

let dir = '';
let collector: RunningCollector | undefined;
afterEach(async () => {
  await collector?.close();
  collector = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('test-event and the collector it trusts', () => {
  it('sends nothing to a collector whose log no Beacon configuration names, and says so', async () => {
    dir = mkdtempSync(join(tmpdir(), 'beacon-test-event-'));
    const claimed = join(dir, 'other', 'runtime.jsonl');
    collector = await startCollector({ port: 0, logPath: claimed });
    const r = await sendTestEvent(collector.port, { trustedLogs: [join(dir, 'named', 'runtime.jsonl')], timeoutMs: 2000 });
    expect(r.ok).toBe(false);
    expect(r.error).toContain(`says it is a Beacon collector writing ${JSON.stringify(claimed)}, which no Beacon configuration names`);
    expect(r.log_path).toBeUndefined();
    expect(readFileSync(claimed, 'utf8')).toBe('');
  });

  it('sends to it and finds the event when its log is the named one', async () => {
    dir = mkdtempSync(join(tmpdir(), 'beacon-test-event-'));
    const named = join(dir, 'named', 'runtime.jsonl');
    collector = await startCollector({ port: 0, logPath: named });
    const r = await sendTestEvent(collector.port, { trustedLogs: [named], timeoutMs: 5000 });
    expect(r.ok, r.error).toBe(true);
    expect(readFileSync(named, 'utf8')).toContain(r.id);
  });
});
