/**
 * Facts about an event that every reader must agree on (the dashboard's session rollups, the
 * renderer's sentences, CI summaries): is it a patch Codex did not apply, is it Beacon's own
 * validation event. Pure functions over the schema; imports nothing but types.
 */
import type { BeaconEvent } from './event';

/** harness.originator of `beacon endpoint test-event` (electron/endpoint/test-event.ts). */
export const VALIDATION_ORIGINATOR = 'beacon_test_event';
/** What the normalizer writes for the test event's `beacon.validation` record. */
const VALIDATION_ACTIONS = new Set(['otel.beacon.validation', 'telemetry.validation']);

/** Beacon's own pipeline check, not Codex activity: never a Codex session. */
export function isBeaconValidation(ev: BeaconEvent): boolean {
  return ev.harness?.originator === VALIDATION_ORIGINATOR || VALIDATION_ACTIONS.has(ev.event?.action);
}

/**
 * A file.modified that records a FAILED patch: Beacon wrote these (tool.success false) before a
 * failed patch became one tool.failed. The file did not change. Logs keep them for months.
 */
export function isFailedFileChange(ev: BeaconEvent): boolean {
  return ev.event?.action === 'file.modified' && ev.tool?.success === false;
}

/** A patch Codex did not apply, in today's form (tool.failed of apply_patch) or the older one. */
export function isFailedPatch(ev: BeaconEvent): boolean {
  return isFailedFileChange(ev) || (ev.event?.action === 'tool.failed' && (ev.patch !== undefined || ev.tool?.name === 'apply_patch'));
}

/**
 * Beacon's signals about itself and the machine (collector.*, tamper.*, posture.inventory):
 * written by the collector, not sent by an agent, so "the last event" of a check that asks
 * "does the agent's telemetry arrive?" skips them.
 */
export function isBeaconSignal(action: string | undefined): boolean {
  return typeof action === 'string' && (action.startsWith('collector.') || action.startsWith('tamper.') || action.startsWith('posture.'));
}
