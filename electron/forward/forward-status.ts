/**
 * Forwarding as `endpoint status` and `doctor` report it: the configured destinations joined
 * with what the running collector says about each (/healthz `consumers`), and the checks
 * derived from them (same shape as status.ts's checks). A security team reads this line to
 * know whether the SIEM is getting the events and how far behind it is.
 */
import { describeForward, isForwardHealth, type ForwardDestinationHealth } from '../shared/forwarding';
import { displayUrl, type ForwardDestinationConfig } from './forward-config';

/** A backlog older than this is reported (the SIEM is that far behind). */
export const LAG_WARN_SECONDS = 15 * 60;

export interface ForwardingDestinationStatus {
  name: string;
  type: string;
  url: string;
  enabled: boolean;
  /** From --forward on the running collector's command line, not config.json. */
  one_off: boolean;
  /** null: the collector is not running, or not running this destination. */
  health: ForwardDestinationHealth | null;
}

export interface ForwardingCheck {
  id: string;
  status: 'ok' | 'warn' | 'fail';
  message: string;
  action?: string;
}

export function forwardingStatus(configured: readonly ForwardDestinationConfig[], consumers: readonly unknown[] | undefined): ForwardingDestinationStatus[] {
  const live = new Map<string, ForwardDestinationHealth>();
  for (const c of consumers ?? []) if (isForwardHealth(c)) live.set(c.destination, c);
  const out: ForwardingDestinationStatus[] = configured.map((d) => ({
    name: d.name,
    type: d.type,
    url: displayUrl(d.type, d.url),
    enabled: d.enabled !== false,
    one_off: false,
    health: live.get(d.name) ?? null,
  }));
  for (const h of live.values()) {
    if (!configured.some((d) => d.name === h.destination)) out.push({ name: h.destination, type: h.type, url: h.url, enabled: true, one_off: true, health: h });
  }
  return out;
}

export function forwardingChecks(dests: readonly ForwardingDestinationStatus[], collectorUp: boolean, opts: { sudo: string; sys: string }, now = Date.now()): ForwardingCheck[] {
  const checks: ForwardingCheck[] = [];
  const test = (name: string) => `${opts.sudo}beacon endpoint forward test ${name}${opts.sys}`;
  for (const d of dests) {
    const id = `forward:${d.name}`;
    const h = d.health;
    if (!d.enabled) continue;
    if (!h) {
      if (collectorUp) checks.push({ id, status: 'warn', message: `destination ${d.name} is in config.json but the running collector does not forward to it`, action: `restart the collector to apply config.json (${opts.sudo}beacon endpoint repair${opts.sys})` });
      continue;
    }
    const line = describeForward(h, now);
    if (h.state === 'failed') {
      checks.push({ id, status: 'fail', message: `forwarding stopped: ${line}`, action: `fix the destination (URL, token, receiver), check it with \`${test(d.name)}\`, then restart the collector` });
    } else if (h.state === 'retrying') {
      checks.push({ id, status: 'warn', message: `forwarding is retrying: ${line}`, action: `check that ${h.url} is reachable (\`${test(d.name)}\`); events wait in runtime.jsonl meanwhile` });
    } else if (h.backlog.age_seconds !== null && h.backlog.age_seconds > LAG_WARN_SECONDS) {
      checks.push({ id, status: 'warn', message: `forwarding is behind: ${line}` });
    } else if (h.lost_events > 0) {
      checks.push({ id, status: 'warn', message: `${line}: the receiver was away longer than the log's archives last`, action: 'raise rotate_archives / rotate_bytes in config.json so the log holds a longer outage' });
    } else {
      checks.push({ id, status: 'ok', message: line });
    }
  }
  return checks;
}

export function formatForwarding(dests: readonly ForwardingDestinationStatus[], now = Date.now()): string[] {
  return dests.map((d, i) => `${i === 0 ? 'Forwarding: ' : '            '}${d.health ? describeForward(d.health, now) : `${d.name} (${d.type}) ${d.url}: ${d.enabled ? 'not running' : 'disabled'}`}`);
}
