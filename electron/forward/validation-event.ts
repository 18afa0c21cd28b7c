/**
 * `beacon endpoint forward test`: one validation event, encoded exactly as the forwarder
 * encodes the log's events, sent to the destination with its real URL, TLS settings and
 * token, and waited for until the receiver acknowledges it (for a HEC with indexer
 * acknowledgement: until Splunk says it is indexed). Proves the path end to end without
 * waiting for Codex to do something.
 */
import { hostname, platform, userInfo } from 'node:os';
import { PRODUCT, SCHEMA_VERSION, VENDOR, type BeaconEvent } from '../shared/event';
import { newEventId } from '../shared/event-id';
import { VERSION } from '../shared/version';
import { createDestination, type ResolvedDestination } from './forward-engine';
import { displayUrl } from './forward-config';
import { prepareItems } from './forward-items';
import { scrub } from './secrets';

export interface ForwardTestResult {
  destination: string;
  type: string;
  url: string;
  ok: boolean;
  event_id: string;
  elapsed_ms: number;
  error?: string;
  note?: string;
}

export function validationEvent(destination: string, now = new Date()): BeaconEvent {
  let user: string | undefined;
  try {
    user = userInfo().username;
  } catch {
    user = undefined;
  }
  return {
    timestamp: now.toISOString(),
    vendor: VENDOR,
    product: PRODUCT,
    schema_version: SCHEMA_VERSION,
    event: { kind: 'agent_runtime', action: 'telemetry.validation', category: 'health', id: newEventId(now.getTime()) },
    severity: 'info',
    endpoint: { os: platform(), hostname: hostname(), agent_version: VERSION },
    harness: { name: 'beacon' },
    ...(user ? { user: { name: user } } : {}),
    health: { component: `forward:${destination}`, status: 'test' },
    message: `Beacon forwarding test for destination ${destination} from ${hostname()}`,
    content: { retention: 'metadata', redacted: false, truncated: false },
  };
}

export async function sendValidationEvent(r: ResolvedDestination, ackDeadlineMs = 60_000): Promise<ForwardTestResult> {
  const started = Date.now();
  const ev = validationEvent(r.cfg.name);
  const base = { destination: r.cfg.name, type: r.cfg.type, url: displayUrl(r.cfg.type, r.cfg.url), event_id: ev.event.id! };
  if (r.error) return { ...base, ok: false, elapsed_ms: 0, error: r.error };
  const dest = createDestination(r, { ackDeadlineMs });
  try {
    const { items } = prepareItems([JSON.stringify(ev)], r.cfg.content);
    const o = await dest.deliver(items);
    const elapsed = Date.now() - started;
    if (o.kind === 'ok') return { ...base, ok: true, elapsed_ms: elapsed, note: o.note };
    return { ...base, ok: false, elapsed_ms: elapsed, error: scrub(o.reason, r.token) };
  } finally {
    dest.close();
  }
}
