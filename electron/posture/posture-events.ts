/**
 * The events Beacon writes about itself and the machine's agent setup (event.ts PostureFacts):
 * collector.started / stopped / died, tamper.otel_*, posture.inventory. Built here in one shape
 * so every signal names its harness, its file and what happened the same way.
 */
import { hostname, platform } from 'node:os';
import { categoryForAction, PRODUCT, SCHEMA_VERSION, VENDOR, type BeaconEvent, type KnownAction, type PostureFacts, type Severity } from '../shared/event';
import type { TelemetryConfigState } from '../shared/harness';
import { VERSION } from '../shared/version';

export type PostureAction = Extract<KnownAction, `collector.${string}` | `tamper.${string}` | 'posture.inventory'>;

export function postureEvent(action: PostureAction, severity: Severity, message: string, posture: PostureFacts, harness: BeaconEvent['harness'] = { name: 'beacon' }, now = new Date()): BeaconEvent {
  return {
    timestamp: now.toISOString(),
    vendor: VENDOR,
    product: PRODUCT,
    schema_version: SCHEMA_VERSION,
    event: { kind: 'agent_runtime', action, category: categoryForAction(action) },
    severity,
    endpoint: { os: platform(), hostname: hostname(), agent_version: VERSION },
    harness,
    message,
    posture,
  };
}

/** The tamper action for a state that is not intact; undefined for intact (nothing to report). */
export function tamperAction(state: TelemetryConfigState): PostureAction | undefined {
  switch (state) {
    case 'removed':
      return 'tamper.otel_removed';
    case 'changed':
      return 'tamper.otel_changed';
    case 'overridden':
      return 'tamper.otel_overridden';
    default:
      return undefined;
  }
}
