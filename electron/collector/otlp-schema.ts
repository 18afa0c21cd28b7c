/**
 * The OTLP wire schema (opentelemetry-proto v1.x: common, resource, logs, trace, metrics, the
 * three collector Export* services) plus google.rpc.Status, as proto3 text parsed once with
 * protobufjs at first use. The text is in otlp-proto-*.ts, one file per signal (plus the common
 * messages); this file parses it and names the types Beacon uses.
 *
 * Why proto text embedded in a TS module rather than .proto files on disk: tsc does not copy
 * .proto files into out/, electron-builder would need an extra `files`/asar rule for them, and
 * the CLI, the LaunchAgent and the benchmark each start from a different directory. A string
 * compiled into the JS goes wherever the code goes, so there is nothing to resolve at runtime
 * and no build step to forget. The text is ordinary .proto syntax: read it as such.
 *
 * Field numbers follow the upstream schema; fields we never read (deprecated ones, profiles,
 * Resource.entity_refs, AnyValue string_value_strindex) are omitted and protobufjs skips
 * unknown fields while decoding, which is exactly the OTLP rule for receivers.
 */
import * as protobuf from 'protobufjs';
import { COMMON, GOOGLE, RESOURCE, RPC_STATUS } from './otlp-proto-common';
import { LOGS, LOGS_SERVICE } from './otlp-proto-logs';
import { METRICS, METRICS_SERVICE } from './otlp-proto-metrics';
import { TRACE, TRACE_SERVICE } from './otlp-proto-traces';

export interface OtlpTypes {
  root: protobuf.Root;
  ExportLogsServiceRequest: protobuf.Type;
  ExportLogsServiceResponse: protobuf.Type;
  ExportTraceServiceRequest: protobuf.Type;
  ExportTraceServiceResponse: protobuf.Type;
  ExportMetricsServiceRequest: protobuf.Type;
  ExportMetricsServiceResponse: protobuf.Type;
  Status: protobuf.Type;
}

let cached: OtlpTypes | undefined;

/** The parsed schema, built once per process (parsing costs a few ms; decoding reuses it). */
export function otlpTypes(): OtlpTypes {
  if (cached) return cached;
  const root = new protobuf.Root();
  for (const text of [GOOGLE, RPC_STATUS, COMMON, RESOURCE, LOGS, TRACE, METRICS, LOGS_SERVICE, TRACE_SERVICE, METRICS_SERVICE]) {
    // keepCase false: fields get lowerCamelCase names, the same spelling as OTLP/JSON.
    protobuf.parse(text, root, { keepCase: false });
  }
  root.resolveAll();
  const t = (name: string) => root.lookupType(name);
  cached = {
    root,
    ExportLogsServiceRequest: t('opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest'),
    ExportLogsServiceResponse: t('opentelemetry.proto.collector.logs.v1.ExportLogsServiceResponse'),
    ExportTraceServiceRequest: t('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest'),
    ExportTraceServiceResponse: t('opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse'),
    ExportMetricsServiceRequest: t('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest'),
    ExportMetricsServiceResponse: t('opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse'),
    Status: t('google.rpc.Status'),
  };
  return cached;
}
