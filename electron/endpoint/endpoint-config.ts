/**
 * config.json under the Beacon base dir: what `endpoint install` chose (port, content policy,
 * spans, log path) so that `endpoint run`, the app, `status` and `doctor` agree without flags.
 * Missing file = defaults. A corrupt file is an error the user is told about, never silently
 * replaced.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { ContentPolicy } from '../shared/event';
import { beaconPaths, DEFAULT_DASHBOARD_PORT, DEFAULT_OTLP_PORT, type Mode, type PathEnv } from '../shared/paths';
import { writeFileAtomic } from '../shared/atomic-write';
import { ForwardConfigError, parseForwardList, type ForwardDestinationConfig } from '../forward/forward-config';

export interface EndpointConfig {
  schema: 1;
  mode: Mode;
  otlp_http_port: number;
  dashboard_port: number;
  runtime_log: string;
  include_codex_spans: boolean;
  content: ContentPolicy;
  log_user_prompt: boolean;
  rotate_bytes: number;
  rotate_archives: number;
  harnesses: string[];
  /** Forwarding destinations (electron/forward/forward-config.ts); secrets by file or env only. */
  forward: ForwardDestinationConfig[];
  /**
   * A price override file (negotiated prices; see electron/pricing/overrides.ts). null: the
   * default `<base dir>/price-overrides.json`, read when it exists.
   */
  price_overrides: string | null;
  /**
   * User mode: read the first line of Codex's own session record to learn each session's
   * working directory and git repository (electron/codex/session-meta.ts). false to opt out.
   */
  read_codex_session_meta: boolean;
  /**
   * Directories of extra detection rules (one JSON rule file each; docs/detections.md), read by
   * the collector at start. A system config's directories also apply to user collectors (MDM).
   */
  detection_rule_dirs: string[];
}

export const CONTENT_POLICIES: readonly ContentPolicy[] = ['full', 'redacted', 'metadata'];

export function defaultEndpointConfig(mode: Mode = 'user', env: PathEnv = process.env): EndpointConfig {
  return {
    schema: 1,
    mode,
    otlp_http_port: DEFAULT_OTLP_PORT,
    dashboard_port: DEFAULT_DASHBOARD_PORT,
    runtime_log: beaconPaths(mode, env).runtimeLog,
    include_codex_spans: false,
    content: 'redacted',
    log_user_prompt: true,
    rotate_bytes: 10 * 1024 * 1024,
    rotate_archives: 5,
    harnesses: ['codex'],
    forward: [],
    price_overrides: null,
    read_codex_session_meta: true,
    detection_rule_dirs: [],
  };
}

export class EndpointConfigError extends Error {}

export async function readEndpointConfig(mode: Mode = 'user', env: PathEnv = process.env): Promise<{ config: EndpointConfig; exists: boolean }> {
  const file = beaconPaths(mode, env).configFile;
  const defaults = defaultEndpointConfig(mode, env);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { config: defaults, exists: false };
    throw new EndpointConfigError(`cannot read ${file}: ${(err as Error).message}`);
  }
  let parsed: Partial<EndpointConfig>;
  try {
    parsed = JSON.parse(text) as Partial<EndpointConfig>;
  } catch (err) {
    throw new EndpointConfigError(`${file} is not valid JSON (${(err as Error).message}); fix or delete it, then run \`beacon endpoint repair\``);
  }
  const config = { ...defaults, ...parsed, schema: 1 as const };
  if (!CONTENT_POLICIES.includes(config.content)) {
    throw new EndpointConfigError(`${file}: content must be one of ${CONTENT_POLICIES.join(', ')}`);
  }
  try {
    config.forward = parseForwardList(parsed.forward, file);
  } catch (err) {
    if (err instanceof ForwardConfigError) throw new EndpointConfigError(err.message);
    throw err;
  }
  if (config.price_overrides !== null && (typeof config.price_overrides !== 'string' || !config.price_overrides.trim())) {
    throw new EndpointConfigError(`${file}: price_overrides must be the path of a JSON file, or null`);
  }
  if (typeof config.read_codex_session_meta !== 'boolean') {
    throw new EndpointConfigError(`${file}: read_codex_session_meta must be true or false`);
  }
  const dirs = config.detection_rule_dirs as unknown;
  if (!Array.isArray(dirs) || dirs.some((d) => typeof d !== 'string' || !d.trim())) {
    throw new EndpointConfigError(`${file}: detection_rule_dirs must be a list of directory paths`);
  }
  return { config, exists: true };
}

export async function writeEndpointConfig(config: EndpointConfig, env: PathEnv = process.env): Promise<string> {
  const file = beaconPaths(config.mode, env).configFile;
  await mkdir(dirname(file), { recursive: true, mode: config.mode === 'system' ? 0o755 : 0o700 });
  await writeFileAtomic(file, JSON.stringify(config, null, 2) + '\n', { mode: config.mode === 'system' ? 0o644 : 0o600 });
  return file;
}
