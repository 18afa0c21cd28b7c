/**
 * A second, trivial harness that exists only in the tests (test/seam/): an agent whose OTel
 * resources say service.name "toy-agent", whose config is JSON (~/.toy/config.json) with a
 * "telemetry" key. Its config writer is real (real files, atomic writes), so endpoint install,
 * status and uninstall can be driven through it with no edit to electron/endpoint.
 */
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../electron/shared/atomic-write';
import { PRODUCT, SCHEMA_VERSION, VENDOR, type BeaconEvent } from '../../electron/shared/event';
import type { Harness } from '../../electron/shared/harness';
import type { ConfigInstallPlan, ConfigInstallRecord, ExporterInspection, HarnessConfigWriter, TelemetryConfigInspection, TelemetrySettings } from '../../electron/shared/harness-config';
import type { ResourceLogs } from '../../electron/shared/otlp-types';
import type { Mode, PathEnv } from '../../electron/shared/paths';

/** What the toy writer keeps in the manifest: the file's text before the first install. */
interface ToyRecord {
  before: string | null;
}

const dirFor = (mode: Mode, env: PathEnv) => (mode === 'user' ? join(env.HOME ?? '/', '.toy') : join(env.BEACON_SYSTEM_ROOT || '/', 'etc/toy'));
const blockFor = (s: TelemetrySettings) => ({ managed_by: 'beacon', endpoint: `http://127.0.0.1:${s.port}/v1/logs`, log_prompts: s.logUserPrompt });
const read = (path: string) => readFile(path, 'utf8').catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : Promise.reject(err)));

function parse(text: string | null): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text ?? '{}');
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function plan(text: string | null, desired: TelemetrySettings, opts: { force: boolean; previous?: ConfigInstallRecord | null; fileLabel?: string }, label: string): ConfigInstallPlan {
  const doc = parse(text);
  if (!doc) return { kind: 'refuse', reason: `${opts.fileLabel ?? label} is not a JSON object; fix it first` };
  const cur = doc.telemetry as { managed_by?: string } | undefined;
  if (cur && cur.managed_by !== 'beacon' && !opts.force) return { kind: 'refuse', reason: `${opts.fileLabel ?? label} has a "telemetry" key of its own; rerun with --force` };
  const want = blockFor(desired);
  if (JSON.stringify(cur) === JSON.stringify(want)) return { kind: 'unchanged', message: 'the "telemetry" block is in place' };
  const record: ToyRecord = (opts.previous as unknown as ToyRecord | null) ?? { before: text };
  return { kind: 'write', newText: JSON.stringify({ ...doc, telemetry: want }, null, 2) + '\n', created: text === null, description: 'add the "telemetry" block', notes: [], record: record as unknown as ConfigInstallRecord };
}

function exporter(endpoint: string | undefined, port: number | undefined): ExporterInspection {
  if (!endpoint) return { kind: 'absent', valid: true, leavesMachine: false, pointsAtCollector: false };
  return { kind: 'otlp-http', endpoint, valid: true, leavesMachine: !endpoint.startsWith('http://127.0.0.1:'), pointsAtCollector: port !== undefined && endpoint === `http://127.0.0.1:${port}/v1/logs` };
}

function inspect(text: string, target?: { port: number }): TelemetryConfigInspection {
  const doc = parse(text);
  const t = doc?.telemetry as { managed_by?: string; endpoint?: string; log_prompts?: boolean } | undefined;
  const none = exporter(undefined, undefined);
  return {
    parsed: doc !== null,
    present: t !== undefined,
    managedByBeacon: t?.managed_by === 'beacon',
    logUserPrompt: t?.log_prompts,
    logs: exporter(t?.endpoint, target?.port),
    metrics: none,
    traces: none,
    problems: doc === null ? [{ code: 'invalid-json', severity: 'error', message: 'config.json is not a JSON object' }] : t ? [] : [{ code: 'telemetry-missing', severity: 'error', message: 'no "telemetry" key: the toy agent exports nothing' }],
  };
}

export const toyConfigWriter: HarnessConfigWriter = {
  settingsName: '"telemetry"',
  configDir: dirFor,
  mainConfig: (mode, env) => ({ path: join(dirFor(mode, env), 'config.json'), role: mode === 'user' ? 'user-config' : 'system-config' }),
  targets: async (mode, env) => [{ path: join(dirFor(mode, env), 'config.json'), role: mode === 'user' ? 'user-config' : 'system-config', label: join(dirFor(mode, env), 'config.json') }],
  planInstall: (text, desired, opts) => plan(text, desired, opts, 'config.json'),
  async applyInstall(path, desired, opts) {
    const text = await read(path);
    const p = plan(text, desired, opts, path);
    if (p.kind === 'refuse') return { outcome: 'refused', path, reason: p.reason, notes: [] };
    if (p.kind === 'unchanged') return { outcome: 'unchanged', path, notes: [] };
    await writeFileAtomic(path, p.newText, { mode: text === null ? opts.createMode ?? 0o600 : undefined });
    return { outcome: p.created ? 'created' : 'written', path, writtenText: p.newText, record: p.record, notes: [] };
  },
  applyRepair(path, desired, record, opts) {
    return this.applyInstall(path, desired, { ...opts, previous: record });
  },
  async applyUninstall(path, record) {
    const text = await read(path);
    if (!parse(text) || (parse(text)?.telemetry as { managed_by?: string } | undefined)?.managed_by !== 'beacon') return { outcome: 'unchanged', path, reason: `${path}: no Beacon "telemetry" block`, notes: [] };
    const before = record ? (record as unknown as ToyRecord).before : undefined;
    if (before === null) {
      await rm(path);
      return { outcome: 'deleted', path, notes: [] };
    }
    if (before !== undefined) {
      await writeFileAtomic(path, before);
      return { outcome: 'restored', path, notes: [] };
    }
    const { telemetry: _t, ...rest } = parse(text)!;
    await writeFileAtomic(path, JSON.stringify(rest, null, 2) + '\n');
    return { outcome: 'edited', path, notes: [] };
  },
  diff: (before, after) => `- ${JSON.stringify(parse(before)?.telemetry ?? null)}\n+ ${JSON.stringify(parse(after)?.telemetry ?? null)}`,
  inspect,
  async telemetryStatus({ mode, env, configPath, port }) {
    const path = configPath ?? join(dirFor(mode, env), 'config.json');
    const text = await read(path).catch(() => null);
    const i = inspect(text ?? '{}', { port });
    return {
      codex_home: dirFor(mode, env),
      config_path: path,
      config_exists: text !== null,
      effective: i.present ? { path, layer: 'user_config' } : null,
      telemetry: !i.parsed ? 'invalid' : !i.present ? 'disabled' : i.logs.pointsAtCollector ? 'enabled' : 'misconfigured',
      managed_by_beacon: i.managedByBeacon,
      logs: i.logs,
      metrics: i.metrics,
      traces: i.traces,
      spans: false,
      log_user_prompt: i.logUserPrompt,
      problems: i.problems,
      overrides: [],
      profiles: [],
    };
  },
};

export const toyHarness: Harness = {
  id: 'toy',
  aliases: ['toy-agent'],
  displayName: 'Toy Agent',
  eventHarnessName: 'toy_agent',
  ingest: {
    claims: (resource) => resource['service.name'] === 'toy-agent',
    createNormalizer: (opts) => ({
      normalizeLogs: (resourceLogs: readonly ResourceLogs[]) =>
        resourceLogs.flatMap((rl) =>
          rl.scopeLogs.flatMap((sl) =>
            sl.logRecords.map(
              (rec): BeaconEvent => ({
                timestamp: new Date(Number(BigInt(rec.timeUnixNano) / 1_000_000n)).toISOString(),
                vendor: VENDOR,
                product: PRODUCT,
                schema_version: SCHEMA_VERSION,
                event: { kind: 'agent_runtime', action: 'prompt.submitted', category: 'prompt' },
                severity: 'info',
                endpoint: opts.endpoint,
                harness: { name: 'toy_agent' },
                session: { id: String(rec.attributes['session']) },
                prompt: { text: String(rec.body) },
              }),
            ),
          ),
        ),
      normalizeSpans: () => [],
    }),
  },
  lifecycle: {
    userConfigPath: (env) => join(env.HOME ?? '/', '.toy', 'config.json'),
    discover: async () => [],
    discoverReport: async () => ({ installs: [], json: { installs: [] }, text: 'Toy Agent: not found\n' }),
    configWriter: toyConfigWriter,
    writeCiHome: (home) => join(home, 'config.json'),
  },
};
