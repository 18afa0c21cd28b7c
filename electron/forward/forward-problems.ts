/**
 * Which forwarding states are worth a problem sentence in the dashboard's and the tray's health
 * (and turn the light yellow): a destination stopped for good, or one that has been failing
 * long enough that the SIEM is visibly behind. A receiver that blinks for a few seconds is
 * shown in the forwarding panel, not raised as a problem.
 */
import { describeForward, type ForwardDestinationHealth } from '../shared/forwarding';
import { LAG_WARN_SECONDS } from './forward-status';

export function forwardingProblems(list: readonly ForwardDestinationHealth[], now = Date.now()): string[] {
  const out: string[] = [];
  for (const h of list) {
    const lagging = h.backlog.age_seconds !== null && h.backlog.age_seconds > LAG_WARN_SECONDS;
    if (h.state === 'failed') out.push(`Forwarding stopped: ${describeForward(h, now)}`);
    else if (lagging) out.push(`Forwarding is behind: ${describeForward(h, now)}`);
    else if (h.lost_events > 0) out.push(`Forwarding lost events: ${describeForward(h, now)}`);
  }
  return out;
}
