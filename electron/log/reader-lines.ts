/**
 * Turning bytes of runtime.jsonl into BeaconEvents, tolerant of anything else in the file.
 *
 * The log is shared: other tools may append lines, a writer may be killed mid-line, a file may
 * be truncated under us. So: split on newline bytes (never inside a UTF-8 sequence, since 0x0A
 * cannot occur inside one), keep an unterminated tail for the next chunk (it is never handed
 * out: a line is only a line once its newline is written), and treat any line
 * that is not a JSON object with a parseable timestamp and an action as "skipped", not fatal.
 */
import type { BeaconEvent } from '../shared/event';
import { categoryForAction } from '../shared/event';

const NEWLINE = 0x0a;

/**
 * The complete lines of a text read whole (every line up to the last newline). What follows the
 * last newline is a line still being written, or one torn by a crash that the collector's next
 * start cuts off: not an event, and never one that was acknowledged.
 */
export function completeLines(text: string): string[] {
  const end = text.lastIndexOf('\n');
  return end < 0 ? [] : text.slice(0, end).split('\n');
}

/** Splits a byte stream into complete lines; the unterminated remainder waits for more bytes. */
export class LineSplitter {
  private pending: Buffer | null = null;

  /** Feed a chunk; returns the complete lines it finished (without the newline). */
  push(chunk: Buffer): string[] {
    const last = chunk.lastIndexOf(NEWLINE);
    if (last === -1) {
      this.pending = this.pending ? Buffer.concat([this.pending, chunk]) : Buffer.from(chunk);
      return [];
    }
    const head = chunk.subarray(0, last);
    const text = this.pending ? Buffer.concat([this.pending, head]).toString('utf8') : head.toString('utf8');
    // Copy the remainder: the caller reuses its read buffer.
    this.pending = last + 1 < chunk.length ? Buffer.from(chunk.subarray(last + 1)) : null;
    return text.split('\n');
  }

  /** Bytes held back because no newline has arrived yet. */
  get pendingBytes(): number {
    return this.pending ? this.pending.length : 0;
  }

  reset(): void {
    this.pending = null;
  }
}

/** A parsed event plus its timestamp in epoch ms (parsed once, used by every time filter). */
export interface ParsedEvent {
  event: BeaconEvent;
  timeMs: number;
}

/**
 * Parse one line. Returns null for blank lines and anything that is not a Beacon-shaped event
 * (the caller counts those as skipped).
 */
export function parseEventLine(line: string): ParsedEvent | null {
  // Cheap pre-check: skip blank lines and non-objects without paying for JSON.parse errors.
  let start = 0;
  while (start < line.length && (line.charCodeAt(start) === 0x20 || line.charCodeAt(start) === 0x09 || line.charCodeAt(start) === 0x0d)) start++;
  if (start >= line.length || line.charCodeAt(start) !== 0x7b /* { */) return null;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const ev = value as Partial<BeaconEvent> & { event?: { action?: unknown; category?: unknown } };
  if (typeof ev.timestamp !== 'string' || !ev.event || typeof ev.event !== 'object' || typeof ev.event.action !== 'string') return null;
  const timeMs = Date.parse(ev.timestamp);
  if (!Number.isFinite(timeMs)) return null;
  if (typeof ev.event.category !== 'string') ev.event.category = categoryForAction(ev.event.action);
  // Optional blocks must be objects if present, so readers can use ?. without type checks.
  if (ev.harness !== undefined && (typeof ev.harness !== 'object' || ev.harness === null)) return null;
  if (ev.session !== undefined && (typeof ev.session !== 'object' || ev.session === null)) return null;
  return { event: ev as BeaconEvent, timeMs };
}
