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
 *  - `metadata`  no free text: prompt text, command lines, tool arguments, tool output, response
 *                text and raw text attributes (prompt, arguments, output, response, body) are
 *                removed. For each removed field, `content.withheld["<path>"]` = {length, sha256}
 *                (`prompt.hash` too), so identical prompts or commands can still be correlated.
 *                The hash is of the SECRET-MASKED text, so it can never confirm a guessed secret.
 *                Messages that quote text (command, error, generic events) are replaced by neutral
 *                ones. Kept: file paths, tool / MCP / model names, decisions, counts, durations,
 *                exit codes, and error messages (diagnostics such as "http 500", masked, cut at
 *                4096).
 *
 * `content = {retention, redacted, truncated}` records what was done. The function modifies the
 * given event in place and returns it (the normalizer hands over fresh objects; copying every
 * event would cost throughput for nothing). `raw.attributes` is replaced by a new object when it
 * changes, never edited, because it may share values with the decoded request.
 */
import { createHash } from 'node:crypto';
import type { BeaconEvent, ContentPolicy } from '../shared/event';
import { LayeredAttributes } from '../shared/layered-attributes';
import { REDACTED, isSecretKeyName, redactText } from './redact';

export const TEXT_LIMIT = 4096;
export const POLICY_TRUNCATION_MARKER = '…[truncated]';

/** raw.attributes keys whose values are user / model text (Codex: prompt, tool args and output). */
const TEXT_ATTRIBUTE_KEYS = new Set(['prompt', 'arguments', 'output', 'response']);

const NOT_SECRET_VALUE = /^(?:\d+|true|false|null|none)$/i;

interface PolicyState {
  limit: number | undefined;
  redacted: boolean;
  truncated: boolean;
}

function cut(s: string, st: PolicyState): string {
  if (st.limit === undefined || s.length <= st.limit) return s;
  let end = st.limit;
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end -= 1; // never split a surrogate pair
  st.truncated = true;
  return s.slice(0, end) + POLICY_TRUNCATION_MARKER;
}

function policeText(s: string, st: PolicyState): string {
  const r = redactText(s);
  if (r.redacted) st.redacted = true;
  return cut(r.text, st);
}

/** Mask and cut every string inside a JSON-like value; returns a new value when anything changed. */
function policeValue(value: unknown, st: PolicyState, keyHint?: string): unknown {
  if (typeof value === 'string') {
    if (keyHint !== undefined && value !== '' && isSecretKeyName(keyHint) && !NOT_SECRET_VALUE.test(value) && !value.startsWith('[REDACTED')) {
      st.redacted = true;
      return REDACTED;
    }
    return policeText(value, st);
  }
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = policeValue(value[i], st, keyHint);
      if (v !== value[i]) (copy ??= value.slice())[i] = v;
    }
    return copy ?? value;
  }
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    let copy: Record<string, unknown> | undefined;
    for (const k in obj) {
      const v = policeValue(obj[k], st, k);
      if (v !== obj[k]) (copy ??= { ...obj })[k] = v;
    }
    return copy ?? value;
  }
  return value;
}

function fingerprint(text: string, st: PolicyState): { length: number; sha256: string } {
  const masked = redactText(text);
  if (masked.redacted) st.redacted = true;
  return { length: text.length, sha256: createHash('sha256').update(masked.text, 'utf8').digest('hex') };
}

export function applyContentPolicy(event: BeaconEvent, policy: ContentPolicy): BeaconEvent {
  if (policy !== 'full' && policy !== 'redacted' && policy !== 'metadata') {
    throw new TypeError(`unknown content policy ${JSON.stringify(policy)} (expected full, redacted or metadata)`);
  }
  const st: PolicyState = { limit: policy === 'full' ? undefined : TEXT_LIMIT, redacted: false, truncated: false };
  const withheld: Record<string, { length: number; sha256: string }> = {};
  const metadata = policy === 'metadata';

  /** A free-text field: withheld under `metadata`, otherwise masked (and cut under `redacted`). */
  const text = (path: string, value: string | undefined): string | undefined => {
    if (value === undefined) return undefined;
    if (metadata) {
      withheld[path] = fingerprint(value, st);
      return undefined;
    }
    return policeText(value, st);
  };

  if (event.prompt?.text !== undefined) {
    const original = event.prompt.text;
    const kept = text('prompt.text', original);
    if (kept === undefined) {
      delete event.prompt.text;
      event.prompt.hash = withheld['prompt.text'].sha256;
    } else {
      event.prompt.text = kept;
    }
  }
  if (event.command) {
    setOrDelete(event.command, 'command', text('command.command', event.command.command));
    setOrDelete(event.command, 'output', text('command.output', event.command.output));
  }
  if (event.tool) {
    setOrDelete(event.tool, 'command', text('tool.command', event.tool.command));
    setOrDelete(event.tool, 'output', text('tool.output', event.tool.output));
  }
  if (event.response) setOrDelete(event.response, 'text', text('response.text', event.response.text));
  const call = event.gen_ai?.tool?.call;
  if (call && call.arguments !== undefined) {
    if (metadata) {
      const a = call.arguments;
      withheld['gen_ai.tool.call.arguments'] = fingerprint(typeof a === 'string' ? a : JSON.stringify(a), st);
      delete call.arguments;
    } else {
      call.arguments = policeValue(call.arguments, st);
    }
  }
  if (event.error?.message !== undefined) event.error.message = policeText(event.error.message, st);
  if (event.message !== undefined) {
    event.message = metadata && quotesText(event) ? neutralMessage(event) : policeText(event.message, st);
  }
  if (event.raw) event.raw = policeRaw(event.raw, st, metadata);

  event.content = { retention: policy, redacted: st.redacted, truncated: st.truncated };
  if (metadata && Object.keys(withheld).length > 0) event.content.withheld = withheld;
  if (st.truncated) event.field_truncated = true;
  return event;
}

function setOrDelete<T extends object, K extends keyof T>(obj: T, key: K, value: T[K] | undefined): void {
  if (value === undefined) delete obj[key];
  else obj[key] = value;
}

function policeRaw(raw: Record<string, unknown>, st: PolicyState, metadata: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  if (metadata && 'body' in out) delete out.body;
  else if (typeof out.body === 'string') out.body = policeText(out.body, st);
  const attrs = out.attributes;
  if (attrs instanceof LayeredAttributes) {
    const record = policeAttributes(attrs.record, st, metadata);
    const resource = policedResource(attrs.resource, st, metadata);
    out.attributes = record === attrs.record && resource === attrs.resource ? attrs : new LayeredAttributes(record, resource);
  } else if (attrs !== null && typeof attrs === 'object' && !Array.isArray(attrs)) {
    out.attributes = policeAttributes(attrs as Record<string, unknown>, st, metadata);
  }
  return out;
}

function policeAttributes<T extends Record<string, unknown>>(attrs: T, st: PolicyState, metadata: boolean): T {
  let source = attrs;
  if (metadata) {
    source = { ...source };
    for (const k of TEXT_ATTRIBUTE_KEYS) delete source[k];
  }
  return policeValue(source, st) as T;
}

interface PolicedResource {
  value: LayeredAttributes['resource'];
  redacted: boolean;
  truncated: boolean;
}

/**
 * One ResourceLogs' attributes are shared by every event of the export (and the decoder hands
 * out the same object for all of them): police them once per object and policy, not per event.
 * Keyed weakly on the object, so nothing outlives the request.
 */
const resourceCache = new WeakMap<object, Map<string, PolicedResource>>();

function policedResource(resource: LayeredAttributes['resource'], st: PolicyState, metadata: boolean): LayeredAttributes['resource'] {
  const mode = `${metadata ? 'metadata' : 'text'}:${st.limit ?? 'none'}`;
  let byMode = resourceCache.get(resource);
  let hit = byMode?.get(mode);
  if (!hit) {
    const own: PolicyState = { limit: st.limit, redacted: false, truncated: false };
    hit = { value: policeAttributes(resource, own, metadata), redacted: own.redacted, truncated: own.truncated };
    if (!byMode) resourceCache.set(resource, (byMode = new Map()));
    byMode.set(mode, hit);
  }
  if (hit.redacted) st.redacted = true;
  if (hit.truncated) st.truncated = true;
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
