/**
 * What `beacon endpoint status` reports about Codex's telemetry config (the config writer's
 * telemetryStatus): every Codex config layer PARSED (config-inspect.ts), the system layers that
 * override a user's [otel] included (research/codex-otel.md 4.2), and the profile files with an
 * [otel] of their own. Read-only.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HarnessTelemetryStatus } from '../shared/harness-config';
import { codexHome, type Mode, type PathEnv } from '../shared/paths';
import { listProfileConfigs } from './config-apply';
import { inspectOtel, type OtelInspection } from './config-inspect';

/** Where an [otel] table comes from, highest precedence first. */
export type CodexLayer = 'requirements' | 'managed_config' | 'user_config' | 'system_config';

async function readText(path: string): Promise<string | null> {
  return readFile(path, 'utf8').catch(() => null);
}

/** System-wide Codex layers that can override or stand in for a user's [otel] (under BEACON_SYSTEM_ROOT in tests). */
export function systemCodexFiles(env: PathEnv): { requirements: string; managed: string; config: string } {
  const dir = join(env.BEACON_SYSTEM_ROOT || '/', 'etc/codex');
  return { requirements: join(dir, 'requirements.toml'), managed: join(dir, 'managed_config.toml'), config: join(dir, 'config.toml') };
}

const reaches = (i: OtelInspection) => i.parsed && i.logs.valid && i.logs.pointsAtCollector;

export async function codexTelemetryStatus(opts: { mode: Mode; env: PathEnv; configPath?: string; port: number }): Promise<HarnessTelemetryStatus> {
  const { mode, env, port } = opts;
  const home = codexHome(mode, env);
  const sys = systemCodexFiles(env);
  const main = opts.configPath ?? join(home, 'config.toml');
  const mainText = await readText(main);
  const layers: { path: string; layer: CodexLayer; text: string | null }[] = [
    { path: sys.requirements, layer: 'requirements', text: await readText(sys.requirements) },
    { path: sys.managed, layer: 'managed_config', text: await readText(sys.managed) },
  ];
  if (mode === 'user') layers.push({ path: main, layer: 'user_config', text: mainText });
  if (main !== sys.config) layers.push({ path: sys.config, layer: 'system_config', text: await readText(sys.config) });
  else layers.push({ path: main, layer: 'system_config', text: mainText });
  const inspected = layers.map((l) => ({ ...l, insp: l.text === null ? null : inspectOtel(l.text, { port }) }));
  const mainInsp = mainText === null ? null : inspectOtel(mainText, { port });

  // Which [otel] a plain `codex` uses: the first layer that has one (requirements enforce theirs).
  const eff = inspected.find((l) => l.insp?.parsed && l.insp.present) ?? null;
  const shown = eff?.insp ?? mainInsp ?? inspectOtel('', { port });
  const problems = [...shown.problems];
  let telemetry: HarnessTelemetryStatus['telemetry'];
  if (mainInsp && !mainInsp.parsed) {
    telemetry = 'invalid';
    if (shown !== mainInsp) problems.unshift(...mainInsp.problems);
  } else if (!eff) telemetry = 'disabled';
  else telemetry = reaches(eff.insp!) && !shown.problems.some((p) => p.severity === 'error' && !p.code.startsWith('metrics-')) ? 'enabled' : 'misconfigured';

  const mainLayer: CodexLayer = mode === 'user' ? 'user_config' : 'system_config';
  const mainIndex = inspected.findIndex((l) => l.layer === mainLayer);
  const overrides: HarnessTelemetryStatus['overrides'] = [];
  inspected.forEach((l, i) => {
    if (!l.insp?.parsed || !l.insp.present) return;
    if (i < mainIndex) {
      overrides.push({
        path: l.path,
        layer: l.layer,
        reaches_collector: reaches(l.insp),
        message: `${l.path} has an [otel] table that ${l.layer === 'requirements' ? 'is enforced over' : 'overrides'} the one in ${main}${reaches(l.insp) ? ' (it also sends to the collector)' : `: Codex logs go to ${l.insp.logs.endpoint ?? l.insp.logs.kind}`}`,
      });
    } else if (i > mainIndex && eff === l) {
      overrides.push({ path: l.path, layer: l.layer, reaches_collector: reaches(l.insp), message: `${main} has no [otel], so the system-wide ${l.path} applies` });
    }
  });

  const profiles: HarnessTelemetryStatus['profiles'] = [];
  if (mode === 'user') {
    for (const p of await listProfileConfigs(home)) {
      const t = await readText(p.path);
      if (t === null) continue;
      const pi = inspectOtel(t, { port });
      if (!pi.parsed || pi.present) profiles.push({ name: p.name, path: p.path, reaches_collector: reaches(pi), problems: pi.problems.filter((x) => x.severity !== 'info') });
    }
  }
  return {
    codex_home: home,
    config_path: main,
    config_exists: mainText !== null,
    effective: eff ? { path: eff.path, layer: eff.layer } : null,
    telemetry,
    managed_by_beacon: !!mainInsp?.managedByBeacon,
    logs: shown.logs,
    metrics: shown.metrics,
    traces: shown.traces,
    spans: shown.traces.kind === 'otlp-http' || shown.traces.kind === 'otlp-grpc',
    log_user_prompt: shown.logUserPrompt,
    problems,
    overrides,
    profiles,
  };
}
