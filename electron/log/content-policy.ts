/**
 * The content policy, applied to every event just before it is written (design.md: "Secrets are
 * redacted before anything is written ... a content policy lets a team keep metadata only").
 *
 * Secrets are masked in EVERY mode: no setting writes an API key to disk. The modes differ in how
 * much of the user's text is kept:
 *
 *  - `full`      every text kept whole (prompt, command, tool arguments and output, response,
 *                message, raw attributes), secrets masked. For a developer who wants the exact
 *                tool output on their own machine.
 *  - `redacted`  (default) as `full`, and every text longer than 4096 characters is cut there with
 *                a visible marker (`content.truncated`, `field_truncated`). Keeps runtime.jsonl
 *                and the SIEM bill bounded: Codex sends whole patch bodies and file contents as
 *                tool arguments / output.
 *  - `metadata`  no free text anywhere in the event: prompt text, command lines, tool arguments,
 *                tool output, response text, span status messages, `raw.body`, and in
 *                `raw.attributes` every string that is not a known metadata attribute, at any
 *                depth, resource attributes included (metadata-attributes.ts: an allowlist).
 *                For each removed field, `content.withheld["<path>"]` = {length, sha256}
 *                (`prompt.hash` too), so identical prompts or commands can still be correlated.
 *                The hash is of the SECRET-MASKED text, so it can never confirm a guessed secret.
 *                Messages that quote text (command, error, generic events) are replaced by neutral
 *                ones. Kept: file paths, tool / MCP / model names, decisions, counts, durations,
 *                exit codes, and error messages (diagnostics such as "http 500", masked, cut at
 *                4096).
 *
 * Every other string of the event (session, user, run, tool and file names, model, raw fields)
 * is masked for secrets and cut like a text under every policy: a secret is a secret wherever
 * an exporter puts it.
 *
 * `content = {retention, redacted, truncated}` records what was done. The function modifies the
 * given event in place and returns it (the normalizer hands over fresh objects; copying every
 * event would cost throughput for nothing). `raw.attributes` is replaced by a new object when it
 * changes, never edited, because it may share values with the decoded request.
 */
import type { BeaconEvent, ContentPolicy } from '../shared/event';
import type { Attributes } from '../shared/otlp-types';
import { LayeredAttributes } from '../shared/layered-attributes';
import { metadataAttributes } from './metadata-attributes';
import { forgetRecentTexts, redactText } from './redaction';
import { POLICY_TRUNCATION_MARKER, TEXT_LIMIT, fingerprint, newState, policeText, policeValue, type PolicyState } from './policy-walk';

export { POLICY_TRUNCATION_MARKER, TEXT_LIMIT };

/**
 * Envelope fields Beacon sets itself from fixed values or its own formatting: never user text.
 * `finding`: written only by electron/detections, from rule texts already masked for secrets when
 * the rule is compiled (detections/rule-compile.ts); scanning the same descriptions, full of
 * words like "token" and "password", on every finding cost more than the rest of detection.
 */
const BEACON_OWNED = new Set(['timestamp', 'vendor', 'product', 'schema_version', 'event', 'severity', 'trace', 'field_truncated', 'content', 'raw', 'message', 'finding']);

/** Free-text fields, [block, field]: withheld under `metadata`, else masked and cut. */
const FREE_TEXT: ReadonlyArray<readonly [string, string]> = [
  ['prompt', 'text'],
  ['command', 'command'],
  ['command', 'output'],
  ['tool', 'command'],
  ['tool', 'output'],
  ['response', 'text'],
  ['span', 'status_message'],
];

export function applyContentPolicy(event: BeaconEvent, policy: ContentPolicy): BeaconEvent {
  if (policy !== 'full' && policy !== 'redacted' && policy !== 'metadata') {
    throw new TypeError(`unknown content policy ${JSON.stringify(policy)} (expected full, redacted or metadata)`);
  }
  forgetRecentTexts(); // texts repeat within an event (typed field + raw), not across events
  const st = newState(policy === 'full' ? undefined : TEXT_LIMIT);
  const metadata = policy === 'metadata';
  const ev = event as unknown as Record<string, Record<string, unknown> | undefined>;

  // Take the free texts out, police every other string of the typed blocks, then put them back
  // policed (or withheld): each string is scanned once. Taken out = set to undefined, not
  // deleted: `delete` turns a block into a dictionary-mode object, which made every later
  // property read and the writer's JSON.stringify of it about twice as slow. The walk passes
  // undefined through, JSON leaves it out, and only `metadata` (which removes the field for
  // good) deletes.
  const taken: Array<[string, string, string]> = [];
  for (const [block, field] of FREE_TEXT) {
    const b = ev[block];
    if (b && typeof b[field] === 'string') {
      taken.push([block, field, b[field] as string]);
      b[field] = undefined;
    }
  }
  const call = event.gen_ai?.tool?.call;
  const args = call?.arguments;
  if (call && args !== undefined) call.arguments = undefined;
  const errorMessage = event.error?.message;
  if (event.error && errorMessage !== undefined) event.error.message = undefined;

  for (const key in event) {
    if (BEACON_OWNED.has(key)) continue;
    const v = ev[key];
    if (v !== undefined && v !== null) ev[key] = policeValue(v, st, key) as Record<string, unknown>;
  }

  for (const [block, field, value] of taken) {
    // The walk above hands back a copy of a block it changed: write into the current one.
    const b = ev[block]!;
    const path = `${block}.${field}`;
    if (metadata) {
      delete b[field];
      st.withheld[path] = fingerprint(value, st);
      if (path === 'prompt.text') (b as { hash?: string }).hash = st.withheld[path].sha256;
    } else {
      b[field] = policeText(value, st);
    }
  }
  if (call && args !== undefined) {
    const current = event.gen_ai!.tool!.call!;
    if (metadata) {
      delete current.arguments;
      st.withheld['gen_ai.tool.call.arguments'] = fingerprint(typeof args === 'string' ? args : JSON.stringify(args), st);
    } else current.arguments = policeValue(args, st);
  }
  if (event.error && errorMessage !== undefined) event.error.message = policeText(errorMessage, st, TEXT_LIMIT);
  if (event.message !== undefined) {
    if (metadata && quotesText(event)) {
      event.message = neutralMessage(event);
    } else {
      let message = event.message;
      // The normalizer's message may quote a free text cut short (`Codex ran \`curl ...…\``); a
      // secret cut in half no longer matches its rule, so quote the masked text instead.
      for (const [, , original] of taken) message = requoteMasked(message, original);
      if (typeof args === 'string') message = requoteMasked(message, args);
      if (typeof event.raw?.body === 'string') message = requoteMasked(message, event.raw.body);
      event.message = policeText(message, st);
    }
  }
  if (event.raw) event.raw = policeRaw(event.raw, st, metadata);

  event.content = { retention: policy, redacted: st.redacted, truncated: st.truncated };
  if (metadata && Object.keys(st.withheld).length > 0) event.content.withheld = st.withheld;
  if (st.truncated) event.field_truncated = true;
  return event;
}

const oneLine = (s: string): string => (s.indexOf('\n') >= 0 ? s.replace(/\s*\n\s*/g, ' ') : s);
/** Shortest quote worth looking for: shorter prefixes match ordinary words by chance. */
const MIN_QUOTE = 12;

/** `message` with any quoted prefix of `original` replaced by the same length of its masked form. */
function requoteMasked(message: string, original: string): string {
  if (original.length < MIN_QUOTE) return message;
  const line = oneLine(original);
  const at = message.indexOf(line.slice(0, MIN_QUOTE));
  if (at < 0) return message;
  let n = MIN_QUOTE;
  while (at + n < message.length && n < line.length && message.charCodeAt(at + n) === line.charCodeAt(n)) n++;
  // Only the quoted part (and a little after it, where a cut secret ends) needs judging.
  const masked = redactText(line.slice(0, n + 256));
  if (!masked.redacted) return message;
  return message.slice(0, at) + masked.text.slice(0, n) + message.slice(at + n);
}

function policeRaw(raw: Record<string, unknown>, st: PolicyState, metadata: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    const v = raw[key];
    if (key === 'attributes') {
      out.attributes = policeAttributesValue(v, st, metadata);
    } else if (metadata && key === 'body') {
      // removed: an OTLP log body is free text
    } else if (metadata && key === 'status' && v !== null && typeof v === 'object' && 'message' in v) {
      const { message, ...rest } = v as { message: unknown };
      if (typeof message === 'string' && message !== '') st.withheld['raw.status.message'] = fingerprint(message, st);
      out.status = policeValue(rest, st, key);
    } else {
      out[key] = policeValue(v, st, key);
    }
  }
  return out;
}

function policeAttributesValue(attrs: unknown, st: PolicyState, metadata: boolean): unknown {
  if (attrs instanceof LayeredAttributes) {
    const record = policeAttributes(attrs.record, st, metadata);
    const resource = policedResource(attrs.resource, st, metadata);
    return record === attrs.record && resource === attrs.resource ? attrs : new LayeredAttributes(record, resource);
  }
  if (attrs !== null && typeof attrs === 'object' && !Array.isArray(attrs)) return policeAttributes(attrs as Attributes, st, metadata);
  return policeValue(attrs, st);
}

function policeAttributes(attrs: Attributes, st: PolicyState, metadata: boolean): Attributes {
  return (metadata ? metadataAttributes(attrs, st) : policeValue(attrs, st)) as Attributes;
}

interface PolicedResource {
  value: Attributes;
  redacted: boolean;
  truncated: boolean;
  withheld: PolicyState['withheld'];
}

/**
 * One ResourceLogs' attributes are shared by every event of the export (and the decoder hands
 * out the same object for all of them): police them once per object and policy, not per event.
 * Keyed weakly on the object, so nothing outlives the request.
 */
const resourceCache = new WeakMap<object, Map<string, PolicedResource>>();

/** The cache's key for a policy (constant strings for the usual limits: this runs per event). */
function resourceMode(metadata: boolean, limit: number | undefined): string {
  if (limit === undefined) return metadata ? 'metadata:none' : 'text:none';
  if (limit === TEXT_LIMIT) return metadata ? 'metadata:text-limit' : 'text:text-limit';
  return `${metadata ? 'metadata' : 'text'}:${limit}`;
}

function policedResource(resource: Attributes, st: PolicyState, metadata: boolean): Attributes {
  const mode = resourceMode(metadata, st.limit);
  let byMode = resourceCache.get(resource);
  let hit = byMode?.get(mode);
  if (!hit) {
    const own = newState(st.limit);
    hit = { value: policeAttributes(resource, own, metadata), redacted: own.redacted, truncated: own.truncated, withheld: own.withheld };
    if (!byMode) resourceCache.set(resource, (byMode = new Map()));
    byMode.set(mode, hit);
  }
  if (hit.redacted) st.redacted = true;
  if (hit.truncated) st.truncated = true;
  for (const k in hit.withheld) st.withheld[k] ??= hit.withheld[k];
  return hit.value;
}

/** Whether the normalizer's message for this event can quote user text (see normalize-log-events.ts). */
function quotesText(ev: BeaconEvent): boolean {
  return ev.event.category === 'command' || ev.event.category === 'other' || ev.event.action === 'session.error';
}

function neutralMessage(ev: BeaconEvent): string {
  if (ev.event.category === 'command') {
    const c = ev.command;
    const outcome = c?.exit_code !== undefined ? ` (exit ${c.exit_code})` : c?.success === false ? ' (failed)' : '';
    return `Command executed${outcome}`;
  }
  if (ev.event.action === 'session.error') {
    return ev.error?.status_code !== undefined ? `Session error (HTTP ${ev.error.status_code})` : 'Session error';
  }
  return `Event ${ev.event.action}`;
}
