/**
 * The real Codex 0.169.0 OTLP/HTTP protobuf log bodies the ingest benchmark replays: one
 * captured export (20 records) and a whole 4-turn `codex exec` run (38 records). Record counts
 * are taken by decoding them, so a changed fixture can never silently skew records/s.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { otlpTypes } from '../electron/collector/otlp-schema';
import { FIXTURES } from './paths';

export interface Payload {
  name: string;
  body: Buffer;
  records: number;
}

export function countLogRecords(body: Uint8Array): number {
  const req = otlpTypes().ExportLogsServiceRequest.decode(body) as unknown as {
    resourceLogs: Array<{ scopeLogs: Array<{ logRecords: unknown[] }> }>;
  };
  let n = 0;
  for (const rl of req.resourceLogs) for (const sl of rl.scopeLogs) n += sl.logRecords.length;
  return n;
}

/**
 * A real Codex 0.169.0 export whose final answer was streamed a few characters per delta, as real
 * models stream over HTTP: 376 records, most of them per-delta `codex.sse_event` transport records
 * that Beacon drops (test/harness/codex-streaming.test.ts made it; see its fixture README).
 */
export function loadStreamingPayload(): Payload {
  const body = readFileSync(join(FIXTURES, 'codex-0.169.0-streaming/logs.bin'));
  return { name: 'streamed answer (376 rec)', body, records: countLogRecords(body) };
}

export function loadCodexPayloads(): Payload[] {
  const files = [
    ['codex-0.169.0/logs-otlp-http-protobuf.bin', 'export (20 rec)'],
    ['codex-0.169.0-scenario/logs.bin', 'exec run (38 rec)'],
  ] as const;
  return files.map(([file, name]) => {
    const body = readFileSync(join(FIXTURES, file));
    return { name, body, records: countLogRecords(body) };
  });
}
