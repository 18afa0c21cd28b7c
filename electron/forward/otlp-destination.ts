/**
 * `otlp-http`: OTLP/HTTP logs, protobuf, gzip, to a central OpenTelemetry Collector (the
 * engine fleets already run to route into Kafka, Splunk, Elastic, Sentinel or S3).
 *
 * The encoding is OpenTelemetry's own (@opentelemetry/otlp-transformer's ProtobufLogsSerializer,
 * the code the OTel JS SDK exporters use, here the 0.57 line whose protobufjs writer copies long
 * strings natively: see docs/decisions.md), so the bytes follow the upstream schema by
 * construction. Each Beacon event becomes one LogRecord:
 *   body            the event's JSON line, as a string (what a SIEM would have read from the file)
 *   time            the event's timestamp; observed time = when it was forwarded
 *   severity        Beacon's severity as text, and as the nearest OTel severity number
 *   attributes      event.id, event.action, event.category, session.id
 *   resource        host.name, os.type, user.name / user.id, beacon.harness.name / .version,
 *                   service.name = beacon-endpoint-agent, service.version = the agent's version
 * Answers: 200 (possibly with partial_success: the receiver dropped some records on purpose;
 * resending would not change its mind, so it counts as delivered, with a note).
 */
import type { ProtobufLogsSerializer as Serializer } from '@opentelemetry/otlp-transformer';
import type { Resource } from '@opentelemetry/resources';

/**
 * OpenTelemetry's encoder is loaded on first use, not at import: it costs ~7 MB resident, and
 * every collector imports this module while few forward over OTLP (issue 11.8: the idle budget).
 */
let otel: { ProtobufLogsSerializer: typeof Serializer; Resource: typeof Resource } | undefined;
function loadOtel(): NonNullable<typeof otel> {
  /* eslint-disable @typescript-eslint/no-require-imports */
  otel ??= {
    ProtobufLogsSerializer: (require('@opentelemetry/otlp-transformer') as { ProtobufLogsSerializer: typeof Serializer }).ProtobufLogsSerializer,
    Resource: (require('@opentelemetry/resources') as { Resource: typeof Resource }).Resource,
  };
  /* eslint-enable @typescript-eslint/no-require-imports */
  return otel;
}
import type { BeaconEvent } from '../shared/event';
import { VERSION } from '../shared/version';
import { bearer, compress, type Destination, type DestinationContext, type ForwardItem } from './destination';
import { classifyError, classifyStatus, type Outcome } from './retry-policy';

type ReadableLogRecord = Parameters<typeof Serializer.serializeRequest>[0][number];

/** OTel severity numbers (logs data model): INFO 9, INFO2 10, WARN 13, ERROR 17, FATAL 21. */
const SEVERITY_NUMBER: Record<string, number> = { info: 9, low: 10, medium: 13, high: 17, critical: 21 };

const SCOPE = { name: 'beacon.forwarder', version: VERSION };
const MAX_RESOURCES = 1000;

export class OtlpDestination implements Destination {
  private readonly resources = new Map<string, Resource>();

  constructor(private readonly ctx: DestinationContext) {}

  /** The protobuf ExportLogsServiceRequest for these events (uncompressed). */
  encode(items: readonly ForwardItem[], nowMs: number = Date.now()): Uint8Array {
    const observed = hrTime(nowMs);
    const records: ReadableLogRecord[] = items.map((it) => {
      const e = it.event;
      const attributes: Record<string, string> = { 'event.action': e.event.action, 'event.category': String(e.event.category) };
      if (e.event.id) attributes['event.id'] = e.event.id;
      if (e.session?.id) attributes['session.id'] = e.session.id;
      return {
        hrTime: hrTime(it.timeMs),
        hrTimeObserved: observed,
        severityNumber: SEVERITY_NUMBER[e.severity] ?? 9,
        severityText: e.severity,
        body: it.line,
        resource: this.resourceOf(e),
        instrumentationScope: SCOPE,
        attributes,
        droppedAttributesCount: 0,
      } as ReadableLogRecord;
    });
    return loadOtel().ProtobufLogsSerializer.serializeRequest(records) ?? new Uint8Array(0);
  }

  private resourceOf(e: BeaconEvent): Resource {
    const ep = e.endpoint;
    const u = e.user;
    const h = e.harness;
    // The key is built from the values only; the attribute object is made once per distinct key.
    const key = `${ep?.hostname}\u0000${ep?.os}\u0000${ep?.agent_version}\u0000${u?.name}\u0000${u?.uid}\u0000${u?.email}\u0000${h?.name}\u0000${h?.version}`;
    let r = this.resources.get(key);
    if (r) return r;
    const attrs: Record<string, string> = { 'service.name': 'beacon-endpoint-agent' };
    if (ep?.agent_version) attrs['service.version'] = ep.agent_version;
    if (ep?.hostname) attrs['host.name'] = ep.hostname;
    if (ep?.os) attrs['os.type'] = ep.os;
    if (u?.name) attrs['user.name'] = u.name;
    if (u?.uid) attrs['user.id'] = u.uid;
    if (u?.email) attrs['user.email'] = u.email;
    if (h?.name) attrs['beacon.harness.name'] = h.name;
    if (h?.version) attrs['beacon.harness.version'] = h.version;
    // One Resource object per distinct set: the serializer groups records by object identity.
    if (this.resources.size >= MAX_RESOURCES) this.resources.clear();
    r = new (loadOtel().Resource)(attrs);
    this.resources.set(key, r);
    return r;
  }

  async deliver(items: readonly ForwardItem[]): Promise<Outcome> {
    const { body, headers } = compress(this.ctx.cfg, this.encode(items), true);
    try {
      const a = await this.ctx.http.post(this.ctx.url, { 'content-type': 'application/x-protobuf', ...headers, ...bearer(this.ctx.token), ...this.ctx.cfg.headers }, body);
      const isProto = String(a.headers['content-type'] ?? '').includes('protobuf');
      const outcome = classifyStatus(a.status, a.headers, isProto ? '' : a.body.toString('utf8'));
      if (outcome.kind !== 'ok' || !isProto || a.body.length === 0) return outcome;
      const rejected = partialRejections(a.body);
      return rejected ? { kind: 'ok', note: `the receiver rejected ${rejected.count} record(s)${rejected.message ? `: ${rejected.message}` : ''}` } : outcome;
    } catch (err) {
      return classifyError(err);
    }
  }

  close(): void {
    this.ctx.http.close();
  }
}

function hrTime(ms: number): [number, number] {
  const s = Math.floor(ms / 1000);
  return [s, Math.round((ms - s * 1000) * 1e6)];
}

function partialRejections(body: Buffer): { count: number; message?: string } | null {
  try {
    const r = loadOtel().ProtobufLogsSerializer.deserializeResponse(new Uint8Array(body));
    const p = r.partialSuccess;
    const count = Number(p?.rejectedLogRecords ?? 0);
    return count > 0 ? { count, message: p?.errorMessage || undefined } : null;
  } catch {
    return null; // an answer we cannot read is still a 200
  }
}
