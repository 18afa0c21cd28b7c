/**
 * Is Beacon's [otel] block still in effect? The Codex side of the tamper signals
 * (shared/harness.ts HarnessTelemetryGuard; electron/posture watches and emits).
 *
 * "Intact" is decided on the PARSED value, the way `endpoint status` and the editor judge a
 * block (config-inspect.ts, config-otel-block.ts): the [otel] table must deep-equal what Beacon
 * installed with the manifest's settings (either block format Beacon has written). A lost marker
 * comment with the same values is not tamper: telemetry still flows. Higher layers that Codex
 * reads over the user's file (requirements.toml enforces, managed_config.toml overrides; see
 * status.ts codexTelemetry) count as `overridden` when their [otel] sends logs elsewhere.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { ExpectedTelemetry, HarnessTelemetryGuard, TelemetryConfigCheck } from '../shared/harness';
import { codexHome, type PathEnv } from '../shared/paths';
import { describeExporter, inspectExporter, inspectOtel, tomlErrorSummary, type Signal } from './config-inspect';
import { desiredOtelValue } from './config-otel-block';
import { parseToml } from './config-toml-parse';
import { tomlEqual } from './config-toml-equal';

const EXPORTER_KEYS: Record<string, Signal> = { exporter: 'logs', metrics_exporter: 'metrics', trace_exporter: 'traces' };

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function show(key: string, v: unknown): string {
  if (v === undefined) return 'not set';
  if (key in EXPORTER_KEYS) return describeExporter(inspectExporter(v, EXPORTER_KEYS[key]));
  return JSON.stringify(typeof v === 'bigint' ? String(v) : v);
}

/** What differs between the installed [otel] value and the one in the file, key by key. */
export function describeOtelDifference(actual: Record<string, unknown>, expected: Record<string, unknown>): string[] {
  const keys = [...new Set([...Object.keys(expected), ...Object.keys(actual)])];
  const out: string[] = [];
  for (const k of keys) {
    if (tomlEqual(actual[k], expected[k])) continue;
    if (!(k in expected)) out.push(`otel.${k} was added (${show(k, actual[k])})`);
    else out.push(`otel.${k} is ${show(k, actual[k])} (installed: ${show(k, expected[k])})`);
  }
  return out;
}

async function readText(path: string): Promise<string | null> {
  return readFile(path, 'utf8').catch(() => null);
}

/** The check itself, on the files as they are now. */
export async function checkCodexTelemetry(configPath: string, expected: ExpectedTelemetry, env: PathEnv): Promise<TelemetryConfigCheck> {
  const settings = { port: expected.port, environment: expected.environment, logUserPrompt: expected.logUserPrompt, includeSpans: expected.includeSpans };
  const text = await readText(configPath);
  if (text === null) return { state: 'removed', config_path: configPath, detail: `${configPath} is gone, and Beacon's [otel] block with it: Codex exports no telemetry` };
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch (err) {
    const e = tomlErrorSummary(err);
    return { state: 'changed', config_path: configPath, detail: `${configPath} is not valid TOML (line ${e.line}: ${e.message}): Codex refuses to start` };
  }
  if (doc.otel === undefined) return { state: 'removed', config_path: configPath, detail: `Beacon's [otel] block was removed from ${configPath}: Codex exports no logs, and its metrics go to Statsig` };
  if (!isTable(doc.otel)) return { state: 'changed', config_path: configPath, detail: `otel in ${configPath} is no longer a table: Codex refuses to start` };
  const otel = doc.otel;
  const current = desiredOtelValue(settings, 'current');
  if (!tomlEqual(otel, current) && !tomlEqual(otel, desiredOtelValue(settings, 'pre-headers'))) {
    return { state: 'changed', config_path: configPath, detail: `Beacon's [otel] block in ${configPath} was changed: ${describeOtelDifference(otel, current).join('; ')}` };
  }
  for (const layer of overrideLayers(configPath, env)) {
    const t = await readText(layer.path);
    if (t === null) continue;
    const insp = inspectOtel(t, { port: expected.port });
    if (!insp.parsed || !insp.present) continue;
    if (insp.logs.valid && insp.logs.pointsAtCollector) continue; // it sends to Beacon too
    return {
      state: 'overridden',
      config_path: configPath,
      overridden_by: layer.path,
      detail: `${layer.path} has an [otel] table that ${layer.name === 'requirements' ? 'is enforced over' : 'overrides'} Beacon's block in ${configPath}: Codex logs go to ${insp.logs.endpoint ?? describeExporter(insp.logs)}`,
    };
  }
  return { state: 'intact', config_path: configPath, detail: `Beacon's [otel] block in ${configPath} is in effect (logs to 127.0.0.1:${expected.port})` };
}

/** The system-wide layers Codex reads over a user's (or the system's) config.toml. */
function overrideLayers(configPath: string, env: PathEnv): { name: 'requirements' | 'managed_config'; path: string }[] {
  const dir = codexHome('system', env);
  return [
    { name: 'requirements' as const, path: join(dir, 'requirements.toml') },
    { name: 'managed_config' as const, path: join(dir, 'managed_config.toml') },
  ].filter((l) => resolve(l.path) !== resolve(configPath));
}

export function codexTelemetryGuard(opts: { configPath: string; env: PathEnv; expected: ExpectedTelemetry }): HarnessTelemetryGuard {
  const dirs = [...new Set([dirname(opts.configPath), codexHome('system', opts.env)].map((d) => resolve(d)))];
  const files = [resolve(opts.configPath), ...overrideLayers(opts.configPath, opts.env).map((l) => resolve(l.path))];
  return { watchDirs: dirs, watchFiles: files, check: () => checkCodexTelemetry(opts.configPath, opts.expected, opts.env).catch((err: Error) => ({ state: 'changed' as const, config_path: opts.configPath, detail: `cannot check ${opts.configPath}: ${err.message}` })) };
}
