/**
 * The strict readers' field tables (otlp-wire-shapes.ts) must say exactly what the schema the
 * collector answers with (otlp-schema.ts) says: same field numbers, same encodings, same
 * sub-messages, for every message reachable from the three export requests. A table that
 * forgot a field would let a malformed value of it through; one with a wrong kind would refuse
 * valid exports.
 */
import * as protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { otlpTypes } from '../../electron/collector/otlp-schema';
import * as S from '../../electron/collector/otlp-wire-shapes';

const VARINT32 = new Set(['int32', 'uint32', 'sint32', 'bool']);
const VARINT64 = new Set(['int64', 'uint64', 'sint64']);
const I64 = new Set(['fixed64', 'sfixed64', 'double']);
const I32 = new Set(['fixed32', 'sfixed32', 'float']);

/** The kind otlp-wire-shapes.ts should give a field, derived from protobufjs's reflection. */
function expectedKind(f: protobuf.Field): number {
  f.resolve();
  if (f.resolvedType instanceof protobuf.Type) return S.K_MESSAGE;
  const t = f.resolvedType instanceof protobuf.Enum ? 'int32' : f.type;
  if (t === 'string') return S.K_STRING;
  if (t === 'bytes') return S.K_BYTES;
  if (f.repeated) {
    if (VARINT64.has(t) || VARINT32.has(t)) return S.K_REPEATED_VARINT;
    if (I64.has(t)) return S.K_REPEATED_I64;
    if (I32.has(t)) return S.K_REPEATED_I32;
  }
  if (VARINT32.has(t)) return S.K_VARINT32;
  if (VARINT64.has(t)) return S.K_VARINT;
  if (I64.has(t)) return S.K_I64;
  if (I32.has(t)) return S.K_I32;
  throw new Error(`no kind for ${f.type}`);
}

/** "12:K_MESSAGE(KeyValue)" lines for a shape and everything under it. */
function describeShape(shape: S.WireShape, seen = new Set<string>(), out: string[] = []): string[] {
  if (seen.has(shape.name)) return out;
  seen.add(shape.name);
  for (let n = 0; n < shape.kinds.length; n++) {
    const k = shape.kinds[n];
    if (k === S.K_UNKNOWN) continue;
    const child = shape.children[n];
    out.push(`${shape.name}.${n}:${k}${child ? `(${child.name})` : ''}`);
  }
  for (const c of shape.children) if (c) describeShape(c, seen, out);
  return out;
}

function describeType(type: protobuf.Type, seen = new Set<string>(), out: string[] = []): string[] {
  if (seen.has(type.name)) return out;
  seen.add(type.name);
  const subs: protobuf.Type[] = [];
  for (const f of [...type.fieldsArray].sort((a, b) => a.id - b.id)) {
    const k = expectedKind(f);
    const sub = f.resolvedType instanceof protobuf.Type ? f.resolvedType : undefined;
    out.push(`${type.name}.${f.id}:${k}${sub ? `(${sub.name})` : ''}`);
    if (sub) subs.push(sub);
  }
  for (const s of subs) describeType(s, seen, out);
  return out;
}

describe('otlp-wire-shapes.ts restates otlp-schema.ts', () => {
  const t = otlpTypes();
  const cases: Array<[string, S.WireShape, protobuf.Type]> = [
    ['logs', S.EXPORT_LOGS, t.ExportLogsServiceRequest],
    ['metrics', S.EXPORT_METRICS, t.ExportMetricsServiceRequest],
    ['traces', S.EXPORT_TRACE, t.ExportTraceServiceRequest],
  ];
  for (const [signal, shape, type] of cases) {
    it(`has every field of every ${signal} message with its encoding`, () => {
      expect(describeShape(shape).sort()).toEqual(describeType(type).sort());
    });
  }
});
