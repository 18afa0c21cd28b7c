/**
 * A Splunk-HEC-compatible receiver for tests, written from Splunk's documented HEC protocol:
 * POST /services/collector/event (also /services/collector and .../event/1.0) with
 * `Authorization: Splunk <token>`, a body of JSON envelopes one after another (whitespace
 * between them optional), gzip allowed; answers {"text":"Success","code":0}. With indexer
 * acknowledgement on, a request needs X-Splunk-Request-Channel (else 400 code 10), the answer
 * carries an ackId, and POST /services/collector/ack?channel=... {"acks":[ids]} answers which
 * are indexed (after `ackDelayMs`). Error answers follow HEC's codes (2 token required, 4
 * invalid token, 6 invalid data format).
 */
import type { BeaconEvent } from '../../electron/shared/event';
import { EventLedger, SwitchableReceiver, type FailMode } from './switchable-receiver';

export interface HecEnvelope {
  time?: number;
  host?: string;
  source?: string;
  sourcetype?: string;
  index?: string;
  event: unknown;
}

export interface HecReceiverOptions {
  /** Loopback address to listen on (SwitchableReceiverOptions.host). */
  host?: string;
  token: string;
  ack?: boolean;
  ackDelayMs?: number;
  port?: number;
  tls?: { key: string; cert: string };
}

/** Split a HEC body into its JSON objects (they may follow each other without a separator). */
export function splitEnvelopes(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
      if (depth < 0) throw new Error('unbalanced braces');
    } else if (depth === 0 && !/\s/.test(c)) throw new Error(`unexpected ${JSON.stringify(c)} between events`);
  }
  if (depth !== 0 || inString) throw new Error('truncated event');
  return out;
}

export class HecReceiver {
  readonly server: SwitchableReceiver;
  readonly envelopes: HecEnvelope[] = [];
  readonly ledger = new EventLedger<BeaconEvent>();
  private nextAck = 0;
  private readonly acks = new Map<string, Map<number, number>>();

  constructor(private readonly opts: HecReceiverOptions) {
    this.server = new SwitchableReceiver({ port: opts.port, host: opts.host, tls: opts.tls, handler: (req, body, path) => this.handle(req.headers, body, path, req.url ?? '') });
  }

  get url(): string {
    return this.server.url;
  }

  set mode(m: FailMode) {
    this.server.mode = m;
  }

  async start(): Promise<this> {
    await this.server.up();
    return this;
  }

  /** Events (the `event` member of each envelope) in arrival order, copies included. */
  events(): BeaconEvent[] {
    return this.envelopes.map((e) => (typeof e.event === 'string' ? JSON.parse(e.event) : e.event) as BeaconEvent);
  }

  private handle(headers: NodeJS.Dict<string | string[]>, body: Buffer, path: string, rawUrl: string): { status: number; body: string; headers?: Record<string, string> } {
    const json = (status: number, v: unknown) => ({ status, body: JSON.stringify(v), headers: { 'content-type': 'application/json' } });
    const auth = String(headers.authorization ?? '');
    if (!auth) return json(401, { text: 'Token is required', code: 2 });
    if (auth !== `Splunk ${this.opts.token}`) return json(403, { text: 'Invalid token', code: 4 });
    const channel = String(headers['x-splunk-request-channel'] ?? new URL(rawUrl, 'http://x').searchParams.get('channel') ?? '');
    if (path === '/services/collector/ack') {
      if (!this.opts.ack) return json(400, { text: 'ACK is disabled', code: 14 });
      const asked = (JSON.parse(body.toString('utf8')) as { acks: number[] }).acks;
      const mine = this.acks.get(channel) ?? new Map<number, number>();
      const now = Date.now();
      return json(200, { acks: Object.fromEntries(asked.map((id) => [String(id), mine.has(id) && now >= mine.get(id)!])) });
    }
    if (!/^\/services\/collector(\/event(\/1\.0)?)?\/?$/.test(path)) return json(404, { text: 'The requested URL was not found on this server.', code: 404 });
    if (this.opts.ack && !channel) return json(400, { text: 'Data channel is missing', code: 10 });
    let parsed: unknown[];
    try {
      parsed = splitEnvelopes(body.toString('utf8'));
    } catch {
      return json(400, { text: 'Invalid data format', code: 6 });
    }
    if (parsed.length === 0) return json(400, { text: 'No data', code: 5 });
    for (const p of parsed) {
      const env = p as HecEnvelope;
      if (!env || typeof env !== 'object' || env.event === undefined || env.event === '') return json(400, { text: 'Event field is required', code: 12 });
    }
    for (const p of parsed) {
      const env = p as HecEnvelope;
      this.envelopes.push(env);
      this.ledger.add((typeof env.event === 'string' ? JSON.parse(env.event) : env.event) as BeaconEvent);
    }
    if (!this.opts.ack) return json(200, { text: 'Success', code: 0 });
    const id = this.nextAck++;
    if (!this.acks.has(channel)) this.acks.set(channel, new Map());
    this.acks.get(channel)!.set(id, Date.now() + (this.opts.ackDelayMs ?? 0));
    return json(200, { text: 'Success', code: 0, ackId: id });
  }

  close(): Promise<void> {
    return this.server.close();
  }
}
