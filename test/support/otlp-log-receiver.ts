/**
 * An OTLP/HTTP logs receiver for tests that decodes every request with the upstream OTLP
 * schema (opentelemetry-proto, as embedded in electron/collector/otlp-schema.ts, through
 * protobufjs: not with the sender's own code), and an NDJSON receiver beside it.
 */
import type { BeaconEvent } from '../../electron/shared/event';
import { otlpTypes } from '../../electron/collector/otlp-schema';
import { EventLedger, SwitchableReceiver, type FailMode } from './switchable-receiver';

type AnyValue = { stringValue?: string; intValue?: string; boolValue?: boolean; doubleValue?: number };
type KeyValue = { key: string; value?: AnyValue };

export interface DecodedLogRecord {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber?: number;
  severityText?: string;
  eventName?: string;
  body: string;
  attributes: Record<string, string>;
  resource: Record<string, string>;
  scope: { name?: string; version?: string };
}

function attrs(list: KeyValue[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list ?? []) out[kv.key] = String(kv.value?.stringValue ?? kv.value?.intValue ?? kv.value?.boolValue ?? kv.value?.doubleValue ?? '');
  return out;
}

export function decodeLogsRequest(body: Buffer): DecodedLogRecord[] {
  const t = otlpTypes().ExportLogsServiceRequest;
  const msg = t.toObject(t.decode(body), { longs: String, enums: Number, defaults: false }) as {
    resourceLogs?: { resource?: { attributes?: KeyValue[] }; scopeLogs?: { scope?: { name?: string; version?: string }; logRecords?: (Omit<DecodedLogRecord, 'body' | 'attributes' | 'resource' | 'scope'> & { body?: AnyValue; attributes?: KeyValue[] })[] }[] }[];
  };
  const out: DecodedLogRecord[] = [];
  for (const rl of msg.resourceLogs ?? []) {
    const resource = attrs(rl.resource?.attributes);
    for (const sl of rl.scopeLogs ?? []) {
      for (const lr of sl.logRecords ?? []) {
        out.push({ ...lr, body: lr.body?.stringValue ?? '', attributes: attrs(lr.attributes), resource, scope: sl.scope ?? {} });
      }
    }
  }
  return out;
}

export class OtlpLogReceiver {
  readonly server: SwitchableReceiver;
  readonly records: DecodedLogRecord[] = [];
  readonly ledger = new EventLedger<BeaconEvent>();
  /** Requests whose body did not decode (must stay 0). */
  undecodable = 0;

  constructor(opts: { port?: number; host?: string; token?: string; tls?: { key: string; cert: string } } = {}) {
    this.server = new SwitchableReceiver({
      port: opts.port,
      host: opts.host,
      tls: opts.tls,
      handler: (req, body, path) => {
        if (path !== '/v1/logs') return { status: 404 };
        if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`) return { status: 401, body: 'unauthorized' };
        if (String(req.headers['content-type']) !== 'application/x-protobuf') return { status: 415 };
        let recs: DecodedLogRecord[];
        try {
          recs = decodeLogsRequest(body);
        } catch {
          this.undecodable++;
          return { status: 400, body: 'undecodable' };
        }
        for (const r of recs) {
          this.records.push(r);
          this.ledger.add(JSON.parse(r.body) as BeaconEvent);
        }
        // An empty ExportLogsServiceResponse is zero bytes.
        return { status: 200, headers: { 'content-type': 'application/x-protobuf' }, body: Buffer.alloc(0) };
      },
    });
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

  close(): Promise<void> {
    return this.server.close();
  }
}

export class NdjsonReceiver {
  readonly server: SwitchableReceiver;
  readonly ledger = new EventLedger<BeaconEvent>();
  readonly lines: string[] = [];

  constructor(opts: { port?: number; token?: string } = {}) {
    this.server = new SwitchableReceiver({
      port: opts.port,
      handler: (req, body) => {
        if (opts.token && req.headers.authorization !== `Bearer ${opts.token}`) return { status: 401 };
        const text = body.toString('utf8');
        if (!text.endsWith('\n')) return { status: 400, body: 'NDJSON must end with a newline' };
        for (const line of text.split('\n').filter(Boolean)) {
          this.lines.push(line);
          this.ledger.add(JSON.parse(line) as BeaconEvent);
        }
        return { status: 202 };
      },
    });
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

  close(): Promise<void> {
    return this.server.close();
  }
}
