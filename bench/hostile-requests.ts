/**
 * The hostile-input run's requests (design.md section 5, "hostile input"; issue 11 item 8): a
 * fixed, seeded mix of what an attacker on the machine can send the OTLP port, request i always
 * the same. Most are mutated real Codex bodies (otlp-mutator.ts); the rest aim at memory:
 *  - many small requests (empty, tiny, garbage, one record);
 *  - a declared Content-Length of 2 GiB, and real bodies past the 16 MiB limit;
 *  - gzip and deflate bombs (256 KiB that inflate to 256 MiB);
 *  - one record with up to 200,000 attributes, records with multi-MiB prompts, 1,000 records
 *    in one request, and AnyValues nested past the limit and just under it.
 */
import * as zlib from 'node:zlib';
import { loadSeeds, mutate, nestedAnyValue, rng, varintBytes, type Seed } from './otlp-mutator';
import { FIXTURES } from './paths';

export interface HostileRequest {
  kind: string;
  path: string;
  headers: Record<string, string>;
  /** The bytes sent. With `declaredLength`, Content-Length says more than is sent. */
  body: Buffer;
  declaredLength?: number;
  /** Send as this many chunked pieces of `body` (no Content-Length), repeated `repeat` times. */
  repeat?: number;
}

const ld = (field: number, ...parts: Buffer[]): Buffer => {
  const content = parts.length === 1 ? parts[0] : Buffer.concat(parts);
  return Buffer.concat([varintBytes((field << 3) | 2), varintBytes(content.length), content]);
};
const str = (field: number, s: string | Buffer) => ld(field, Buffer.isBuffer(s) ? s : Buffer.from(s, 'utf8'));
const attr = (key: string, value: Buffer) => ld(6, str(1, key), ld(2, value));
const anyStr = (s: string | Buffer) => str(1, s);

/** A logs request of the given LogRecords (each its fields), under a Codex-like resource. */
function logsRequest(records: Buffer[]): Buffer {
  const resource = ld(1, ld(1, str(1, 'service.name'), ld(2, anyStr('codex_exec'))));
  return ld(1, resource, ld(2, Buffer.concat([ld(1, str(1, 'codex_otel.log_only')), ...records.map((r) => ld(2, r))])));
}

/** A record the Codex normalizer keeps (a user prompt) with extra attributes. */
function promptRecord(prompt: string | Buffer, extra: Buffer[] = []): Buffer {
  const fixed = [
    Buffer.from([0x09, 0, 0, 0, 0, 0, 0, 0, 0]),
    attr('event.name', anyStr('codex.user_prompt')),
    attr('conversation.id', anyStr('019a0000-0000-7000-8000-00000000beef')),
    attr('prompt', anyStr(prompt)),
  ];
  return Buffer.concat(fixed.concat(extra));
}

const PB = { 'content-type': 'application/x-protobuf' };

export class HostileMix {
  private readonly seeds: Seed[];
  private readonly gzipBomb: Buffer;
  private readonly deflateBomb: Buffer;
  private readonly oversize: Buffer;
  /** Bodies that are costly to build, made once per shape. */
  private readonly built = new Map<string, Buffer>();

  constructor(private readonly seed: number) {
    this.seeds = loadSeeds(FIXTURES);
    const zeros = Buffer.alloc(16 * 1024 * 1024);
    // 16 members of 16 MiB of zeros: 256 MiB inflated, ~256 KiB on the wire.
    const member = zlib.gzipSync(zeros, { level: 9 });
    this.gzipBomb = Buffer.concat(Array.from({ length: 16 }, () => member));
    this.deflateBomb = zlib.deflateSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
    // 1 MiB of a plausible body, sent 20 times: 20 MiB against a 16 MiB limit.
    this.oversize = Buffer.alloc(1024 * 1024, 0x41);
  }

  private once(key: string, make: () => Buffer): Buffer {
    let b = this.built.get(key);
    if (!b) {
      b = make();
      this.built.set(key, b);
    }
    return b;
  }

  /** Request i of the run. */
  request(i: number): HostileRequest {
    const r = rng((this.seed ^ Math.imul(i + 7, 0x85ebca6b)) >>> 0);
    const x = r();
    if (x < 0.62) {
      const m = mutate(this.seeds, this.seed, i);
      return { kind: 'mutated Codex body', path: `/v1/${m.signal}`, headers: PB, body: m.body };
    }
    if (x < 0.77) {
      const small = [Buffer.alloc(0), Buffer.from([0x0a, 0x00]), Buffer.from('abc'), logsRequest([promptRecord('hi')])];
      return { kind: 'small request', path: '/v1/logs', headers: PB, body: small[Math.floor(r() * small.length)] };
    }
    if (x < 0.81) return { kind: 'declared 2 GiB', path: '/v1/logs', headers: PB, body: Buffer.alloc(1024, 0x0a), declaredLength: 2 ** 31 };
    if (x < 0.8115) return { kind: 'body past the limit', path: '/v1/logs', headers: PB, body: this.oversize, repeat: 20 };
    if (x < 0.83) return { kind: 'gzip bomb', path: '/v1/logs', headers: { ...PB, 'content-encoding': 'gzip' }, body: this.gzipBomb };
    if (x < 0.835) return { kind: 'deflate bomb', path: '/v1/metrics', headers: { ...PB, 'content-encoding': 'deflate' }, body: this.deflateBomb };
    if (x < 0.855) {
      const n = [20_000, 50_000, 100_000, 200_000][Math.floor(r() * 4)];
      const body = this.once(`attrs ${n}`, () => {
        const extra: Buffer[] = new Array(n);
        for (let k = 0; k < n; k++) extra[k] = attr(`k${k}`, Buffer.from([0x18, k & 0x7f]));
        return logsRequest([promptRecord('many attributes', extra)]);
      });
      return { kind: 'huge attribute count', path: '/v1/logs', headers: PB, body };
    }
    if (x < 0.875) {
      const levels = r() < 0.5 ? 45 : 5000;
      const body = this.once(`deep ${levels}`, () => logsRequest([promptRecord('deep', [attr('deep', nestedAnyValue(levels))])]));
      return { kind: 'deep nesting', path: '/v1/logs', headers: PB, body };
    }
    if (x < 0.88) {
      const mib = 1 + Math.floor(r() * 4);
      const body = this.once(`prompt ${mib}`, () => logsRequest([promptRecord(Buffer.alloc(mib * 1024 * 1024, 0x61))]));
      return { kind: 'multi-MiB prompt', path: '/v1/logs', headers: PB, body };
    }
    if (x < 0.885) {
      const body = this.once('1000 records', () => logsRequest(Array.from({ length: 1000 }, (_, k) => promptRecord(`prompt ${k}`))));
      return { kind: '1,000 records', path: '/v1/logs', headers: PB, body };
    }
    const m = mutate(this.seeds, this.seed + 1, i);
    return { kind: 'mutated Codex body', path: `/v1/${m.signal}`, headers: PB, body: m.body };
  }
}
