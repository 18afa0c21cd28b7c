/**
 * The mutations of otlp-mutator.ts: tree mutations, each breaking one protobuf rule while every
 * length around it stays consistent (or making a valid change that must still pass), and byte
 * mutations (flips, cuts, splices). Add a case here; the mutator picks among all of them.
 */
import { encode, paddedVarint, varintBytes, type Entry, type Node, type ParsedSeed } from './otlp-tree';

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

export type Rand = () => number;
export const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
export const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));

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

export interface Target {
  node: Node;
  siblings: Node[];
  index: number;
  depth: number;
}

/** A tree mutation: which nodes it applies to, and what it does to a fresh copy of one. */
export interface TreeOp {
  from: (p: ParsedSeed) => Entry[];
  apply: (r: Rand, t: Target) => string;
}

/** A field inserted into a message (or the request itself, when `t` is a top-level field). */
function insertInto(r: Rand, t: Target, node: Node): void {
  const list = t.node.children && r() < 0.8 ? t.node.children : t.siblings;
  list.splice(int(r, 0, list.length), 0, node);
}

export const treeOps: Record<string, TreeOp> = {
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

export const TREE_OPS = Object.keys(treeOps);

export type ByteOp = (r: Rand, b: Buffer, other: Buffer) => Buffer;

export const byteOps: Record<string, ByteOp> = {
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

export const BYTE_OPS = Object.keys(byteOps);
