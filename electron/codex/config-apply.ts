/**
 * Install / uninstall Beacon's [otel] block in a real config file: read, plan (config-editor.ts),
 * write atomically (shared/atomic-write.ts). Works on any path: $CODEX_HOME/config.toml,
 * profile files ($CODEX_HOME/NAME.config.toml, which Codex 0.169 reads for `--profile NAME`),
 * /etc/codex/config.toml. For --dry-run callers use planInstall/planUninstall on the text alone.
 */
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { FileAccessError, readConfigFile, removeFileChecked, writeFileAtomic } from '../shared/atomic-write';
import { planInstall, planUninstall, type InstallPlan, type InstallRecord, type UninstallPlan } from './config-editor';
import type { OtelSettings } from './config-otel-block';

export interface ApplyInstallOptions {
  force: boolean;
  previous?: InstallRecord | null;
  /** How messages name the file (default: the path). */
  fileLabel?: string;
  /** Mode for a file that install creates (default 0600: it may come to hold settings others should not read). */
  createMode?: number;
  /** How a refusal says to force it (see the editor's InstallOptions.forceHint). */
  forceHint?: string;
}

export interface ApplyInstallResult {
  outcome: 'written' | 'created' | 'unchanged' | 'refused';
  /** The file that was (or would have been) edited: the symlink target for a link. */
  path: string;
  plan: InstallPlan;
  /** Store this in the install manifest; present when something was written. */
  record?: InstallRecord;
  /** Why it refused (plan refusals and file access problems alike). */
  reason?: string;
}

export interface ApplyUninstallResult {
  outcome: 'restored' | 'edited' | 'deleted' | 'unchanged' | 'conflict' | 'refused';
  path: string;
  plan?: UninstallPlan;
  reason?: string;
  notes: string[];
}

function refusal(path: string, err: unknown): { path: string; reason: string } {
  if (err instanceof FileAccessError) return { path, reason: err.message };
  throw err;
}

export async function applyInstall(configPath: string, desired: OtelSettings, opts: ApplyInstallOptions): Promise<ApplyInstallResult> {
  const label = opts.fileLabel ?? configPath;
  let file;
  try {
    file = await readConfigFile(configPath);
  } catch (err) {
    const r = refusal(configPath, err);
    return { outcome: 'refused', path: r.path, plan: { kind: 'refuse', code: 'file-access', reason: r.reason }, reason: r.reason };
  }
  const plan = planInstall(file.text, desired, { force: opts.force, previous: opts.previous, fileLabel: label, forceHint: opts.forceHint });
  if (plan.kind === 'refuse') return { outcome: 'refused', path: file.realPath, plan, reason: plan.reason };
  if (plan.kind === 'unchanged') return { outcome: 'unchanged', path: file.realPath, plan };
  try {
    await writeFileAtomic(file.realPath, plan.newText, { expectCurrent: file.bytes, mode: file.text === null ? opts.createMode ?? 0o600 : undefined });
  } catch (err) {
    const r = refusal(file.realPath, err);
    return { outcome: 'refused', path: r.path, plan, reason: r.reason };
  }
  return { outcome: plan.created ? 'created' : 'written', path: file.realPath, plan, record: plan.record };
}

export async function applyUninstall(configPath: string, record: InstallRecord | null, opts: { fileLabel?: string } = {}): Promise<ApplyUninstallResult> {
  const label = opts.fileLabel ?? configPath;
  let file;
  try {
    file = await readConfigFile(configPath);
  } catch (err) {
    const r = refusal(configPath, err);
    return { outcome: 'refused', path: r.path, reason: r.reason, notes: [] };
  }
  const plan = planUninstall(file.text, record, { fileLabel: label });
  try {
    switch (plan.kind) {
      case 'unchanged':
        return { outcome: 'unchanged', path: file.realPath, plan, reason: plan.reason, notes: [] };
      case 'conflict':
        return { outcome: 'conflict', path: file.realPath, plan, reason: plan.reason, notes: [] };
      case 'refuse':
        return { outcome: 'refused', path: file.realPath, plan, reason: plan.reason, notes: [] };
      case 'delete':
        await removeFileChecked(file.realPath, file.bytes);
        return { outcome: 'deleted', path: file.realPath, plan, notes: plan.notes };
      case 'write':
        await writeFileAtomic(file.realPath, plan.newText, { expectCurrent: file.bytes });
        return { outcome: plan.exact ? 'restored' : 'edited', path: file.realPath, plan, notes: plan.notes };
    }
  } catch (err) {
    const r = refusal(file.realPath, err);
    return { outcome: 'refused', path: r.path, plan, reason: r.reason, notes: [] };
  }
}

export interface ProfileConfig {
  /** The profile name: `codex --profile NAME`. */
  name: string;
  path: string;
}

/** Profile files in a Codex home ($CODEX_HOME/NAME.config.toml), sorted by name. */
export async function listProfileConfigs(codexHome: string): Promise<ProfileConfig[]> {
  let names: string[];
  try {
    names = await fsp.readdir(codexHome);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: ProfileConfig[] = [];
  for (const n of names) {
    const m = /^(.+)\.config\.toml$/.exec(n);
    if (!m || m[1].startsWith('.')) continue;
    const path = join(codexHome, n);
    const st = await fsp.stat(path).catch(() => null);
    if (st?.isFile()) out.push({ name: m[1], path });
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
