/**
 * Splunk HEC indexer acknowledgement: after a batch was accepted with an `ackId`, ask
 * POST /services/collector/ack?channel=<channel> {"acks":[id]} until it answers
 * {"acks":{"<id>":true}} (the events are indexed, i.e. durable in Splunk).
 *
 * Polls start fast and slow down (250 ms doubling to 5 s: Splunk indexes within seconds, and
 * the channel's ack is polled only while a batch waits, never while idle). If no ack comes
 * within the deadline the batch is sent again: Splunk may have lost it, and receivers
 * de-duplicate on event.id.
 */
import type { HttpTarget } from './http-post';
import { classifyError, classifyStatus, excerpt, type Outcome } from './retry-policy';

export interface HecAckOptions {
  http: HttpTarget;
  /** The event endpoint URL; the ack endpoint is its sibling. */
  eventUrl: URL;
  headers: () => Record<string, string>;
  deadlineMs?: number;
}

const FIRST_POLL_MS = 250;
const MAX_POLL_MS = 5000;
export const DEFAULT_ACK_DEADLINE_MS = 120_000;

export class HecAckWaiter {
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private wake: (() => void) | undefined;

  constructor(private readonly opts: HecAckOptions) {}

  ackUrl(): URL {
    const u = new URL(this.opts.eventUrl);
    u.pathname = u.pathname.replace(/\/(event|raw)(\/1\.0)?\/?$/, '') + '/ack';
    u.search = '';
    u.searchParams.set('channel', this.opts.headers()['x-splunk-request-channel'] ?? '');
    return u;
  }

  async wait(ackId: number): Promise<Outcome> {
    const deadline = Date.now() + (this.opts.deadlineMs ?? DEFAULT_ACK_DEADLINE_MS);
    let delay = FIRST_POLL_MS;
    let last = 'no answer yet';
    while (!this.closed && Date.now() < deadline) {
      await this.sleep(delay);
      if (this.closed) break;
      delay = Math.min(MAX_POLL_MS, delay * 2);
      let text: string;
      try {
        const a = await this.opts.http.post(this.ackUrl(), { 'content-type': 'application/json', ...this.opts.headers() }, JSON.stringify({ acks: [ackId] }));
        text = a.body.toString('utf8');
        const o = classifyStatus(a.status, a.headers, text);
        if (o.kind !== 'ok') {
          // Acknowledgement switched off on the HEC since the batch was sent: the 200 stands.
          if (/"code"\s*:\s*14\b/.test(text)) return { kind: 'ok', note: 'the HEC turned indexer acknowledgement off' };
          if (o.kind === 'fatal') return o;
          last = o.reason;
          continue;
        }
      } catch (err) {
        last = (classifyError(err) as { reason: string }).reason;
        continue;
      }
      const acked = readAck(text, ackId);
      if (acked === true) return { kind: 'ok' };
      if (acked === undefined) last = `unexpected ack answer: ${excerpt(text)}`;
    }
    if (this.closed) return { kind: 'retry', reason: 'stopped while waiting for the HEC acknowledgement' };
    return { kind: 'retry', reason: `the HEC did not acknowledge ackId ${ackId} within ${Math.round((this.opts.deadlineMs ?? DEFAULT_ACK_DEADLINE_MS) / 1000)} s (${last}); sending the batch again` };
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.wake = resolve;
      this.timer = setTimeout(resolve, ms);
    });
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.wake?.();
  }
}

function readAck(text: string, id: number): boolean | undefined {
  try {
    const v = JSON.parse(text) as { acks?: Record<string, unknown> };
    const a = v.acks?.[String(id)];
    return typeof a === 'boolean' ? a : undefined;
  } catch {
    return undefined;
  }
}
