/**
 * Proto3 text (see otlp-schema.ts for why text in a module): google.protobuf.Any and
 * google.rpc.Status (the error body of OTLP/HTTP answers), and the OTLP common and resource
 * messages every signal builds on (opentelemetry-proto v1.x).
 */
export const GOOGLE = `
syntax = "proto3";
package google.protobuf;
message Any {
  string type_url = 1;
  bytes value = 2;
}
`;

export const RPC_STATUS = `
syntax = "proto3";
package google.rpc;
// The error body of every OTLP/HTTP 4xx/5xx answer.
message Status {
  int32 code = 1;
  string message = 2;
  repeated google.protobuf.Any details = 3;
}
`;

export const COMMON = `
syntax = "proto3";
package opentelemetry.proto.common.v1;
message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue {
  repeated AnyValue values = 1;
}
message KeyValueList {
  repeated KeyValue values = 1;
}
message KeyValue {
  string key = 1;
  AnyValue value = 2;
}
message InstrumentationScope {
  string name = 1;
  string version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
`;

export const RESOURCE = `
syntax = "proto3";
package opentelemetry.proto.resource.v1;
message Resource {
  repeated opentelemetry.proto.common.v1.KeyValue attributes = 1;
  uint32 dropped_attributes_count = 2;
  // entity_refs = 3 omitted: Beacon does not use it; skipped as an unknown field.
}
`;
