/**
 * The CI step summary tells the same truth as the dashboard (issue 12 items 1 and 8), from the
 * real Codex 0.169.0 failed-patch capture: one file changed, two patches not applied, and the
 * token row ends with the figure Codex printed for that run ("tokens used 3,680").
 */
import { createPricing } from '../../electron/pricing/enricher';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeOtlpProtobuf } from '../../electron/collector/decode-protobuf';
import { renderSummaryMarkdown, summarizeEvents } from '../../electron/ci/summary';
import type { ValidationResult } from '../../electron/ci/validate';
import type { BeaconEvent } from '../../electron/shared/event';
import { normalizer } from '../codex-normalizer/helpers';

function captureEvents(): BeaconEvent[] {
  const req = decodeOtlpProtobuf('logs', readFileSync(join(__dirname, '..', 'fixtures', 'codex-0.169.0-failed-patch', 'logs.bin')));
  if (req.signal !== 'logs') throw new Error('expected logs');
  return normalizer().normalizeLogs(req.resourceLogs);
}

describe('CI summary of a run with failed patches', () => {
  const events = captureEvents();
  const summary = summarizeEvents(events);
  const validation = { status: 'ok', exitCode: 0, logPath: '/tmp/runtime.jsonl', stages: [], events, codexEvents: events.length, minEvents: 1, badLines: [] } as ValidationResult;
  const md = renderSummaryMarkdown({ summary, validation, run: {}, requireTelemetry: true });

  it('counts the file Codex changed, not the patches it refused', () => {
    expect(summary.files).toEqual([{ path: 'src/hello.ts', operation: 'add' }]);
    expect(summary.patches_failed).toBe(2);
    expect(summary.tools.failed).toBe(0);
    expect(md).toContain('| Files changed | 1 |');
    expect(md).toContain('| Patches Codex did not apply | 2 |');
  });

  it("ends the token row with Codex's own 'tokens used' figure", () => {
    expect(md).toContain('| Input (not cached) | Cached input | Output (excl. reasoning) | Reasoning | Total (incl. cached) | Codex “tokens used” (total − cached) |');
    expect(md).toContain('| 3,500 | 6,400 | 140 | 40 | 10,080 | 3,680 |');
  });

  it('does not count the file.modified an older Beacon wrote for a failed patch', () => {
    const legacy = (path: string): BeaconEvent => ({ ...events[0], event: { kind: 'agent_runtime', action: 'file.modified', category: 'file' }, file: { path, operation: 'update' }, tool: { name: 'apply_patch', call_id: 'old', success: false } });
    const s = summarizeEvents([...events, legacy('a.ts'), legacy('b.ts')]);
    expect(s.files.map((f) => f.path)).toEqual(['src/hello.ts']);
    expect(s.patches_failed).toBe(3);
  });
});

describe('CI summary cost line', () => {
  const validation = { status: 'ok', exitCode: 0, logPath: '/tmp/runtime.jsonl', stages: [], events: [], codexEvents: 0, minEvents: 1, badLines: [] } as unknown as ValidationResult;

  it('states the estimated cost with its price source, and names what could not be priced', async () => {
    const events = captureEvents();
    const priced = events.filter((e) => e.event.action === 'token.usage').slice(0, 2);
    const unknown = structuredClone(priced[0]);
    unknown.gen_ai!.request = { model: 'gpt-6.1-sol' };
    (await createPricing()).enrich([...priced, unknown]);
    const summary = summarizeEvents([...events.filter((e) => e.event.action !== 'token.usage'), ...priced, unknown]);
    const usd = priced.reduce((n, e) => n + e.cost!.usd!, 0);
    expect(summary.cost).toMatchObject({ priced_events: 2, unpriced_events: 1, unpriced_models: ['gpt-6.1-sol'] });
    const md = renderSummaryMarkdown({ summary, validation, run: {}, requireTelemetry: true });
    expect(md).toMatch(new RegExp(`Estimated cost: \\*\\*at least \\$${(usd >= 0.01 ? usd.toFixed(2) : String(Number(usd.toPrecision(2)))).replace('.', '\\.')}\\*\\* at genai-prices [\\d.]+, \\d{4}-\\d\\d-\\d\\d prices; price unknown for model \`gpt-6\\.1-sol\` \\(1 response not included\\)\\. An estimate, not a bill\\.`));
  });

  it('says nothing about cost for events written before Beacon priced them', () => {
    const md = renderSummaryMarkdown({ summary: summarizeEvents(captureEvents()), validation, run: {}, requireTelemetry: true });
    expect(md).not.toContain('Estimated cost');
  });
});
