/**
 * The recipes in docs/forwarding/ checked with what exists here: syslog-ng's own parser; YAML
 * parsing plus the structure each engine requires for the OTel Collector, Vector and Fluent
 * Bit; Splunk's .conf files parsed and their patterns matched against real file names and
 * timestamps; JSON schemas for the Elastic and Sentinel JSON, plus cross-checks between their
 * parts and against real Beacon events (every field read exists, every field written is mapped).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { load as loadYaml } from 'js-yaml';
import Ajv from 'ajv';
import { DEFAULT_SOURCETYPE } from '../../electron/forward/forward-config';
import { makeEvent } from './helpers';

const DIR = resolve(__dirname, '../../docs/forwarding');
const read = (f: string) => readFileSync(join(DIR, f), 'utf8');
const yaml = (f: string) => loadYaml(read(f)) as Record<string, any>;
const json = (f: string) => JSON.parse(read(f)) as Record<string, any>;

/** Real Beacon events of several kinds, as the writer writes them. */
const SAMPLES = [
  makeEvent(1),
  makeEvent(2, { event: { kind: 'agent_runtime', action: 'file.modified', category: 'file', id: '0199aaaa-bbbb-7ccc-8ddd-000000000009' }, file: { path: 'src/a.ts', operation: 'update' } }),
  makeEvent(3, { user: { name: 'dev', uid: '501', email: 'dev@example.com' } }),
];
const TIMESTAMPS = [SAMPLES[0].timestamp, '2026-11-24T05:55:14.123Z', '2026-01-01T00:00:00.000Z'];

/** A strptime-style format as a regex, for the tokens the recipes use. */
function formatRegex(fmt: string): RegExp {
  const tokens: Record<string, string> = { '%Y': '\\d{4}', '%m': '\\d{2}', '%d': '\\d{2}', '%H': '\\d{2}', '%M': '\\d{2}', '%S': '\\d{2}', '%3N': '\\d{3}', '%L': '\\d{3}', '%f': '\\d+', '%z': '(?:Z|[+-]\\d{2}:?\\d{2})' };
  let re = '';
  for (let i = 0; i < fmt.length; ) {
    const t = Object.keys(tokens).find((k) => fmt.startsWith(k, i));
    if (t) {
      re += tokens[t];
      i += t.length;
    } else {
      if (fmt[i] === '%') throw new Error(`unknown token at ${fmt.slice(i)}`);
      re += fmt[i].replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i++;
    }
  }
  return new RegExp(`^${re}$`);
}

function get(obj: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), obj);
}

describe('syslog-ng recipe', () => {
  it('passes syslog-ng --syntax-only and parses the timestamp with the event format', () => {
    const r = spawnSync('/usr/sbin/syslog-ng', ['--syntax-only', '-f', join(DIR, 'syslog-ng/beacon-hec.conf')], { encoding: 'utf8' });
    expect(r.error, 'syslog-ng must be installed (apt-get install syslog-ng-core syslog-ng-mod-http)').toBeUndefined();
    expect(r.status, r.stderr).toBe(0);
    const fmt = /date-parser\(format\("([^"]+)"\)/.exec(read('syslog-ng/beacon-hec.conf'))![1];
    for (const t of TIMESTAMPS) expect(t).toMatch(formatRegex(fmt));
    expect(read('syslog-ng/beacon-hec.conf')).toContain(`"sourcetype":"${DEFAULT_SOURCETYPE}"`);
  });
});

describe('OpenTelemetry Collector recipe', () => {
  const c = yaml('otel-collector/beacon-filelog.yaml');
  it('is a complete pipeline: every component it names is defined, the storage extension is enabled', () => {
    const p = c.service.pipelines['logs/beacon'];
    for (const r of p.receivers) expect(c.receivers[r]).toBeDefined();
    for (const x of p.processors) expect(c.processors[x]).toBeDefined();
    for (const e of p.exporters) expect(c.exporters[e]).toBeDefined();
    for (const e of c.service.extensions) expect(c.extensions[e]).toBeDefined();
    const fl = c.receivers['filelog/beacon'];
    expect(fl.include).toEqual(['/var/log/beacon-agent/runtime.jsonl']);
    expect(fl.start_at).toBe('beginning');
    expect(c.service.extensions).toContain(fl.storage);
    expect(c.service.extensions).toContain(c.exporters['otlphttp/central'].sending_queue.storage);
    expect(c.exporters['otlphttp/central'].endpoint).toMatch(/^https:\/\//);
    expect(JSON.stringify(c)).toMatch(/\$\{env:BEACON_OTLP_TOKEN\}/);
  });
  it('uses only known stanza operators, reads fields Beacon events have, and the Go layout of Beacon timestamps', () => {
    const ops = c.receivers['filelog/beacon'].operators as Record<string, any>[];
    for (const op of ops) expect(['json_parser', 'move', 'retain', 'copy', 'remove', 'add']).toContain(op.type);
    expect(ops[0].timestamp.layout).toBe('2006-01-02T15:04:05.000Z07:00');
    expect(Object.values(ops[0].severity.mapping).sort()).toEqual(['critical', 'high', 'info', 'low', 'medium']);
    for (const op of ops.filter((o) => o.type === 'move')) {
      const path = String(op.from).replace(/^attributes\./, '');
      expect(SAMPLES.some((e) => get(e, path) !== undefined), op.from).toBe(true);
      expect(op.to).toMatch(/^(attributes|resource)\["[a-z.]+"\]$/);
    }
  });
});

describe('Vector recipe', () => {
  const v = yaml('vector/beacon.yaml');
  it('wires source -> remap -> splunk_hec_logs with end-to-end acknowledgement and a disk buffer', () => {
    expect(v.sources.beacon_runtime).toMatchObject({ type: 'file', include: ['/var/log/beacon-agent/runtime.jsonl'], read_from: 'beginning', fingerprint: { strategy: 'device_and_inode' } });
    const ids = new Set([...Object.keys(v.sources), ...Object.keys(v.transforms)]);
    for (const t of Object.values(v.transforms) as Record<string, any>[]) for (const i of t.inputs) expect(ids.has(i)).toBe(true);
    const s = v.sinks.splunk;
    for (const i of s.inputs) expect(ids.has(i)).toBe(true);
    expect(s).toMatchObject({ type: 'splunk_hec_logs', sourcetype: DEFAULT_SOURCETYPE, acknowledgements: { enabled: true, indexer_acknowledgements_enabled: true }, buffer: { type: 'disk', when_full: 'block' } });
    // Vector refuses disk buffers below 256 MiB.
    expect(s.buffer.max_size).toBeGreaterThanOrEqual(268435488);
    expect(s.default_token).toBe('${BEACON_HEC_TOKEN}');
    expect(s.endpoint).toMatch(/^https:\/\//);
  });
});

describe('Fluent Bit recipe', () => {
  const f = yaml('fluent-bit/beacon.yaml');
  it('tails with an offset database and filesystem storage, parses the event time, sends to HEC', () => {
    const input = f.pipeline.inputs[0];
    expect(input).toMatchObject({ name: 'tail', path: '/var/log/beacon-agent/runtime.jsonl', read_from_head: true, 'storage.type': 'filesystem' });
    expect(input.db).toMatch(/^\/var\/lib\//);
    const parser = f.parsers.find((p: { name: string }) => p.name === input.parser);
    expect(parser).toMatchObject({ format: 'json', time_key: 'timestamp' });
    for (const t of TIMESTAMPS) expect(t).toMatch(formatRegex(parser.time_format));
    const out = f.pipeline.outputs[0];
    expect(input.tag).toMatch(new RegExp('^' + out.match.replace('.', '\\.').replace('*', '.*') + '$'));
    // Fluent Bit's booleans are on/off words.
    expect(out).toMatchObject({ name: 'splunk', tls: 'on', 'tls.verify': 'on', event_sourcetype: DEFAULT_SOURCETYPE, splunk_token: '${BEACON_HEC_TOKEN}' });
    expect(f.service['storage.path']).toBeTruthy();
  });
});

describe('Splunk Universal Forwarder recipe', () => {
  function conf(text: string): Record<string, Record<string, string>> {
    const out: Record<string, Record<string, string>> = {};
    let cur: Record<string, string> | undefined;
    for (const raw of text.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('#')) continue;
      const st = /^\[(.+)\]$/.exec(line);
      if (st) out[st[1]] = cur = {};
      else {
        const kv = /^([A-Za-z_.]+)\s*=\s*(.*)$/.exec(line);
        expect(kv, `bad line: ${line}`).not.toBeNull();
        cur![kv![1]] = kv![2];
      }
    }
    return out;
  }
  it('monitors the log and its archives, not the lock or health files, with the Beacon sourcetype', () => {
    const inputs = conf(read('splunk/inputs.conf'));
    const [stanza, v] = Object.entries(inputs)[0];
    expect(stanza).toBe('monitor:///var/log/beacon-agent/runtime.jsonl*');
    expect(v.crcSalt).toBeUndefined();
    const wl = new RegExp(v.whitelist);
    for (const n of ['runtime.jsonl', 'runtime.jsonl.1', 'runtime.jsonl.12']) expect(`/var/log/beacon-agent/${n}`).toMatch(wl);
    for (const n of ['runtime.jsonl.lock', 'runtime.jsonl.expired', 'collector-health.json']) expect(`/var/log/beacon-agent/${n}`).not.toMatch(wl);
    expect(v.sourcetype).toBe(DEFAULT_SOURCETYPE);
  });
  it('props.conf takes the event time from `timestamp` with the exact format Beacon writes', () => {
    const p = conf(read('splunk/props.conf'))[DEFAULT_SOURCETYPE];
    expect(p).toMatchObject({ INDEXED_EXTRACTIONS: 'json', TIMESTAMP_FIELDS: 'timestamp', SHOULD_LINEMERGE: 'false', TZ: 'UTC', KV_MODE: 'none' });
    for (const t of TIMESTAMPS) expect(t).toMatch(formatRegex(p.TIME_FORMAT));
    expect(Number(p.TRUNCATE)).toBeGreaterThanOrEqual(65536);
  });
});

describe('Elastic recipe', () => {
  const ajv = new Ajv({ allErrors: true, strict: false });
  const template = json('elastic/index-template.json');
  const pipeline = json('elastic/ingest-pipeline.json');
  /** An Elasticsearch field mapping: a type, or an object with sub-properties (recursively). */
  const FIELD = {
    type: 'object',
    properties: { type: { type: 'string' }, properties: { type: 'object', additionalProperties: { $ref: '#/$defs/field' } } },
    anyOf: [{ required: ['type'] }, { required: ['properties'] }],
  };
  it('is a composable index template for a data stream with the pipeline as default', () => {
    const ok = ajv.validate(
      {
        $defs: { field: FIELD },
        type: 'object',
        required: ['index_patterns', 'template', 'data_stream', 'priority'],
        properties: {
          index_patterns: { type: 'array', items: { type: 'string' }, minItems: 1 },
          priority: { type: 'integer' },
          template: { type: 'object', required: ['settings', 'mappings'], properties: { mappings: { type: 'object', required: ['properties'], properties: { properties: { type: 'object', additionalProperties: { $ref: '#/$defs/field' } } } } } },
        },
      },
      template,
    );
    expect(ok, ajv.errorsText()).toBe(true);
    expect(template.template.settings['index.default_pipeline']).toBe('beacon-runtime-ecs');
  });
  it('is an ingest pipeline of known processors; it maps every field it writes and reads only fields Beacon events have', () => {
    const known = ['json', 'script', 'fail', 'date', 'set', 'remove', 'rename'];
    const ok = ajv.validate({ type: 'object', required: ['processors'], properties: { processors: { type: 'array', items: { type: 'object', minProperties: 1, maxProperties: 1, propertyNames: { enum: known } } } } }, pipeline);
    expect(ok, ajv.errorsText()).toBe(true);
    const mapped = (field: string) => get(template.template.mappings, field.split('.').join('.properties.').replace(/^/, 'properties.')) !== undefined;
    for (const proc of pipeline.processors as Record<string, Record<string, string>>[]) {
      const set = proc.set;
      if (!set) continue;
      if (set.field !== '_id') expect(mapped(set.field), `${set.field} is not mapped`).toBe(true);
      if (set.copy_from) expect(SAMPLES.some((e) => get({ beacon: e }, set.copy_from) !== undefined) || /finding|uid|email/.test(set.copy_from), `${set.copy_from} is not a Beacon field`).toBe(true);
    }
    expect(pipeline.processors.find((p: Record<string, Record<string, string>>) => p.set?.field === '_id').set.copy_from).toBe('beacon.event.id');
    expect(pipeline.processors.find((p: Record<string, Record<string, string[]>>) => p.date).date.formats).toEqual(['ISO8601']);
  });
});

describe('Microsoft Sentinel recipe', () => {
  const table = json('sentinel/table.json');
  const dcr = json('sentinel/dcr.json');
  it('the table is a custom (_CL) table with typed columns including TimeGenerated', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    const column = { type: 'object', required: ['name', 'type'], properties: { name: { type: 'string', pattern: '^[A-Za-z][A-Za-z0-9_]*$' }, type: { enum: ['string', 'int', 'long', 'real', 'boolean', 'datetime', 'dynamic', 'guid'] } } };
    expect(ajv.validate({ type: 'object', required: ['properties'], properties: { properties: { type: 'object', required: ['schema'], properties: { schema: { type: 'object', required: ['name', 'columns'], properties: { name: { type: 'string', pattern: '_CL$' }, columns: { type: 'array', items: column } } } } } } }, table), ajv.errorsText()).toBe(true);
    expect(table.properties.schema.columns.find((c: { name: string }) => c.name === 'TimeGenerated')?.type).toBe('datetime');
    const dcrOk = ajv.validate(
      {
        type: 'object',
        required: ['location', 'properties'],
        properties: { properties: { type: 'object', required: ['streamDeclarations', 'dataSources', 'destinations', 'dataFlows'], properties: { streamDeclarations: { type: 'object', additionalProperties: { type: 'object', required: ['columns'], properties: { columns: { type: 'array', items: column } } } } } } },
      },
      dcr,
    );
    expect(dcrOk, ajv.errorsText()).toBe(true);
  });
  it('the DCR: stream names agree, the KQL projects exactly the table columns, input columns are Beacon fields', () => {
    const p = dcr.properties;
    const stream = Object.keys(p.streamDeclarations)[0];
    expect(stream).toMatch(/^Custom-/);
    expect(p.dataSources.logFiles[0].streams).toEqual([stream]);
    expect(p.dataSources.logFiles[0].filePatterns).toEqual(['/var/log/beacon-agent/runtime.jsonl']);
    const flow = p.dataFlows[0];
    expect(flow.streams).toEqual([stream]);
    expect(flow.outputStream).toBe(`Custom-${table.properties.schema.name}`);
    expect(p.destinations.logAnalytics.map((d: { name: string }) => d.name)).toEqual(flow.destinations);
    const projection = /\| project (.*)$/.exec(flow.transformKql)![1];
    const projected: string[] = [];
    let depth = 0;
    let cur = '';
    for (const ch of projection) {
      if (ch === '(') depth++;
      if (ch === ')') depth--;
      if (ch === ',' && depth === 0) {
        projected.push(cur.trim());
        cur = '';
      } else cur += ch;
    }
    projected.push(cur.trim());
    const names = projected.map((x) => x.split('=')[0].trim());
    expect(names.sort()).toEqual(table.properties.schema.columns.map((c: { name: string }) => c.name).sort());
    const keys = new Set(SAMPLES.flatMap((e) => Object.keys(e)).concat(['finding', 'message']));
    for (const c of p.streamDeclarations[stream].columns) expect(keys.has(c.name), c.name).toBe(true);
  });
});
