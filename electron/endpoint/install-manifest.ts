/**
 * The install manifest (<base dir>/install-manifest.json, 0600): exactly what `endpoint install`
 * added, so that uninstall removes that and nothing else, and repair can put it back without
 * piling up backups. Each Codex config file keeps the editor's InstallRecord (the user's original
 * text and what Beacon wrote); a re-install passes it back as `previous`, so the manifest always
 * holds the single original, never a copy of Beacon's own block.
 */
import { readFile, rm } from 'node:fs/promises';
import type { InstallRecord } from '../codex/config-editor';
import type { ContentPolicy } from '../shared/event';
import { writeFileAtomic } from '../shared/atomic-write';
import type { Mode } from '../shared/paths';

export type CodexFileRole = 'user-config' | 'profile' | 'system-config' | 'requirements';

export interface CodexFileEntry {
  path: string;
  role: CodexFileRole;
  /** For role 'profile': the name given to `codex --profile`. */
  profile?: string;
  record: InstallRecord;
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
  created_at: string;
  updated_at: string;
  settings: ManifestSettings;
  runtime_log: string;
  collector_output: string;
  codex_files: CodexFileEntry[];
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
