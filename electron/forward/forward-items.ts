/**
 * Lines of the runtime log -> what a destination sends. Each line is parsed (the encoders need
 * its timestamp, ids and endpoint), lines that are not Beacon events are skipped (the log is
 * shared with whatever else appends to it), and when the destination has a stricter content
 * policy than the one the line was written with, the policy is applied again here, on the
 * parsed event, before anything leaves the machine (e.g. metadata-only off-box while the local
 * file keeps redacted text for the developer).
 */
import type { BeaconEvent, ContentPolicy } from '../shared/event';
import { applyContentPolicy } from '../log/content-policy';
import { parseEventLine } from '../log/reader-lines';
import type { ForwardItem } from './destination';

const STRICTNESS: Record<ContentPolicy, number> = { full: 0, redacted: 1, metadata: 2 };

/** Whether an event written under `written` must be policed again for a destination asking for `wanted`. */
export function needsPolicing(written: ContentPolicy | undefined, wanted: ContentPolicy | undefined): boolean {
  if (!wanted) return false;
  // An event without a content block (another writer, an old version) is treated as full text.
  return STRICTNESS[wanted] > STRICTNESS[written ?? 'full'];
}

export function prepareItems(lines: readonly string[], policy: ContentPolicy | undefined): { items: ForwardItem[]; skipped: number } {
  const items: ForwardItem[] = [];
  let skipped = 0;
  for (const line of lines) {
    const parsed = parseEventLine(line);
    if (!parsed) {
      if (line.trim() !== '') skipped++;
      continue;
    }
    const event = parsed.event;
    const retention = event.content?.retention as ContentPolicy | undefined;
    if (needsPolicing(STRICTNESS[retention as ContentPolicy] === undefined ? undefined : retention, policy)) {
      items.push({ line: JSON.stringify(police(event, policy!)), event, timeMs: parsed.timeMs });
    } else {
      items.push({ line, event, timeMs: parsed.timeMs });
    }
  }
  return { items, skipped };
}

function police(event: BeaconEvent, policy: ContentPolicy): BeaconEvent {
  const before = event.content;
  applyContentPolicy(event, policy);
  // Keep what the first pass found: a secret masked locally is still a secret that was there.
  if (before?.redacted && event.content) event.content.redacted = true;
  if (before?.truncated && event.content) event.content.truncated = true;
  return event;
}
