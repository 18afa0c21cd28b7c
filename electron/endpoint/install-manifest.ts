/**
 * The install manifest (<base dir>/install-manifest.json, 0600): exactly what `endpoint install`
 * added, so that uninstall removes that and nothing else, and repair can put it back without
 * piling up backups. Each agent config file keeps its config writer's record (for Codex: the user's
 * original text and what Beacon wrote), opaque here; a re-install passes it back as `previous`,
 * so the manifest always holds the single original, never a copy of Beacon's own block.
 *
 * The JSON shape is the one earlier versions wrote (`codex_files`, `include_codex_spans`), so
 * their manifests still load; `harness` is written only for a harness other than the default.
 */
import { readFile, rm } from 'node:fs/promises';
import type { ContentPolicy } from '../shared/event';
import type { ConfigFileRole, ConfigInstallRecord } from '../shared/harness-config';
import { writeFileAtomic } from '../shared/atomic-write';
import type { Mode } from '../shared/paths';

/** One agent config file install wrote into (stored under `codex_files`, the key earlier versions used). */
export interface ConfigFileEntry {
  path: string;
  role: ConfigFileRole;
  /** For role 'profile': the profile's name (`codex --profile NAME`). */
  profile?: string;
  /** The config writer's own record; only that writer reads it back. */
  record: ConfigInstallRecord;
}

export interface ManifestSettings {
  port: number;
  environment: string;
  log_user_prompt: boolean;
  include_codex_spans: boolean;
  content: ContentPolicy;
}

export interface ManifestCollector {
  pid: number;
  port: number;
  log_path: string;
  started_at: string;
  /** Which command started it; uninstall stops only a collector Beacon's lifecycle started. */
  started_by: 'install' | 'repair' | 'doctor';
}

export interface InstallManifest {
  schema: 1;
  mode: Mode;
  /** The harness installed (`Harness.id`). Absent: the default harness (Codex), as in every older manifest. */
  harness?: string;
  created_at: string;
  updated_at: string;
  settings: ManifestSettings;
  runtime_log: string;
  collector_output: string;
  codex_files: ConfigFileEntry[];
  /** config.json, and its text before the first install (null: install created it). */
  endpoint_config: { path: string; before: string | null };
  /** Directories install created, parents first; uninstall removes them if empty. */
  created_dirs: string[];
  service: { kind: 'launchd' | 'systemd'; name: string; file: string } | null;
  collector: ManifestCollector | null;
}

export class ManifestError extends Error {}

export async function readManifest(path: string): Promise<InstallManifest | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ManifestError(`cannot read the install manifest ${path}: ${(err as Error).message}`);
  }
  try {
    const m = JSON.parse(text) as InstallManifest;
    if (m.schema !== 1 || !Array.isArray(m.codex_files)) throw new Error('unknown schema');
    return m;
  } catch (err) {
    throw new ManifestError(`the install manifest ${path} is damaged (${(err as Error).message}); Beacon will not guess what it installed. Move it away and run \`beacon endpoint install\` again`);
  }
}

/** Stable serialisation without timestamps, to tell "nothing changed" from a real update. */
function essence(m: InstallManifest): string {
  const { created_at: _c, updated_at: _u, ...rest } = m;
  return JSON.stringify(rest);
}

/**
 * Write the manifest, unless it would only differ in `updated_at` from what is on disk: installing
 * twice leaves the file byte for byte as it was.
 */
export async function writeManifest(path: string, manifest: InstallManifest): Promise<boolean> {
  const current = await readManifest(path).catch(() => null);
  if (current && essence(current) === essence(manifest)) return false;
  manifest.updated_at = new Date().toISOString();
  await writeFileAtomic(path, JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 });
  return true;
}

export async function removeManifest(path: string): Promise<void> {
  await rm(path, { force: true });
}
