/**
 * One event -> one JSONL line, never bigger than the per-event limit.
 *
 * The reference product dropped an event outright when it was still too big after removing
 * `raw` and cutting `message`; a SIEM then never learns a command ran. Here an oversized event
 * is always written: `raw` goes first, then the longest strings (prompt text, command / tool
 * output, tool-call arguments, message...) are shortened with a visible marker, and
 * `field_truncated: true` says so. The result is always valid JSON in valid UTF-8.
 *
 * `raw.attributes` arrives as LayeredAttributes (a record's attributes over its resource's) and
 * is written as the one merged object it stands for. The resource part is the same for every
 * event of an export, so its JSON is made once per resource object and spliced in; see
 * layered-attributes.ts for why the merged object is never built.
 */
import { LayeredAttributes } from '../shared/layered-attributes';

export const TRUNCATION_MARKER = '…[truncated by beacon]';

/** Smallest limit we accept: the envelope of an event plus a marker always fits in this. */
export const MIN_EVENT_BYTES = 1024;

export interface SerializedEvent {
  /** The JSON text: one line, without its newline. */
  json: string;
  truncated: boolean;
}

/** UTF-8 length of a serialized event's line, newline included. */
export const lineBytes = (json: string): number => utf8Len(json) + 1;

/**
 * An upper bound of lineBytes() that costs nothing: UTF-8 needs at most 3 bytes per UTF-16 unit.
 * Measuring a line means copying it flat first (the JSON is made of joined pieces), so the
 * writer and serializeEvent measure only when this bound says a limit could be crossed.
 */
export const lineBytesBound = (json: string): number => json.length * 3 + 1;

/** Top-level fields that identify an event: never replaced wholesale, only their strings shortened. */
const ENVELOPE = new Set(['timestamp', 'vendor', 'product', 'schema_version', 'event', 'severity', 'endpoint', 'harness', 'session', 'field_truncated']);

/** Strings shorter than this (JSON-encoded bytes) are not worth cutting: cut containers instead. */
const MIN_CUTTABLE = 64;

const utf8Len = (s: string): number => Buffer.byteLength(s, 'utf8');
const encodedLen = (v: unknown): number => utf8Len(JSON.stringify(v));

/**
 * Serialize `event` as one line of at most `maxBytes` bytes (newline included).
 * Throws TypeError for input that is not a plain JSON object (arrays, null, circular, BigInt).
 */
export function serializeEvent(event: unknown, maxBytes: number): SerializedEvent {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    throw new TypeError(`a runtime log event must be a JSON object, got ${event === null ? 'null' : Array.isArray(event) ? 'an array' : typeof event}`);
  }
  let json: string;
  try {
    json = stringifyEvent(event as Record<string, unknown>);
  } catch (err) {
    throw new TypeError(`a runtime log event cannot be serialized as JSON: ${(err as Error).message}`);
  }
  if (lineBytesBound(json) <= maxBytes || lineBytes(json) <= maxBytes) return { json, truncated: false };
  const shrunk = shrinkToFit(JSON.parse(json) as Record<string, unknown>, maxBytes - 1);
  return { json: JSON.stringify(shrunk), truncated: true };
}

/** JSON.stringify(event), with a fast path for LayeredAttributes in raw.attributes (same text, but `raw` last). */
function stringifyEvent(event: Record<string, unknown>): string {
  const raw = event.raw as Record<string, unknown> | undefined;
  const attrs = raw?.attributes;
  if (!(attrs instanceof LayeredAttributes) || typeof raw !== 'object' || raw === null || Array.isArray(raw)) return JSON.stringify(event);
  // JSON.stringify leaves out undefined properties: take raw, then its attributes, out for a moment.
  let head: string;
  let rawHead: string;
  event.raw = undefined;
  try {
    head = JSON.stringify(event);
  } finally {
    event.raw = raw;
  }
  raw.attributes = undefined;
  try {
    rawHead = JSON.stringify(raw);
  } finally {
    raw.attributes = attrs;
  }
  const rawJson = appendMember(rawHead, 'attributes', layeredJson(attrs));
  return appendMember(head, 'raw', rawJson);
}

/** `{...}` + `"key":valueJson` as its last member. */
function appendMember(objectJson: string, key: string, valueJson: string): string {
  const member = `${JSON.stringify(key)}:${valueJson}`;
  return objectJson === '{}' ? `{${member}}` : `${objectJson.slice(0, -1)},${member}}`;
}

const resourceFragments = new WeakMap<object, string>();

/** The members of `obj` as JSON without the braces ('' when none). */
function members(obj: object): string {
  return JSON.stringify(obj).slice(1, -1);
}

/** The merged object's JSON: resource members (cached per resource), then the record's. */
function layeredJson(attrs: LayeredAttributes): string {
  // Rare: the record sets a key the resource has too. The merged object writes it once.
  if (attrs.shadowedResourceKeys().length > 0) return JSON.stringify(attrs.toJSON());
  let resource = resourceFragments.get(attrs.resource);
  if (resource === undefined) resourceFragments.set(attrs.resource, (resource = members(attrs.resource)));
  const record = JSON.stringify(attrs.record);
  if (resource === '') return record;
  return record === '{}' ? `{${resource}}` : `{${resource},${record.slice(1)}`;
}

type Container = Record<string, unknown> | unknown[];
interface Leaf {
  parent: Container;
  key: string | number;
  /** JSON-encoded size in bytes of the value at parent[key]. */
  size: number;
  /** Whether parent[key] sits inside the envelope (may be shortened, never removed). */
  envelope: boolean;
}

/** Mutates and returns `ev` so that JSON.stringify(ev) is at most `budget` UTF-8 bytes. */
function shrinkToFit(ev: Record<string, unknown>, budget: number): Record<string, unknown> {
  // `raw` is a verbatim copy of what the normalizer already extracted: the cheapest loss.
  delete ev.raw;
  ev.field_truncated = true;
  const markerSize = encodedLen(TRUNCATION_MARKER);
  // Each pass strictly shrinks the event, so this terminates; the bound is a safety net.
  for (let pass = 0; pass < 10_000; pass++) {
    const total = encodedLen(ev);
    if (total <= budget) return ev;
    const excess = total - budget;
    const { strings, containers } = collect(ev);
    const longest = strings.sort((a, b) => b.size - a.size)[0];
    if (longest && longest.size >= MIN_CUTTABLE) {
      const value = longest.parent[longest.key as never] as string;
      // Cut at least the excess, and never keep more than what is there minus the marker.
      const target = Math.max(0, longest.size - excess - markerSize);
      (longest.parent as Record<string | number, unknown>)[longest.key] = cutString(value, target) + TRUNCATION_MARKER;
      continue;
    }
    // Only many small strings / numbers are left: replace the biggest non-envelope subtree.
    const biggest = containers.filter((c) => !c.envelope && c.size > markerSize).sort((a, b) => b.size - a.size)[0];
    if (biggest) {
      (biggest.parent as Record<string | number, unknown>)[biggest.key] = TRUNCATION_MARKER;
      continue;
    }
    break;
  }
  // Pathological input (a huge envelope made of tiny parts): keep only the identifying core.
  return minimalEvent(ev, budget);
}

function collect(root: Container): { strings: Leaf[]; containers: Leaf[] } {
  const strings: Leaf[] = [];
  const containers: Leaf[] = [];
  const visit = (parent: Container, key: string | number, envelope: boolean): void => {
    const value = (parent as Record<string | number, unknown>)[key];
    if (typeof value === 'string') {
      strings.push({ parent, key, size: encodedLen(value), envelope });
    } else if (value !== null && typeof value === 'object') {
      containers.push({ parent, key, size: encodedLen(value), envelope });
      walk(value as Container, envelope);
    }
  };
  const walk = (node: Container, envelope: boolean): void => {
    if (Array.isArray(node)) node.forEach((_, i) => visit(node, i, envelope));
    else for (const k of Object.keys(node)) visit(node, k, envelope);
  };
  if (Array.isArray(root)) walk(root, false);
  else for (const k of Object.keys(root)) visit(root, k, ENVELOPE.has(k));
  return { strings, containers };
}

/**
 * The longest prefix of `s` whose JSON encoding (quotes included) fits in `maxEncoded` bytes,
 * never ending between the two halves of a surrogate pair (that would not be valid UTF-8).
 */
export function cutString(s: string, maxEncoded: number): string {
  let lo = 0;
  let hi = s.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (encodedLen(s.slice(0, mid)) <= maxEncoded) lo = mid;
    else hi = mid - 1;
  }
  let end = lo;
  const last = s.charCodeAt(end - 1);
  if (end > 0 && last >= 0xd800 && last <= 0xdbff) end -= 1;
  return s.slice(0, end);
}

function minimalEvent(ev: Record<string, unknown>, budget: number): Record<string, unknown> {
  const core: Record<string, unknown> = {};
  for (const k of ['timestamp', 'vendor', 'product', 'schema_version', 'event', 'severity', 'endpoint', 'harness']) {
    if (k in ev) core[k] = ev[k];
  }
  core.field_truncated = true;
  core.message = TRUNCATION_MARKER;
  if (encodedLen(core) <= budget) return core;
  // Even the envelope is too big: keep its scalar top-level fields only.
  const bare: Record<string, unknown> = { field_truncated: true, message: TRUNCATION_MARKER };
  for (const [k, v] of Object.entries(core)) if (typeof v !== 'object') bare[k] = typeof v === 'string' ? cutString(v, 64) : v;
  return bare;
}
