/**
 * The message tree the OTLP mutator (otlp-mutator.ts) works on: a real body parsed with the
 * schema of otlp-schema.ts into fields that keep their encoded bytes, re-encoded after a change.
 * Parsed seeds are cached with each node's encoding, and a mutation copies only the nodes on
 * the path to the one it changes (materialize), so a mutated body costs one re-encoded path.
 */
import * as protobuf from 'protobufjs';
import { otlpTypes } from '../electron/collector/otlp-schema';

export type MutSignal = 'logs' | 'metrics' | 'traces';

/** A well-formed body to mutate, and its signal. */
export interface Seed {
  signal: MutSignal;
  body: Buffer;
}

/** A field of a parsed message. Scalars keep their encoded value bytes as they came. */
export interface Node {
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
export function paddedVarint(value: number, n: number): Buffer {
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

export function encode(nodes: Node[]): Buffer {
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
export interface Entry {
  path: number[];
  node: Node;
  /** Nesting of the message holding it (the request's own fields: 0). */
  depth: number;
}

export interface ParsedSeed {
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

export function parsedSeed(seed: Seed): ParsedSeed {
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
export function materialize(tree: Node[], path: number[]): { root: Node[]; siblings: Node[]; index: number; node: Node } {
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
