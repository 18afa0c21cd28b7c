/**
 * Seeded mutations of real OTLP protobuf bodies, for the strict-decoding fuzz test and the
 * hostile-input bench. Same seed, same bodies: a failure is reproducible from its index.
 *
 * Byte-level mutations (flips, cuts, splices) rarely produce the cases a lenient decoder lets
 * through: those break one rule while every length around them stays consistent. So half the
 * mutations work on the message tree instead (parsed with the schema of otlp-schema.ts): invalid
 * UTF-8 in one string, field number 0, a group, a known field with another wire type, one wrong
 * length, an overlong or overflowing varint, deep nesting, plus valid changes (unknown fields,
 * padded varints, valid multi-byte text, duplicated or removed fields) that must still pass.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as protobuf from 'protobufjs';
import { otlpTypes } from '../electron/collector/otlp-schema';

export type MutSignal = 'logs' | 'metrics' | 'traces';

/** mulberry32: small, fast, good enough to pick mutations. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

/** A field of a parsed message. Scalars keep their encoded value bytes as they came. */
interface Node {
  field: number;
  wire: number;
  kind: 'message' | 'string' | 'bytes' | 'scalar';
  /** Encoded tag bytes override (padded varints, groups); default: the canonical encoding. */
  tagBytes?: Buffer;
  /** For wire type 2: a sub-message (children) or opaque content (strings, bytes, packed). */
  children?: Node[];
  content?: Buffer;
  /** Scalar value bytes (varint or fixed), as encoded. */
  value?: Buffer;
  /** Added to the real length when the length prefix is written (a wrong length). */
  lengthDelta?: number;
  /** Encoded length bytes override (padded or huge varints). */
  lengthBytes?: Buffer;
  /** The message type of a message node (from the schema). */
  type?: protobuf.Type;
  /** The node's encoding, cached on the parsed seed (mutated copies never have one). */
  enc?: Buffer;
}

export function varintBytes(value: number): Buffer {
  const out: number[] = [];
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return Buffer.from(out);
}

/** The same value in `n` bytes (n >= its canonical size): continuation bytes padded with zeros. */
function paddedVarint(value: number, n: number): Buffer {
  const canon = varintBytes(value);
  if (n <= canon.length) return canon;
  const out = Buffer.alloc(n, 0x80);
  canon.copy(out);
  out[canon.length - 1] |= 0x80;
  out[n - 1] = 0x00;
  return out;
}

function readVarint(buf: Buffer, pos: number): [number, number] {
  let v = 0;
  let mul = 1;
  let p = pos;
  for (;;) {
    const b = buf[p++];
    v += (b & 0x7f) * mul;
    mul *= 128;
    if (b < 0x80) return [v, p];
  }
}

function fieldKind(type: protobuf.Type, id: number): { kind: Node['kind']; sub?: protobuf.Type } {
  const f = type.fieldsById[id];
  if (!f) return { kind: 'bytes' };
  f.resolve();
  if (f.resolvedType instanceof protobuf.Type) return { kind: 'message', sub: f.resolvedType };
  if (f.type === 'string') return { kind: 'string' };
  return { kind: 'bytes' };
}

/** Parses a well-formed body into nodes (the seeds are real captures, so no checks). */
function parse(buf: Buffer, start: number, end: number, type: protobuf.Type): Node[] {
  const nodes: Node[] = [];
  let pos = start;
  while (pos < end) {
    const [tag, p1] = readVarint(buf, pos);
    pos = p1;
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (wire === 2) {
      const [len, p2] = readVarint(buf, pos);
      pos = p2;
      const { kind, sub } = fieldKind(type, field);
      if (kind === 'message' && sub) nodes.push({ field, wire, kind, type: sub, children: parse(buf, pos, pos + len, sub) });
      else nodes.push({ field, wire, kind, content: Buffer.from(buf.subarray(pos, pos + len)) });
      pos += len;
    } else {
      const vstart = pos;
      if (wire === 0) pos = readVarint(buf, pos)[1];
      else pos += wire === 1 ? 8 : 4;
      nodes.push({ field, wire, kind: 'scalar', value: Buffer.from(buf.subarray(vstart, pos)) });
    }
  }
  return nodes;
}

function encodeNode(n: Node): Buffer {
  if (n.enc) return n.enc;
  const tag = n.tagBytes ?? varintBytes(n.field * 8 + n.wire);
  if (n.kind === 'scalar') return Buffer.concat([tag, n.value!]);
  const content = n.children ? encode(n.children) : n.content!;
  const len = Math.max(0, content.length + (n.lengthDelta ?? 0));
  return Buffer.concat([tag, n.lengthBytes ?? varintBytes(len), content]);
}

function encode(nodes: Node[]): Buffer {
  return Buffer.concat(nodes.map(encodeNode));
}

/** Fills the encoding cache of a parsed seed, bottom-up. */
function cacheEncodings(nodes: Node[]): void {
  for (const n of nodes) {
    if (n.children) cacheEncodings(n.children);
    n.enc = encodeNode(n);
  }
}

function requestType(signal: MutSignal): protobuf.Type {
  const t = otlpTypes();
  return signal === 'logs' ? t.ExportLogsServiceRequest : signal === 'metrics' ? t.ExportMetricsServiceRequest : t.ExportTraceServiceRequest;
}

/** Where a node sits: the index at each level from the root down (its own index last). */
interface Entry {
  path: number[];
  node: Node;
  /** Nesting of the message holding it (the request's own fields: 0). */
  depth: number;
}

interface ParsedSeed {
  signal: MutSignal;
  body: Buffer;
  tree: Node[];
  all: Entry[];
  strings: Entry[];
  messages: Entry[];
  lengths: Entry[];
  varints: Entry[];
  anyValues: Entry[];
}

function entries(nodes: Node[], prefix: number[], depth: number, out: Entry[]): Entry[] {
  nodes.forEach((node, i) => {
    const path = [...prefix, i];
    out.push({ path, node, depth });
    if (node.children) entries(node.children, path, depth + 1, out);
  });
  return out;
}

const parsedSeeds = new WeakMap<Buffer, ParsedSeed>();

function parsedSeed(seed: Seed): ParsedSeed {
  let p = parsedSeeds.get(seed.body);
  if (!p) {
    const tree = parse(seed.body, 0, seed.body.length, requestType(seed.signal));
    cacheEncodings(tree);
    const all = entries(tree, [], 0, []);
    p = {
      signal: seed.signal,
      body: seed.body,
      tree,
      all,
      strings: all.filter((e) => e.node.kind === 'string'),
      messages: all.filter((e) => e.node.children),
      lengths: all.filter((e) => e.node.wire === 2),
      varints: all.filter((e) => e.node.kind === 'scalar' && e.node.wire === 0),
      anyValues: all.filter((e) => e.node.type?.name === 'AnyValue'),
    };
    parsedSeeds.set(seed.body, p);
  }
  return p;
}

/**
 * A copy of the tree in which the nodes on `path` (and the lists holding them) are fresh
 * objects, safe to change; everything else is shared with the seed and keeps its cached bytes.
 */
function materialize(tree: Node[], path: number[]): { root: Node[]; siblings: Node[]; index: number; node: Node } {
  const root = tree.slice();
  let list = root;
  for (let d = 0; ; d++) {
    const i = path[d];
    const orig = list[i];
    const copy: Node = { ...orig, enc: undefined, children: orig.children?.slice() };
    list[i] = copy;
    if (d === path.length - 1) return { root, siblings: list, index: i, node: copy };
    list = copy.children!;
  }
}

const INVALID_UTF8: readonly number[][] = [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80], [0xc3], [0xf8, 0x88, 0x80, 0x80, 0x80]];
const VALID_UTF8: readonly number[][] = [[0xc3, 0xa9], [0xf0, 0x9f, 0x98, 0x80], [0xef, 0xbf, 0xbd], [0xe2, 0x82, 0xac], [0x00]];

function insertAt(b: Buffer, at: number, bytes: number[] | Buffer): Buffer {
  return Buffer.concat([b.subarray(0, at), Buffer.from(bytes), b.subarray(at)]);
}

/** An AnyValue nested `levels` arrays deep around a string (2 messages per level). */
export function nestedAnyValue(levels: number): Buffer {
  let v = Buffer.concat([Buffer.from([0x0a, 0x01]), Buffer.from('x')]); // AnyValue{string_value:"x"}
  for (let i = 0; i < levels; i++) {
    const arr = Buffer.concat([Buffer.from([0x0a]), varintBytes(v.length), v]); // ArrayValue{values:[v]}
    v = Buffer.concat([Buffer.from([0x2a]), varintBytes(arr.length), arr]); // AnyValue{array_value}
  }
  return v;
}

export interface Mutation {
  signal: MutSignal;
  /** What was done, for a failure message. */
  op: string;
  body: Buffer;
}

interface Target {
  node: Node;
  siblings: Node[];
  index: number;
  depth: number;
}

/** A tree mutation: which nodes it applies to, and what it does to a fresh copy of one. */
interface TreeOp {
  from: (p: ParsedSeed) => Entry[];
  apply: (r: Rand, t: Target) => string;
}

/** A field inserted into a message (or the request itself, when `t` is a top-level field). */
function insertInto(r: Rand, t: Target, node: Node): void {
  const list = t.node.children && r() < 0.8 ? t.node.children : t.siblings;
  list.splice(int(r, 0, list.length), 0, node);
}

const treeOps: Record<string, TreeOp> = {
  'utf8-invalid': {
    from: (p) => p.strings,
    apply: (r, t) => {
      t.node.content = insertAt(t.node.content!, int(r, 0, t.node.content!.length), pick(r, INVALID_UTF8));
      return 'invalid UTF-8 in a string';
    },
  },
  'utf8-valid': {
    from: (p) => p.strings,
    apply: (r, t) => {
      // At a character boundary: after an ASCII byte or at an end.
      const c = t.node.content!;
      const spots = [0, c.length];
      for (let i = 0; i < c.length; i++) if (c[i] < 0x80) spots.push(i + 1);
      t.node.content = insertAt(c, pick(r, spots), pick(r, VALID_UTF8));
      return 'valid multi-byte UTF-8 in a string';
    },
  },
  'field-zero': {
    from: (p) => p.all,
    apply: (_r, t) => {
      t.node.field = 0;
      return 'field number 0';
    },
  },
  'wire-swap': {
    from: (p) => p.all,
    apply: (r, t) => {
      const w = pick(r, [0, 1, 2, 5].filter((x) => x !== t.node.wire));
      t.node.tagBytes = varintBytes(t.node.field * 8 + w);
      return `wire type ${t.node.wire} -> ${w}`;
    },
  },
  'wire-invalid': {
    from: (p) => p.all,
    apply: (r, t) => {
      const w = pick(r, [3, 4, 6, 7]);
      t.node.tagBytes = varintBytes(t.node.field * 8 + w);
      return `wire type ${w}`;
    },
  },
  group: {
    from: (p) => p.messages,
    apply: (r, t) => {
      const f = r() < 0.5 ? int(r, 1, 15) : int(r, 100, 5000);
      const inner = r() < 0.5 ? Buffer.from([0x08, 0x01]) : Buffer.alloc(0);
      const end = r() < 0.8 ? f : f + 1; // sometimes an end tag that does not match
      const bytes = Buffer.concat([varintBytes(f * 8 + 3), inner, r() < 0.9 ? varintBytes(end * 8 + 4) : Buffer.alloc(0)]);
      insertInto(r, t, { field: f, wire: 3, kind: 'scalar', tagBytes: Buffer.alloc(0), value: bytes });
      return 'a group';
    },
  },
  'length-off': {
    from: (p) => p.lengths,
    apply: (r, t) => {
      t.node.lengthDelta = pick(r, [-3, -2, -1, 1, 2, 3, 1000, 1 << 20]);
      return `length off by ${t.node.lengthDelta}`;
    },
  },
  'length-huge': {
    from: (p) => p.lengths,
    apply: (r, t) => {
      t.node.lengthBytes = pick(r, [Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f]), Buffer.from([0xff, 0xff, 0xff, 0xff, 0x7f]), Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01])]);
      return 'length of 4 GiB or more';
    },
  },
  'varint-pad': {
    from: (p) => p.all,
    apply: (r, t) => {
      const n = t.node;
      const size = int(r, 2, 12);
      if (r() < 0.5 || n.wire !== 2) n.tagBytes = paddedVarint(n.field * 8 + n.wire, size);
      else n.lengthBytes = paddedVarint((n.children ? encode(n.children) : n.content!).length, size);
      return `varint padded to ${size} bytes`;
    },
  },
  'varint-long': {
    from: (p) => p.varints,
    apply: (r, t) => {
      const b = Buffer.alloc(10, 0xff);
      b[9] = pick(r, [0x00, 0x01, 0x02, 0x7f, 0xff]);
      t.node.value = b[9] === 0xff ? Buffer.concat([b, Buffer.from([0x01])]) : r() < 0.3 ? b.subarray(int(r, 4, 8)) : b;
      if (t.node.value.length < 10) t.node.value[t.node.value.length - 1] = 0x01;
      return `varint of ${t.node.value.length} bytes ending in ${t.node.value[t.node.value.length - 1].toString(16)}`;
    },
  },
  'unknown-field': {
    from: (p) => p.messages,
    apply: (r, t) => {
      const f = pick(r, [int(r, 16, 999), 536870911, int(r, 1000, 100000)]);
      const w = pick(r, [0, 1, 2, 5]);
      const node: Node =
        w === 2
          ? { field: f, wire: 2, kind: 'bytes', content: Buffer.from([0xff, 0x00, 0xc0]) }
          : { field: f, wire: w, kind: 'scalar', value: w === 0 ? varintBytes(int(r, 0, 1e6)) : Buffer.alloc(w === 1 ? 8 : 4, 7) };
      insertInto(r, t, node);
      return `unknown field ${f} (wire ${w})`;
    },
  },
  duplicate: {
    from: (p) => p.all,
    apply: (r, t) => {
      t.siblings.splice(int(r, 0, t.siblings.length), 0, t.node);
      return 'a field repeated';
    },
  },
  remove: {
    from: (p) => p.all,
    apply: (_r, t) => {
      t.siblings.splice(t.index, 1);
      return 'a field removed';
    },
  },
  'deep-nest': {
    // Replace an AnyValue (a KeyValue's value or a record body) with deeply nested arrays.
    from: (p) => p.anyValues,
    apply: (r, t) => {
      const levels = int(r, 40, 60); // around protobufjs's limit of 100 nested messages
      t.node.children = undefined;
      t.node.kind = 'bytes';
      t.node.content = nestedAnyValue(levels);
      return `AnyValue nested ${levels} arrays deep at depth ${t.depth + 1}`;
    },
  },
};

const TREE_OPS = Object.keys(treeOps);

type ByteOp = (r: Rand, b: Buffer, other: Buffer) => Buffer;

const byteOps: Record<string, ByteOp> = {
  'flip-bits': (r, b) => {
    const out = Buffer.from(b);
    for (let i = int(r, 1, 3); i > 0; i--) out[int(r, 0, out.length - 1)] ^= 1 << int(r, 0, 7);
    return out;
  },
  'set-byte': (r, b) => {
    const out = Buffer.from(b);
    out[int(r, 0, out.length - 1)] = pick(r, [0x00, 0x80, 0xff, 0x7f, 0x03, 0x04, 0x07, 0x0b, 0x0c, int(r, 0, 255)]);
    return out;
  },
  truncate: (r, b) => b.subarray(0, int(r, 1, b.length - 1)),
  insert: (r, b) => insertAt(b, int(r, 0, b.length), Array.from({ length: int(r, 1, 8) }, () => int(r, 0, 255))),
  'delete-range': (r, b) => {
    const at = int(r, 0, b.length - 1);
    return Buffer.concat([b.subarray(0, at), b.subarray(Math.min(b.length, at + int(r, 1, 16)))]);
  },
  'duplicate-range': (r, b) => {
    const at = int(r, 0, b.length - 1);
    const len = int(r, 1, 64);
    return insertAt(b, int(r, 0, b.length), b.subarray(at, at + len));
  },
  splice: (r, b, other) => Buffer.concat([b.subarray(0, int(r, 0, b.length)), other.subarray(int(r, 0, other.length))]),
};

const BYTE_OPS = Object.keys(byteOps);

export interface Seed {
  signal: MutSignal;
  body: Buffer;
}

/**
 * The i-th mutation of a run: deterministic in (seed, i). A tree mutation for half of them, a
 * byte mutation for the other half, and now and then a byte mutation on top of a tree one.
 */
export function mutate(seeds: readonly Seed[], seed: number, i: number): Mutation {
  const r = rng((seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
  const s = pick(r, seeds);
  const others = seeds.filter((x) => x.signal === s.signal);
  const ops: string[] = [];
  let body = s.body;
  if (r() < 0.5) {
    const p = parsedSeed(s);
    const name = pick(r, TREE_OPS);
    const op = treeOps[name];
    const candidates = op.from(p);
    if (candidates.length > 0) {
      const e = pick(r, candidates);
      const m = materialize(p.tree, e.path);
      ops.push(op.apply(r, { node: m.node, siblings: m.siblings, index: m.index, depth: e.depth }));
      body = encode(m.root);
    }
    if (r() < 0.15 || ops.length === 0) {
      const b = pick(r, BYTE_OPS);
      body = byteOps[b](r, body, pick(r, others).body);
      ops.push(b);
    }
  } else {
    const b = pick(r, BYTE_OPS);
    body = byteOps[b](r, body, pick(r, others).body);
    ops.push(b);
  }
  return { signal: s.signal, op: ops.join(' + '), body };
}

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
