/**
 * Issue 12: what the sessions API says must be true. Files count only when they changed (a failed
 * patch, in today's form or the file.modified older Beacon wrote, is not a change); Beacon's own
 * validation events are flagged, not passed off as a Codex session; each session carries its
 * first prompt (how people tell sessions apart); tokens carry the figure Codex prints.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LogReader } from '../../electron/log/reader';
import type { BeaconEvent } from '../../electron/shared/event';
import { baseEvent, toJsonl } from './make-events';
import { tempDir } from './helpers';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function indexOf(events: BeaconEvent[]) {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const log = join(t.dir, 'runtime.jsonl');
  writeFileSync(log, toJsonl(events));
  const reader = await LogReader.open({ logPath: log, follow: false });
  return reader.index;
}

const SID = '019a0000-0000-7000-8000-0000000000aa';
let t = Date.UTC(2026, 11, 3, 9, 0, 0);
const at = () => (t += 1000);

function ev(action: string, category: string, extra: Partial<BeaconEvent> = {}, sid = SID): BeaconEvent {
  return { ...baseEvent(action, category, at(), sid), ...extra };
}

describe('session rollups tell the truth', () => {
  it('counts only files that really changed: not a failed patch, in either form', async () => {
    const idx = await indexOf([
      ev('session.started', 'session'),
      // Today's form of a failed patch.
      ev('tool.failed', 'tool', { tool: { name: 'apply_patch', path: 'src/hello.ts', success: false }, patch: { files: [{ path: 'src/hello.ts', operation: 'update' }] }, error: { type: 'file_not_found', message: 'the file to update does not exist' } }),
      // What Beacon wrote for a failed two-file patch before: one file.modified per file, tool.success false.
      ev('file.modified', 'file', { file: { path: 'src/legacy.ts', operation: 'update' }, tool: { name: 'apply_patch', call_id: 'c-legacy', path: 'src/legacy.ts', success: false } }),
      ev('file.modified', 'file', { file: { path: 'src/legacy2.ts', operation: 'add' }, tool: { name: 'apply_patch', call_id: 'c-legacy', path: 'src/legacy2.ts', success: false } }),
      ev('file.modified', 'file', { file: { path: 'src/real.ts', operation: 'add' }, tool: { name: 'apply_patch', path: 'src/real.ts', success: true } }),
    ]);
    const [s] = idx.sessions();
    expect(s.files_changed).toBe(1);
    expect(s.patches_failed).toBe(2);
    expect(s.errors).toBe(2);
    // Searching for the path finds the failure.
    expect(idx.query({ q: 'hello.ts', limit: 10 }).records.map((r) => r.event.event.action)).toEqual(['tool.failed']);
  });

  it("flags Beacon's test-event session as validation and keeps the first prompt of each session", async () => {
    const validation = ev('otel.beacon.validation', 'other', { harness: { name: 'codex_cli', originator: 'beacon_test_event' } }, 'beacon-validation-1234');
    const idx = await indexOf([
      ev('session.started', 'session'),
      ev('prompt.submitted', 'prompt', { prompt: { text: 'Fix the\n  flaky test ' + 'x'.repeat(300) } }),
      ev('prompt.submitted', 'prompt', { prompt: { text: 'second prompt' } }),
      validation,
    ]);
    const byId = new Map(idx.sessions().map((s) => [s.id, s]));
    expect(byId.get('beacon-validation-1234')).toMatchObject({ beacon_validation: true, first_prompt: null });
    const codex = byId.get(SID)!;
    expect(codex.beacon_validation).toBe(false);
    expect(codex.first_prompt?.startsWith('Fix the flaky test xxx')).toBe(true);
    expect(codex.first_prompt).toHaveLength(160);
    expect(codex.first_prompt?.endsWith('…')).toBe(true);
  });

  it("adds up Codex's own \"tokens used\" (input - cached + output in Codex's terms) beside the disjoint parts", async () => {
    // Codex reported input 1000 (cached 400) and output 60 (reasoning 10): it prints 660.
    const usage = { input_tokens: 600, cached_input_tokens: 400, output_tokens: 50, reasoning_output_tokens: 10, total_tokens: 1060 };
    const idx = await indexOf([ev('token.usage', 'usage', { gen_ai: { usage } }), ev('token.usage', 'usage', { gen_ai: { usage } })]);
    expect(idx.sessions()[0].tokens).toEqual({ input: 1200, cached_input: 800, output: 100, reasoning: 20, total: 2120, codex_tokens_used: 1320 });
    expect(idx.tokens('hour').totals.codex_tokens_used).toBe(1320);
  });
});
