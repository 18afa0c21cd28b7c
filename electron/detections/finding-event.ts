/**
 * A rule match as a `finding.detected` event (the contract in shared/event.ts). Everything in it
 * comes from the rule and the triggering events, never from the clock, so `beacon scan` over
 * the log derives exactly the finding the live engine wrote (its own `event.id` aside).
 */
import { PRODUCT, SCHEMA_VERSION, VENDOR, type BeaconEvent } from '../shared/event';
import { createHash } from 'node:crypto';
import type { CompiledRule } from './rule-compile';

export function findingEvent(rule: CompiledRule, triggers: readonly BeaconEvent[]): BeaconEvent {
  const last = triggers[triggers.length - 1];
  const sessionId = last.session?.id;
  const ev: BeaconEvent = {
    // The last trigger's time: when the rule became true, and the same in a rescan.
    timestamp: last.timestamp,
    vendor: VENDOR,
    product: PRODUCT,
    schema_version: SCHEMA_VERSION,
    // The id is given here (not by the writer) so that rules written for findings can cite it,
    // and derived from rule + triggers so that a rescan gives the very same id.
    event: { kind: 'agent_runtime', action: 'finding.detected', category: 'finding', id: findingId(rule.id, triggers) },
    severity: rule.severity,
    endpoint: { ...last.endpoint },
    harness: { ...last.harness },
    ...(sessionId !== undefined ? { session: { id: sessionId } } : {}),
    ...(last.user ? { user: { ...last.user } } : {}),
    ...(last.origin ? { origin: last.origin } : {}),
    ...(last.run ? { run: { ...last.run } } : {}),
    finding: {
      rule_id: rule.id,
      title: rule.title,
      severity: rule.severity,
      description: rule.description,
      mitre: [...rule.mitre],
      owasp: [...rule.owasp],
      event_ids: triggers.map((t) => t.event.id).filter((id): id is string => typeof id === 'string'),
      rule_source: rule.source,
    },
    message: `Detection ${rule.id} (${rule.severity}): ${rule.title}`,
  };
  return ev;
}

/**
 * A UUIDv7-shaped id (shared/event-id.ts's format: the last trigger's milliseconds, then bits of
 * a sha256 of the rule id and the triggers' ids instead of random ones): stable across rescans.
 */
export function findingId(ruleId: string, triggers: readonly BeaconEvent[]): string {
  const last = triggers[triggers.length - 1];
  const ms = Math.max(0, Date.parse(last.timestamp) || 0);
  const h = createHash('sha256').update(ruleId).update('\u0000').update(triggers.map((t) => t.event.id ?? `${t.timestamp}/${t.event.action}`).join(',')).digest();
  const time = ms.toString(16).padStart(12, '0').slice(-12);
  const hex = h.toString('hex');
  const variant = (0x8 | (h[2] & 0x3)).toString(16);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${hex.slice(1, 4)}-${variant}${hex.slice(5, 8)}-${hex.slice(8, 20)}`;
}
