/**
 * `splunk-hec`: Splunk's HTTP Event Collector, event endpoint (/services/collector/event), one
 * request per batch: the events as HEC envelopes one after another, gzip-compressed.
 *
 *   {"time":1732427714.123,"host":"mbp-42","source":"beacon","sourcetype":"beacon:runtime:json","event":{...}}
 *
 * `event` is the Beacon line itself, spliced in without re-serializing it; `time` is the event's
 * timestamp in epoch seconds with milliseconds (HEC otherwise stamps the receipt time).
 *
 * Indexer acknowledgement: every request carries a channel (X-Splunk-Request-Channel, a UUID
 * per forwarder). A HEC with acknowledgement enabled answers with an `ackId`; the batch then
 * counts as delivered only once /services/collector/ack says that id was indexed (hec-ack.ts).
 * A HEC without it answers without an ackId, and its 200 is the acknowledgement.
 */
import { randomUUID } from 'node:crypto';
import { compress, type Destination, type DestinationContext, type ForwardItem } from './destination';
import { DEFAULT_SOURCETYPE } from './forward-config';
import { HecAckWaiter } from './hec-ack';
import { classifyError, classifyStatus, type Outcome } from './retry-policy';

export class HecDestination implements Destination {
  readonly channel = randomUUID();
  private readonly acks: HecAckWaiter;
  private readonly prefix: string;

  constructor(private readonly ctx: DestinationContext) {
    const c = ctx.cfg;
    const fixed: Record<string, string> = { source: c.source ?? 'beacon', sourcetype: c.sourcetype ?? DEFAULT_SOURCETYPE };
    if (c.index) fixed.index = c.index;
    // The constant part of every envelope, serialized once.
    this.prefix = JSON.stringify(fixed).slice(1, -1);
    this.acks = new HecAckWaiter({ http: ctx.http, eventUrl: ctx.url, headers: () => this.headers(), deadlineMs: ctx.ackDeadlineMs });
  }

  private headers(): Record<string, string> {
    return { ...this.ctx.cfg.headers, authorization: `Splunk ${this.ctx.token ?? ''}`, 'x-splunk-request-channel': this.channel };
  }

  encode(items: readonly ForwardItem[]): Buffer {
    const parts: string[] = new Array(items.length);
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      const host = it.event.endpoint?.hostname;
      parts[i] = `{"time":${(it.timeMs / 1000).toFixed(3)},${host ? `"host":${JSON.stringify(host)},` : ''}${this.prefix},"event":${it.line}}`;
    }
    return Buffer.from(parts.join('\n'), 'utf8');
  }

  async deliver(items: readonly ForwardItem[]): Promise<Outcome> {
    const { body, headers } = compress(this.ctx.cfg, this.encode(items), true);
    let ackId: number | undefined;
    try {
      const a = await this.ctx.http.post(this.ctx.url, { 'content-type': 'application/json', ...headers, ...this.headers() }, body);
      const text = a.body.toString('utf8');
      const outcome = classifyStatus(a.status, a.headers, text);
      if (outcome.kind !== 'ok') return outcome;
      ackId = readAckId(text);
    } catch (err) {
      return classifyError(err);
    }
    if (ackId === undefined) return { kind: 'ok' };
    return this.acks.wait(ackId);
  }

  close(): void {
    this.acks.close();
    this.ctx.http.close();
  }
}

function readAckId(text: string): number | undefined {
  try {
    const v = JSON.parse(text) as { ackId?: unknown };
    return typeof v.ackId === 'number' && Number.isSafeInteger(v.ackId) ? v.ackId : undefined;
  } catch {
    return undefined;
  }
}
