/**
 * `event.id` (design.md section 7): every event gets a stable unique id when it is written, so
 * that copies delivered more than once (a forwarder resending its unacknowledged batch) can be
 * de-duplicated by the receiver. The id is written once with the event and never recomputed:
 * "stable" means it is part of the line in runtime.jsonl.
 *
 * Format: a UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then 74 random bits. Ids
 * sort by time, fit every SIEM's keyword/uuid type, and need no coordination between writers.
 * Random bytes come from a pooled crypto buffer: one randomBytes() call per 400 ids.
 */
import { randomBytes } from 'node:crypto';

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
const POOL_IDS = 400;
let pool = Buffer.alloc(0);
let offset = 0;

export function newEventId(nowMs: number = Date.now()): string {
  if (offset + 10 > pool.length) {
    pool = randomBytes(POOL_IDS * 10);
    offset = 0;
  }
  const r = pool;
  const o = offset;
  offset += 10;
  const ms = Math.max(0, Math.floor(nowMs));
  const hi = Math.floor(ms / 0x10000); // top 32 bits of the 48-bit timestamp
  const lo = ms % 0x10000;
  return (
    HEX[(hi >>> 24) & 0xff] + HEX[(hi >>> 16) & 0xff] + HEX[(hi >>> 8) & 0xff] + HEX[hi & 0xff] +
    '-' + HEX[(lo >>> 8) & 0xff] + HEX[lo & 0xff] +
    '-' + HEX[0x70 | (r[o] & 0x0f)] + HEX[r[o + 1]] +
    '-' + HEX[0x80 | (r[o + 2] & 0x3f)] + HEX[r[o + 3]] +
    '-' + HEX[r[o + 4]] + HEX[r[o + 5]] + HEX[r[o + 6]] + HEX[r[o + 7]] + HEX[r[o + 8]] + HEX[r[o + 9]]
  );
}

const UUID7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isEventId(value: unknown): value is string {
  return typeof value === 'string' && UUID7.test(value);
}
