/**
 * Strict OTLP protobuf decoding, case by case: what protobuf calls malformed is refused by the
 * logs reader (kept and dropped records alike) and by the metrics/traces walker, and what is
 * merely unusual (unknown fields, padded lengths, a real U+FFFD, packed or unpacked numbers, 100
 * levels of nesting) still decodes. Each case is also put to the test oracle
 * (test/support/otlp-oracle.ts) so the fuzz test's verdicts rest on the same rules.
 */
import { describe, expect, it } from 'vitest';
import { decodeOtlpProtobuf } from '../../electron/collector/decode-protobuf';
import { DecodeError } from '../../electron/collector/decode-shared';
import { validateOtlpProtobuf } from '../../electron/collector/protobuf-validate';
import { CODEX_LOG_RECORD_FILTER } from '../../electron/codex/normalizer';
import { nestedAnyValue, varintBytes } from '../../bench/otlp-mutator';
import { oracleRejects } from '../support/otlp-oracle';
import type { LogRecord } from '../../electron/shared/otlp-types';

type Bytes = Buffer | number[];
const B = (x: Bytes): Buffer => (Buffer.isBuffer(x) ? x : Buffer.from(x));
const cat = (...parts: Bytes[]): Buffer => Buffer.concat(parts.map(B));
/** A length-delimited field. */
const ld = (field: number, ...parts: Bytes[]): Buffer => {
  const content = cat(...parts);
  return cat(varintBytes((field << 3) | 2), varintBytes(content.length), content);
};
const s = (field: number, text: string | Bytes): Buffer => ld(field, typeof text === 'string' ? Buffer.from(text, 'utf8') : B(text));
const anyString = (text: string | Bytes) => s(1, text);
const attr = (field: number, key: string | Bytes, value: Buffer) => ld(field, s(1, key), ld(2, value));
/** ExportLogsServiceRequest > ResourceLogs > ScopeLogs > the given LogRecords (each a list of fields). */
const logsRequest = (...records: Buffer[]) => ld(1, ld(2, ld(1, s(1, 'codex_otel')), ...records.map((r) => ld(2, r))));
/** A record the Codex filter keeps (a prompt), with extra fields. */
const kept = (...fields: Bytes[]) => cat(attr(6, 'event.name', anyString('codex.user_prompt')), attr(6, 'prompt', anyString('hello')), ...fields);
/** A record the Codex filter drops unread (INFO, no event.name), with extra fields. */
const dropped = (...fields: Bytes[]) => cat([0x10, 9], attr(6, 'note', anyString('chunk')), ...fields);

function decodeLogs(body: Buffer): LogRecord[] {
  const d = decodeOtlpProtobuf('logs', body, CODEX_LOG_RECORD_FILTER);
  if (d.signal !== 'logs') throw new Error('not logs');
  return d.resourceLogs.flatMap((r) => r.scopeLogs.flatMap((sl) => sl.logRecords));
}

const MALFORMED_FIELDS: Array<[string, Buffer]> = [
  ['a group (wire type 3 ... 4) as an unknown field', cat(varintBytes((40 << 3) | 3), [0x08, 0x01], varintBytes((40 << 3) | 4))],
  ['a lone end-group tag', cat(varintBytes((40 << 3) | 4))],
  ['wire type 7', cat(varintBytes((40 << 3) | 7), [0x01])],
  ['field number 0', cat([0x00, 0x01])],
  ['field number 0 as a length-delimited field', cat([0x02, 0x01, 0x41])],
  ['invalid UTF-8 in an attribute value', attr(6, 'k', anyString([0x61, 0xff]))],
  ['invalid UTF-8 in an attribute key', attr(6, [0x6b, 0xc0, 0x80], anyString('v'))],
  ['a UTF-16 surrogate encoded in UTF-8', attr(6, 'k', anyString([0xed, 0xa0, 0x80]))],
  ['invalid UTF-8 in severity_text', s(3, [0xe2, 0x82])],
  ['invalid UTF-8 in event_name', s(12, [0x80])],
  ['a known field with the wrong wire type (severity_number as fixed32)', cat([0x15, 1, 0, 0, 0])],
  ['a known field with the wrong wire type (time_unix_nano as a varint)', cat([0x08, 0x01])],
  ['an attribute value sent as a varint', ld(6, s(1, 'k'), [0x10, 0x01])],
  ['a 32-bit varint of 7 bytes (severity_number)', cat([0x10, 0x89, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00])],
  ['a varint longer than 10 bytes', cat([0x38], Buffer.alloc(10, 0xff), [0x01])],
  ['a 10-byte varint that overflows 64 bits (int_value)', attr(6, 'n', cat([0x18], Buffer.alloc(9, 0xff), [0x02]))],
  ['a string cut short by its record', cat([0x1a, 0x7f, 0x41])],
  ['a fixed64 cut short by its record', cat([0x09, 1, 2, 3])],
  ['a length prefix of 4 GiB', cat([0x1a, 0xff, 0xff, 0xff, 0xff, 0x0f])],
  ['a length prefix longer than 5 bytes', cat([0x1a, 0x81, 0x80, 0x80, 0x80, 0x80, 0x00, 0x41])],
  ['a truncated varint at the end of the record', cat([0x38, 0xff])],
  ['invalid UTF-8 in a nested kvlist key', attr(6, 'outer', ld(6, ld(1, s(1, [0xff]), ld(2, anyString('v')))))],
  ['an AnyValue nested more than 100 messages deep', attr(6, 'deep', nestedAnyValue(60))],
];

describe('the logs reader refuses what protobuf calls malformed', () => {
  for (const [what, fields] of MALFORMED_FIELDS) {
    for (const [where, record] of [
      ['a record the filter keeps', kept(fields)],
      ['a record the filter drops without building it', dropped(fields)],
    ] as const) {
      it(`${what}, in ${where}`, () => {
        const body = logsRequest(record);
        expect(oracleRejects('logs', body), 'the oracle agrees it is malformed').not.toBeNull();
        expect(() => decodeLogs(body)).toThrow(DecodeError);
      });
    }
  }

  it('checks the parts of the request it never reads: scope attributes, schema_url, resource fields', () => {
    const badScope = ld(1, ld(2, ld(1, s(1, 'codex'), attr(3, 'k', anyString([0xff]))), ld(2, kept())));
    const badSchemaUrl = ld(1, ld(2, ld(2, kept()), s(3, [0xc3])), s(3, 'https://opentelemetry.io/schemas/1.0'));
    const badResource = ld(1, ld(1, attr(1, 'service.name', anyString('codex')), cat([0x10], Buffer.alloc(6, 0x80), [0x00])), ld(2, ld(2, kept())));
    for (const body of [badScope, badSchemaUrl, badResource]) {
      expect(oracleRejects('logs', body)).not.toBeNull();
      expect(() => decodeLogs(body)).toThrow(DecodeError);
    }
  });

  it('says what was wrong and where', () => {
    expect(() => decodeLogs(logsRequest(kept(attr(6, 'k', anyString([0x61, 0xff])))))).toThrow(/not a valid OTLP protobuf ExportLogsServiceRequest: .*not valid UTF-8/);
    expect(() => decodeLogs(logsRequest(dropped([0x00, 0x01])))).toThrow(/field number 0 at offset \d+/);
    expect(() => decodeLogs(logsRequest(kept(varintBytes((40 << 3) | 3))))).toThrow(/group/);
  });
});

describe('the logs reader still accepts what is valid, however unusual', () => {
  const VALID: Array<[string, Buffer]> = [
    ['an unknown varint, fixed64, fixed32 and length-delimited field', cat([0xb8, 0x02, 0x05], [0xb9, 0x02, 1, 2, 3, 4, 5, 6, 7, 8], [0xbd, 0x02, 1, 2, 3, 4], [0xba, 0x02, 0x02, 0xff, 0xfe])],
    ['the highest field number', cat(varintBytes(536870911 * 8), [0x00])],
    ['a real U+FFFD and other multi-byte text', attr(6, 'txt', anyString('a\uFFFDb é 漢字 😀'))],
    ['a negative severity (an int32 takes 10 bytes)', cat([0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01])],
    ['a length prefix padded to 5 bytes', cat([0x1a, 0x82, 0x80, 0x80, 0x80, 0x00], Buffer.from('OK'))],
    ['the largest int64 and the smallest', cat(attr(6, 'max', cat([0x18], Buffer.alloc(8, 0xff), [0x7f])), attr(6, 'min', cat([0x18], Buffer.alloc(9, 0x80), [0x01])))],
    ['an AnyValue nested 97 messages deep (the request counts 0, the limit is 100)', attr(6, 'deep', nestedAnyValue(46))],
    ['a KeyValue whose value comes before its key', ld(6, ld(2, anyString('v')), s(1, 'k'))],
    ['an empty AnyValue and an empty KeyValue', cat(ld(6, s(1, 'empty'), ld(2)), ld(6))],
  ];
  for (const [what, fields] of VALID) {
    it(what, () => {
      const body = logsRequest(kept(fields), dropped(fields));
      expect(oracleRejects('logs', body), 'the oracle agrees it is well-formed').toBeNull();
      const recs = decodeLogs(body);
      expect(recs).toHaveLength(1); // the dropped record was checked, not built
      expect(recs[0].attributes.prompt).toBe('hello');
    });
  }

  it('decodes the values those cases carry correctly', () => {
    const [rec] = decodeLogs(
      logsRequest(
        kept(
          attr(6, 'txt', anyString('a\uFFFDb 😀')),
          attr(6, 'max', cat([0x18], Buffer.alloc(8, 0xff), [0x7f])),
          attr(6, 'min', cat([0x18], Buffer.alloc(9, 0x80), [0x01])),
          attr(6, 'neg', cat([0x18], Buffer.alloc(9, 0xff), [0x01])),
          attr(6, 'flag', cat([0x10, 0x02])),
          [0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
        ),
      ),
    );
    expect(rec.attributes).toMatchObject({ txt: 'a\uFFFDb 😀', max: '9223372036854775807', min: '-9223372036854775808', neg: -1, flag: true });
    expect(rec.severityNumber).toBe(-1);
  });
});

describe('metrics and traces get the same rules from the walker', () => {
  // ExportMetricsServiceRequest > ResourceMetrics > ScopeMetrics > Metric
  const metricsRequest = (...metricFields: Bytes[]) => ld(1, ld(2, ld(2, s(1, 'codex.turn'), ...metricFields)));
  // Metric.histogram > HistogramDataPoint with the given fields
  const histogramPoint = (...fields: Bytes[]) => ld(9, ld(1, ...fields));

  const cases: Array<[string, Buffer, boolean]> = [
    ['packed bucket_counts', metricsRequest(histogramPoint(ld(6, Buffer.alloc(16, 1)))), true],
    ['unpacked bucket_counts', metricsRequest(histogramPoint([0x31, 1, 0, 0, 0, 0, 0, 0, 0], [0x31, 2, 0, 0, 0, 0, 0, 0, 0])), true],
    ['packed bucket_counts that are not whole fixed64s', metricsRequest(histogramPoint(ld(6, Buffer.alloc(12, 1)))), false],
    ['a metric name that is not UTF-8', ld(1, ld(2, ld(2, s(1, [0xfe])))), false],
    ['a group inside a data point', metricsRequest(histogramPoint([0x0b, 0x0c])), false],
    ['field number 0 inside a data point', metricsRequest(histogramPoint([0x00, 0x00])), false],
    ['a sum whose is_monotonic came as fixed64', metricsRequest(ld(7, [0x19, 0, 0, 0, 0, 0, 0, 0, 1])), false],
  ];
  for (const [what, body, valid] of cases) {
    it(`${valid ? 'accepts' : 'refuses'} ${what}`, () => {
      expect(oracleRejects('metrics', body) === null).toBe(valid);
      const check = () => validateOtlpProtobuf('metrics', body);
      const decode = () => decodeOtlpProtobuf('metrics', body);
      if (valid) {
        expect(check).not.toThrow();
        expect(decode).not.toThrow();
      } else {
        expect(check).toThrow(DecodeError);
        expect(decode).toThrow(DecodeError);
      }
    });
  }

  it('refuses a span whose name is not UTF-8, whether spans are decoded or only checked', () => {
    const body = ld(1, ld(2, ld(2, s(5, [0x68, 0xff]))));
    expect(oracleRejects('traces', body)).not.toBeNull();
    expect(() => validateOtlpProtobuf('traces', body)).toThrow(DecodeError);
    expect(() => decodeOtlpProtobuf('traces', body)).toThrow(DecodeError);
  });
});
