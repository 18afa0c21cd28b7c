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
 *
 * This file picks and applies them; the tree is otlp-tree.ts, the mutations otlp-mutations.ts,
 * the seeds otlp-seeds.ts.
 */
import { BYTE_OPS, byteOps, pick, rng, TREE_OPS, treeOps } from './otlp-mutations';
import { encode, materialize, parsedSeed, type MutSignal, type Seed } from './otlp-tree';

export { nestedAnyValue, rng } from './otlp-mutations';
export { loadSeeds, syntheticTraceBody } from './otlp-seeds';
export { varintBytes, type MutSignal, type Seed } from './otlp-tree';

export interface Mutation {
  signal: MutSignal;
  /** What was done, for a failure message. */
  op: string;
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
