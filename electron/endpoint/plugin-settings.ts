/**
 * What config.json says about the collector's plug-ins, turned into startBeaconCollector's
 * options: which price override files to read, and whether to read Codex's session records.
 *
 * Price overrides: the system's file (MDM: `price_overrides` in the system config.json, else
 * `price-overrides.json` in the system base dir), then, for a user-mode collector, the user's
 * (same rule under ~/.beacon/endpoint). A later file's price wins for the same model.
 * Session records: user mode only (a system collector never reads a user's files), unless
 * config.json says `"read_codex_session_meta": false`.
 * Detection rule directories: the system config's `detection_rule_dirs` (MDM), then, for a
 * user-mode collector, the user's.
 */
import { join } from 'node:path';
import type { BeaconCollectorOptions } from '../plugins/collector';
import { beaconPaths, type Mode, type PathEnv } from '../shared/paths';
import { readEndpointConfig, type EndpointConfig } from './endpoint-config';
import { installedTelemetry } from './installed-telemetry';

export const PRICE_OVERRIDES_FILE = 'price-overrides.json';

function overridesFile(config: Pick<EndpointConfig, 'price_overrides'>, mode: Mode, env: PathEnv): string {
  return config.price_overrides ?? join(beaconPaths(mode, env).baseDir, PRICE_OVERRIDES_FILE);
}

export async function collectorPluginOptions(
  config: Pick<EndpointConfig, 'price_overrides' | 'read_codex_session_meta'> & Partial<Pick<EndpointConfig, 'detection_rule_dirs'>>,
  mode: Mode,
  env: PathEnv = process.env,
): Promise<Pick<BeaconCollectorOptions, 'pricing' | 'sessionContext' | 'posture' | 'detections'>> {
  const files: string[] = [];
  const ruleDirs: string[] = [];
  if (mode === 'system') {
    files.push(overridesFile(config, 'system', env));
    ruleDirs.push(...(config.detection_rule_dirs ?? []));
  } else {
    // The system config may be unreadable or broken: its override is then simply not known here
    // (`beacon endpoint status --system` reports a broken system config).
    const system = await readEndpointConfig('system', env).then((r) => r.config).catch(() => ({ price_overrides: null, detection_rule_dirs: [] as string[] }));
    files.push(overridesFile(system, 'system', env), overridesFile(config, 'user', env));
    ruleDirs.push(...system.detection_rule_dirs, ...(config.detection_rule_dirs ?? []));
  }
  const readSessions = mode === 'user' && config.read_codex_session_meta !== false;
  return { pricing: { overrideFiles: files }, detections: { ruleDirs: [...new Set(ruleDirs)] }, ...(readSessions ? { sessionContext: { env } } : {}), posture: { env, installed: () => installedTelemetry(mode, env) } };
}
