/**
 * The parts of a Beacon event every Codex event shares, whatever it says: schema constants,
 * endpoint, harness, session / user / run identity and model. Logs and spans both use this,
 * so the two agree on who and where.
 */
import type { EndpointIdentity } from '../shared/harness';
import type { LayeredAttributes } from '../shared/layered-attributes';
import { PRODUCT, SCHEMA_VERSION, VENDOR, categoryForAction, type BeaconEvent, type Severity } from '../shared/event';
import { attrString } from './normalize-attributes';
import type { RunContext } from './normalize-run';

export const HARNESS_NAME = 'codex_cli';

export type { EndpointIdentity };

export interface EnvelopeInput {
  timestamp: string;
  action: string;
  severity: Severity;
  endpoint: EndpointIdentity;
  /** Resource attributes overlaid with the record's. */
  attrs: LayeredAttributes;
  run: RunContext;
  sessionId?: string;
  titleGeneration?: boolean;
}

/** Codex's conversation id is the session id (it equals the hooks' `session_id`). */
export function conversationIdOf(attrs: LayeredAttributes): string | undefined {
  return attrString(attrs, 'conversation.id') ?? attrString(attrs, 'thread.id');
}

/**
 * The event head, in the field order a person reading runtime.jsonl expects. The caller adds
 * the action-specific blocks, then finishIdentity(), then `trace`, `message` and `raw`.
 */
export function envelope(input: EnvelopeInput): BeaconEvent {
  const { attrs } = input;
  const harness: BeaconEvent['harness'] = { name: HARNESS_NAME };
  const version = attrString(attrs, 'app.version') ?? attrString(attrs, 'service.version');
  if (version) harness.version = version;
  const originator = attrString(attrs, 'originator');
  if (originator) harness.originator = originator;
  const service = attrString(attrs, 'service.name');
  if (service) harness.service_name = service;

  const ev: BeaconEvent = {
    timestamp: input.timestamp,
    vendor: VENDOR,
    product: PRODUCT,
    schema_version: SCHEMA_VERSION,
    event: { kind: 'agent_runtime', action: input.action, category: categoryForAction(input.action) },
    severity: input.severity,
    endpoint: { os: input.endpoint.os, hostname: input.endpoint.hostname, agent_version: input.endpoint.agent_version },
    harness,
  };
  if (input.sessionId || input.titleGeneration) {
    ev.session = {};
    if (input.sessionId) ev.session.id = input.sessionId;
    if (input.titleGeneration) ev.session.title_generation = true;
  }
  const email = attrString(attrs, 'user.email');
  const account = attrString(attrs, 'user.account_id');
  if (email || account) {
    ev.user = {};
    if (email) ev.user.email = email;
    if (account) ev.user.account_id = account;
  }
  if (input.run.origin) ev.origin = input.run.origin;
  if (input.run.run) ev.run = { ...input.run.run };
  return ev;
}

/**
 * After the action-specific blocks: `model` and `gen_ai` (conversation id + the draft's gen_ai
 * fields such as usage or tool call), so they follow what the event is about in the JSON line.
 */
export function finishIdentity(ev: BeaconEvent, attrs: LayeredAttributes, sessionId: string | undefined, extra: BeaconEvent['gen_ai'] | undefined): void {
  const model = attrString(attrs, 'model') ?? attrString(attrs, 'slug');
  if (model) ev.model = model;
  if (sessionId || extra) {
    ev.gen_ai = sessionId ? { conversation: { id: sessionId }, ...extra } : { ...extra };
  }
}
