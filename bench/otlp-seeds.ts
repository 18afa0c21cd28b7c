/**
 * The mutation seeds of otlp-mutator.ts: real Codex captures and a synthetic trace body.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type * as protobuf from 'protobufjs';
import { otlpTypes } from '../electron/collector/otlp-schema';
import type { Seed } from './otlp-tree';

/** A small ExportTraceServiceRequest with every span part (events, links, status), for trace seeds. */
export function syntheticTraceBody(): Buffer {
  const T = otlpTypes().ExportTraceServiceRequest;
  const id16 = Buffer.from('0af7651916cd43dd8448eb211c80319c', 'hex');
  const id8 = Buffer.from('b7ad6b7169203331', 'hex');
  const msg = T.fromObject({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'codex_exec' } }] },
        scopeSpans: [
          {
            scope: { name: 'codex', version: '0.169.0' },
            spans: [
              {
                traceId: id16,
                spanId: id8,
                parentSpanId: id8,
                name: 'handle_responses',
                kind: 1,
                startTimeUnixNano: '1764000000000000000',
                endTimeUnixNano: '1764000000500000000',
                attributes: [
                  { key: 'model', value: { stringValue: 'gpt-5-codex' } },
                  { key: 'tokens', value: { intValue: '1234' } },
                  { key: 'ok', value: { boolValue: true } },
                  { key: 'list', value: { arrayValue: { values: [{ stringValue: 'a' }, { doubleValue: 1.5 }] } } },
                ],
                events: [{ timeUnixNano: '1764000000100000000', name: 'first_token', attributes: [{ key: 'n', value: { intValue: '1' } }] }],
                links: [{ traceId: id16, spanId: id8, traceState: 'k=v', attributes: [] }],
                status: { code: 1, message: 'ok' },
              },
            ],
          },
        ],
      },
    ],
  });
  return Buffer.from(T.encode(msg).finish());
}

/** The first `n` records of a logs export, re-encoded (the rest of the export unchanged). */
function firstRecords(body: Buffer, n: number): Buffer {
  const L = otlpTypes().ExportLogsServiceRequest;
  const req = L.decode(body) as unknown as { resourceLogs: Array<{ scopeLogs: Array<{ logRecords: unknown[] }> }> };
  let left = n;
  for (const rl of req.resourceLogs) {
    for (const sl of rl.scopeLogs) {
      sl.logRecords = sl.logRecords.slice(0, Math.max(0, left));
      left -= sl.logRecords.length;
    }
  }
  return Buffer.from(L.encode(req as unknown as protobuf.Message).finish());
}

/**
 * The real Codex captures as mutation seeds: two log exports, the first 60 records of a streamed
 * answer (mostly per-delta records the filter drops: the reader's skip path; the whole 376-record
 * export would make every mutation 8x dearer), the metrics export, and a synthetic trace body.
 */
export function loadSeeds(fixtures: string): Seed[] {
  const M = otlpTypes().ExportMetricsServiceRequest;
  const metricsJson = JSON.parse(readFileSync(join(fixtures, 'codex-0.169.0/metrics-otlp-http-json.trimmed.json'), 'utf8'));
  const metrics = Buffer.from(M.encode(M.fromObject(metricsJson)).finish());
  return [
    { signal: 'logs', body: readFileSync(join(fixtures, 'codex-0.169.0/logs-otlp-http-protobuf.bin')) },
    { signal: 'logs', body: readFileSync(join(fixtures, 'codex-0.169.0-scenario/logs.bin')) },
    { signal: 'logs', body: firstRecords(readFileSync(join(fixtures, 'codex-0.169.0-streaming/logs.bin')), 60) },
    { signal: 'metrics', body: metrics },
    { signal: 'traces', body: syntheticTraceBody() },
  ];
}
