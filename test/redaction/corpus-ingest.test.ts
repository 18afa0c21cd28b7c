/**
 * The redaction corpus through the real ingest path: a real collector process
 * (`beacon endpoint run`, built CLI) on a free loopback port, real OTLP/HTTP protobuf requests,
 * the real runtime.jsonl, grepped afterwards. Every secret of corpus/secrets.json (and of
 * $BEACON_REDACTION_CORPUS) is placed in a prompt, tool arguments, tool output, an agent
 * response, a custom record attribute, a nested kvlist, an array and a resource attribute:
 * no piece of it may reach the file under any policy. Under `metadata`, no free text may reach
 * it at all. Every ordinary string of corpus/ordinary.json must come through `full` unchanged.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { otlpTypes } from '../../electron/collector/otlp-schema';
import type { ContentPolicy } from '../../electron/shared/event';
import { requireBuiltCli, startEndpointRun, type RunningCli } from '../support/beacon-cli';
import { scrubbedEnv } from '../support/test-env';
import { findLeak, ordinaryCases, secretCases, unicodeEscaped, type SecretCase } from './corpus';

type OtlpValue = { stringValue?: string; intValue?: number; boolValue?: boolean; arrayValue?: { values: OtlpValue[] }; kvlistValue?: { values: OtlpKv[] } };
type OtlpKv = { key: string; value: OtlpValue };

const str = (s: string): OtlpValue => ({ stringValue: s });
const kv = (key: string, value: OtlpValue): OtlpKv => ({ key, value });
/** Appended to every free-text placement: under `metadata` it must never reach the file. */
const SENTINEL = 'zq-free-text-sentinel';

function common(conversation: string): OtlpKv[] {
  return [
    kv('event.timestamp', str('2026-12-01T10:00:00.000Z')),
    kv('conversation.id', str(conversation)),
    kv('app.version', str('0.169.0')),
    kv('originator', str('codex_exec')),
    kv('model', str('gpt-5-codex')),
  ];
}

function record(name: string, conversation: string, attrs: OtlpKv[]) {
  return { timeUnixNano: '0', observedTimeUnixNano: '1795498520604637030', severityNumber: 9, severityText: 'INFO', attributes: [kv('event.name', str(name)), ...common(conversation), ...attrs] };
}

/** Tool-call arguments as Codex sends them: JSON text; an `escape: unicode` case as a real JSON \u escape. */
function argumentsJson(c: SecretCase): string {
  const json = JSON.stringify({ cmd: `${c.text} # ${SENTINEL}`, workdir: '/repo' });
  if (c.escape !== 'unicode') return json;
  const inJson = JSON.stringify(c.secret).slice(1, -1);
  return json.split(inJson).join(unicodeEscaped(inJson, inJson));
}

/** One ResourceLogs per case: its resource carries the secret too. */
function resourceLogs(c: SecretCase, i: number) {
  const text = c.escape === 'unicode' ? unicodeEscaped(c.text, c.secret) : c.text;
  const free = `${text} ${SENTINEL}`;
  const conv = `01a20c0d-3016-7772-bb1a-${String(i).padStart(12, '0')}`;
  return {
    resource: { attributes: [kv('service.name', str('codex_exec')), kv('service.version', str('0.169.0')), kv('deployment.note', str(free))] },
    scopeLogs: [
      {
        scope: { name: 'codex_otel.log_only', version: '' },
        logRecords: [
          record('codex.user_prompt', conv, [kv('prompt', str(free)), kv('prompt_length', str(String(free.length)))]),
          record('codex.tool_result', conv, [
            kv('tool_name', str('exec_command')),
            kv('call_id', str(`call_${i}`)),
            kv('arguments', str(argumentsJson(c))),
            kv('duration_ms', str('12')),
            kv('success', str('true')),
            kv('output', str(`Chunk ID: 1\nWall time: 0.01 seconds\nProcess exited with code 0\nOutput:\n${free}\n`)),
          ]),
          record('codex.agent_response', conv, [kv('response', str(free)), kv('response_length', { intValue: free.length })]),
          record('codex.tool_decision', conv, [
            kv('tool_name', str('exec_command')),
            kv('call_id', str(`call_${i}`)),
            kv('decision', str('approved')),
            kv('source', str('Config')),
            kv('beacon.test.custom', str(free)),
            kv('beacon.test.kvlist', { kvlistValue: { values: [kv('inner', { kvlistValue: { values: [kv('note', str(free)), kv('n', { intValue: 1 })] } })] } }),
            kv('beacon.test.array', { arrayValue: { values: [str('first'), str(free), { intValue: 3 }] } }),
          ]),
        ],
      },
    ],
  };
}

function encode(resourceLogsList: unknown[]): Buffer {
  const t = otlpTypes().ExportLogsServiceRequest;
  return Buffer.from(t.encode(t.fromObject({ resourceLogs: resourceLogsList })).finish());
}

async function post(port: number, body: Buffer): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${port}/v1/logs`, { method: 'POST', headers: { 'content-type': 'application/x-protobuf' }, body: new Uint8Array(body) });
  expect(res.status).toBe(200);
}

interface Run {
  dir: string;
  log: string;
  collector: RunningCli;
}

async function startCollector(policy: ContentPolicy): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), `beacon-corpus-${policy}-`));
  const log = join(dir, 'logs', 'runtime.jsonl');
  const collector = await startEndpointRun(['--log-path', log, '--content', policy], { ...scrubbedEnv(), HOME: dir });
  return { dir, log, collector };
}

const cases = secretCases();
const ordinary = ordinaryCases();
const RECORDS_PER_CASE = 4;

describe.each(['redacted', 'metadata', 'full'] as const)('the corpus through a real collector, content policy %s', (policy) => {
  let run: Run;
  let written = '';
  let events: Record<string, unknown>[] = [];

  beforeAll(async () => {
    requireBuiltCli();
    run = await startCollector(policy);
    for (let i = 0; i < cases.length; i += 8) {
      await post(run.collector.port, encode(cases.slice(i, i + 8).map((c, j) => resourceLogs(c, i + j))));
    }
    await run.collector.stop();
    written = readFileSync(run.log, 'utf8');
    events = written.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  }, 60_000);

  afterAll(async () => {
    await run?.collector.stop();
    if (run) rmSync(run.dir, { recursive: true, force: true });
  });

  it(`wrote every record of the ${cases.length} cases`, () => {
    expect(cases.length).toBeGreaterThanOrEqual(80);
    // Detections add finding.detected events (secrets in prompts and outputs): derived, not records.
    expect(events.filter((e) => (e.event as { action: string }).action !== 'finding.detected').length).toBe(cases.length * RECORDS_PER_CASE);
  });

  it('lets no piece of any secret reach runtime.jsonl, in any placement', () => {
    const leaks = cases.map((c) => ({ id: c.id, leak: findLeak(written, c.secret) })).filter((l) => l.leak !== undefined);
    expect(leaks).toEqual([]);
  });

  if (policy === 'metadata') {
    it('keeps no free text anywhere: not in typed fields, custom attributes, kvlists, arrays or resource attributes', () => {
      expect(written).not.toContain(SENTINEL);
      const decision = events.find((e) => (e.event as { action: string }).action === 'approval.allowed')!;
      const attrs = (decision.raw as { attributes: Record<string, unknown> }).attributes;
      for (const k of ['beacon.test.custom', 'beacon.test.kvlist', 'beacon.test.array', 'deployment.note']) expect(attrs).not.toHaveProperty(k);
      const withheld = (decision.content as { withheld: Record<string, { length: number; sha256: string }> }).withheld;
      expect(Object.keys(withheld).sort()).toEqual(['raw.attributes.beacon.test.array', 'raw.attributes.beacon.test.custom', 'raw.attributes.beacon.test.kvlist', 'raw.attributes.deployment.note']);
      expect(withheld['raw.attributes.beacon.test.custom'].sha256).toMatch(/^[0-9a-f]{64}$/);
      // Metadata stays: names, ids, decisions.
      expect(attrs).toMatchObject({ tool_name: 'exec_command', decision: 'approved', 'service.name': 'codex_exec', model: 'gpt-5-codex' });
    });
  } else {
    it('keeps the text around the secrets, with markers naming the kind', () => {
      expect(written).toContain(SENTINEL);
      const prompts = events.filter((e) => (e.event as { action: string }).action === 'prompt.submitted');
      const byText = (needle: string) => prompts.find((e) => ((e.prompt as { text: string }).text ?? '').includes(needle));
      expect(byText('charge with [REDACTED:stripe-key] today')).toBeDefined();
      expect(byText('DB_PASS=[REDACTED] npm run migrate')).toBeDefined();
    });
  }
});

describe('ordinary strings through a real collector (content policy full)', () => {
  let run: Run;
  let events: Record<string, unknown>[] = [];

  beforeAll(async () => {
    requireBuiltCli();
    run = await startCollector('full');
    const list = ordinary.map((o, i) => ({
      resource: { attributes: [kv('service.name', str('codex_exec'))] },
      scopeLogs: [{ scope: { name: 'codex_otel.log_only', version: '' }, logRecords: [record('codex.user_prompt', `01a20c0d-3016-7772-bb1a-${String(i).padStart(12, '0')}`, [kv('prompt', str(o.text)), kv('beacon.test.custom', str(o.text))])] }],
    }));
    await post(run.collector.port, encode(list));
    await run.collector.stop();
    events = readFileSync(run.log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  }, 60_000);

  afterAll(async () => {
    await run?.collector.stop();
    if (run) rmSync(run.dir, { recursive: true, force: true });
  });

  it('leaves every one exactly as it was (no false positive)', () => {
    expect(events).toHaveLength(ordinary.length);
    const changed = ordinary
      .map((o, i) => ({ id: o.id, prompt: (events[i].prompt as { text: string }).text, attr: (events[i].raw as { attributes: Record<string, string> }).attributes['beacon.test.custom'], original: o.text }))
      .filter((r) => r.prompt !== r.original || r.attr !== r.original);
    expect(changed).toEqual([]);
    expect(events.every((e) => (e.content as { redacted: boolean }).redacted === false)).toBe(true);
  });
});
