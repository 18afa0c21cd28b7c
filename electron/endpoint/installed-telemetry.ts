/**
 * What the install manifest says Beacon put into Codex's config, in the form the posture signals
 * need (plugins/collector.ts `posture.installed`): the runtime log of the install (only ITS
 * collector watches for tamper), the config file that got Beacon's block, and the settings the
 * block was written with. null when Beacon is not installed in this mode (or the manifest is
 * unreadable: Beacon does not guess what it installed), so a collector without an install
 * (`beacon ci start`, a test's `endpoint run --log-path`) never reports tamper.
 */
import type { InstalledTelemetry } from '../posture/posture-consumer';
import { beaconPaths, type Mode, type PathEnv } from '../shared/paths';
import { DEFAULT_HARNESS } from '../plugins/harnesses';
import { readManifest } from './install-manifest';

export async function installedTelemetry(mode: Mode, env: PathEnv): Promise<InstalledTelemetry | null> {
  const manifest = await readManifest(beaconPaths(mode, env).manifestFile).catch(() => null);
  if (!manifest) return null;
  // The main file (user config, or /etc/codex/config.toml / requirements.toml in system mode), never a profile.
  const main = manifest.codex_files.find((f) => f.role !== 'profile');
  if (!main) return null;
  const s = manifest.settings;
  return {
    runtimeLog: manifest.runtime_log,
    harnessId: manifest.harness ?? DEFAULT_HARNESS.id,
    configPath: main.path,
    expected: { port: s.port, environment: s.environment, logUserPrompt: s.log_user_prompt, includeSpans: s.include_codex_spans },
  };
}
