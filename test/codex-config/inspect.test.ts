/**
 * inspectOtel judges a config the way Codex 0.169.0 does (research/codex-otel.md 1.2/1.3), from
 * the parsed document: what status/doctor will tell the user.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inspectOtel } from '../../electron/codex/config-inspect';
import { DEFAULT_OTEL_SETTINGS, renderOtelBlock } from '../../electron/codex/config-otel-block';

const target = { port: 4318 };
const codes = (text: string) => inspectOtel(text, target).problems.map((p) => p.code);
const fixture = (f: string) => readFileSync(join(__dirname, '..', 'fixtures', 'codex-configs', f), 'utf8');

describe('inspectOtel', () => {
  it("Beacon's own block: all signals reach the collector, no problems, marked as ours", () => {
    const i = inspectOtel('model = "x"\n\n' + renderOtelBlock(DEFAULT_OTEL_SETTINGS), target);
    expect(i.problems).toEqual([]);
    expect(i.managedByBeacon).toBe(true);
    expect(i.logs).toMatchObject({ kind: 'otlp-http', protocol: 'binary', valid: true, pointsAtCollector: true, leavesMachine: false });
    expect(i.metrics.pointsAtCollector).toBe(true);
    expect(i.traces.kind).toBe('none');
    expect(i.environment).toBe('dev');
    expect(i.logUserPrompt).toBe(true);
  });

  it("an older Beacon's block without `headers` is still ours, and is flagged for repair (Codex 0.44-0.58 refuse it)", () => {
    const legacy = inspectOtel(fixture('36-ours-before-headers.toml'), target);
    expect(legacy).toMatchObject({ managedByBeacon: true, beaconBlockFormat: 'pre-headers' });
    expect(legacy.logs.pointsAtCollector).toBe(true);
    expect(legacy.problems.map((p) => [p.code, p.severity])).toEqual([['beacon-block-outdated', 'warning']]);
    expect(legacy.problems[0].message).toMatch(/missing field `headers`.*repair/);
    const current = inspectOtel(renderOtelBlock(DEFAULT_OTEL_SETTINGS, '\r\n'), target);
    expect(current).toMatchObject({ managedByBeacon: true, beaconBlockFormat: 'current', problems: [] });
    // Edited by hand (the logs port): ours by its marker, but no format of ours.
    const edited = inspectOtel(renderOtelBlock(DEFAULT_OTEL_SETTINGS).replace('4318/v1/logs', '9999/v1/logs'), target);
    expect(edited.managedByBeacon).toBe(true);
    expect(edited.beaconBlockFormat).toBeUndefined();
    expect(edited.problems.map((p) => p.code)).not.toContain('beacon-block-outdated');
  });

  it('no [otel]: metrics leave the machine (Statsig default) and nothing reaches the collector', () => {
    const i = inspectOtel('model = "x"\n', target);
    expect(i.present).toBe(false);
    expect(i.metrics).toMatchObject({ kind: 'absent', leavesMachine: true });
    expect(codes('model = "x"\n')).toEqual(expect.arrayContaining(['otel-missing', 'logs-not-to-collector', 'metrics-not-to-collector', 'metrics-default-statsig']));
  });

  it('missing protocol, "http/protobuf", and a bare "otlp-http" are errors Codex refuses to start with', () => {
    expect(codes('[otel]\nexporter = { otlp-http = { endpoint = "http://127.0.0.1:4318/v1/logs" } }\n')).toContain('protocol-missing');
    expect(codes('[otel]\nexporter = { otlp-http = { endpoint = "http://127.0.0.1:4318/v1/logs", protocol = "http/protobuf" } }\n')).toContain('protocol-invalid');
    const bare = inspectOtel('[otel]\nexporter = "otlp-http"\n', target);
    expect(bare.logs).toMatchObject({ kind: 'invalid', valid: false });
    expect(bare.problems.find((p) => p.code === 'exporter-invalid')?.message).toMatch(/a bare string such as "otlp-http" is not an exporter/);
  });

  it('table-form exporters are understood like the inline form', () => {
    const i = inspectOtel(fixture('08-otel-subtables-with-headers.toml'), target);
    expect(i.logs).toMatchObject({ kind: 'otlp-http', endpoint: 'https://otel.example.com:4318/v1/logs', protocol: 'binary', headerNames: ['x-api-key'], leavesMachine: true, pointsAtCollector: false });
    expect(i.environment).toBe('prod');
    expect(i.logUserPrompt).toBe(false);
    expect(inspectOtel(fixture('24-noncontiguous-otel-subtables.toml')).metrics.kind).toBe('none');
  });

  it('localhost and [::1] on the right port and path count as the collector; localhost gets a warning; wrong path or port does not count', () => {
    const at = (url: string) => inspectOtel(`[otel]\nexporter = { otlp-http = { endpoint = "${url}", protocol = "json" } }\n`, target);
    expect(at('http://localhost:4318/v1/logs').logs.pointsAtCollector).toBe(true);
    expect(at('http://localhost:4318/v1/logs').problems.map((p) => p.code)).toContain('endpoint-localhost');
    expect(at('http://[::1]:4318/v1/logs').logs.pointsAtCollector).toBe(true);
    expect(at('http://127.0.0.1:4318').logs.pointsAtCollector).toBe(false);
    expect(at('http://127.0.0.1:4317/v1/logs').logs.pointsAtCollector).toBe(false);
    expect(at('https://127.0.0.1:4318/v1/logs').logs.pointsAtCollector).toBe(false);
  });

  it('explicit statsig and remote gRPC are reported as leaving the machine', () => {
    expect(codes(fixture('26-statsig-metrics-explicit.toml'))).toContain('metrics-statsig');
    const i = inspectOtel(fixture('29-crlf-with-remote-otel.toml'));
    expect(i.logs).toMatchObject({ kind: 'otlp-grpc', endpoint: 'https://otel.example.com:4317', valid: true, leavesMachine: true });
  });

  it('invalid TOML is reported with its line, and comments or strings mentioning [otel] are not an otel table', () => {
    const bad = inspectOtel(fixture('invalid-03-duplicate-otel-table.toml'));
    expect(bad.parsed).toBe(false);
    expect(bad.parseError?.line).toBe(4);
    expect(bad.problems[0].code).toBe('invalid-toml');
    expect(inspectOtel(fixture('14-multiline-basic-string-with-otel.toml')).present).toBe(false);
    expect(inspectOtel('# [otel]\n# exporter = "none"\n').present).toBe(false);
  });
});
