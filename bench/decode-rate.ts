/**
 * The baseline of the ingest benchmark: how many log records per second this machine decodes
 * from the same Codex payloads with nothing else going on. The design's baseline is the bare
 * protobufjs decode (`ExportLogsServiceRequest.decode`); the collector's own hand-written
 * wire reader is measured too, for information.
 */
import { otlpTypes } from '../electron/collector/otlp-schema';
import { readExportLogsRequest } from '../electron/collector/protobuf-logs-reader';
import type { Payload } from './payloads';
import { msSince } from './stats';

export interface RateResult {
  recordsPerS: number;
  records: number;
  ms: number;
}

/** Calls `decode` on the payloads round-robin for `warmupMs` (uncounted), then for `durationMs`. */
export function measureDecodeRate(payloads: readonly Payload[], decode: (body: Buffer) => unknown, warmupMs: number, durationMs: number): RateResult {
  let sink = 0;
  const loop = (ms: number): { records: number; ms: number } => {
    const start = process.hrtime.bigint();
    let records = 0;
    let i = 0;
    // Check the clock every 32 decodes: cheap, and a single decode is ~tens of microseconds.
    for (;;) {
      for (let j = 0; j < 32; j++, i++) {
        const p = payloads[i % payloads.length];
        const out = decode(p.body);
        if (out) sink++;
        records += p.records;
      }
      const elapsed = msSince(start);
      if (elapsed >= ms || i >= 50_000_000) return { records, ms: elapsed };
    }
  };
  loop(warmupMs);
  const { records, ms } = loop(durationMs);
  if (sink < 0) throw new Error('unreachable'); // keeps the decode results observable
  return { recordsPerS: (records / ms) * 1000, records, ms };
}

export const protobufjsDecode = (body: Buffer): unknown => otlpTypes().ExportLogsServiceRequest.decode(body);
export const beaconWireDecode = (body: Buffer): unknown => readExportLogsRequest(body);
