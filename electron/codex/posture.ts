/**
 * Codex's setup on this machine for the daily posture.inventory event (shared/harness.ts
 * HarnessPosture): the binaries found and their versions (discovery.ts), and the settings a
 * security team asks about: sandbox_mode, approval_policy, [mcp_servers.*], otel.log_user_prompt,
 * and what an admin's requirements.toml enforces. Read-only; runs `codex --version` per binary.
 *
 * Precedence as Codex applies it: managed_config.toml over the config file; requirements.toml
 * does not set values, it limits them (allowed_* lists), so it is reported apart.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HarnessPosture } from '../shared/harness';
import { codexHome, type Mode, type PathEnv } from '../shared/paths';
import { tomlErrorSummary } from './config-inspect';
import { parseToml } from './config-toml-parse';
import { discoverCodex } from './discovery';

function isTable(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

async function readDoc(path: string, problems: string[]): Promise<Record<string, unknown> | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') problems.push(`cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    return null;
  }
  try {
    return parseToml(text);
  } catch (err) {
    const e = tomlErrorSummary(err);
    problems.push(`${path} is not valid TOML (line ${e.line}: ${e.message})`);
    return null;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export async function codexPosture(opts: { mode: Mode; env: PathEnv; configPath?: string }): Promise<HarnessPosture> {
  const problems: string[] = [];
  const configPath = opts.configPath ?? join(codexHome(opts.mode, opts.env), 'config.toml');
  const sys = codexHome('system', opts.env);
  const [discovery, config, managed, requirements] = await Promise.all([
    discoverCodex(opts.env).catch(() => null),
    readDoc(configPath, problems),
    readDoc(join(sys, 'managed_config.toml'), problems),
    readDoc(join(sys, 'requirements.toml'), problems),
  ]);
  const layers = [managed, config].filter((d): d is Record<string, unknown> => d !== null);
  const first = (key: string) => layers.map((d) => str(d[key])).find((v) => v !== undefined);
  const mcp = new Set<string>();
  for (const d of layers) if (isTable(d.mcp_servers)) for (const name of Object.keys(d.mcp_servers)) mcp.add(name);
  const otel = layers.map((d) => d.otel).find(isTable);
  const enforced: Record<string, unknown> = {};
  if (requirements) {
    for (const [k, v] of Object.entries(requirements)) if (k.startsWith('allowed_') && Array.isArray(v)) enforced[k] = v;
    if (isTable(requirements.otel)) enforced.otel = true;
  }
  return {
    installs: (discovery?.installs ?? []).map((i) => ({ path: i.path, version: i.version, source: i.source })),
    config_path: configPath,
    config_exists: config !== null,
    sandbox_mode: first('sandbox_mode'),
    approval_policy: first('approval_policy'),
    mcp_servers: [...mcp].sort(),
    log_user_prompt: otel && typeof otel.log_user_prompt === 'boolean' ? otel.log_user_prompt : undefined,
    ...(Object.keys(enforced).length ? { enforced } : {}),
    problems,
  };
}
