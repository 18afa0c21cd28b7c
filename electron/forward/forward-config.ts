/**
 * A forwarding destination as configured: one entry of the `forward` list in config.json
 * (user or system config; MDM pushes the system one), or one `--forward TYPE=URL` of
 * `beacon endpoint run`. Parsing is strict and every message names the field: a destination
 * that is silently half-configured would drop a fleet's events without anyone noticing.
 *
 * Secrets never live here: only the path of a 0600 token file or the name of an environment
 * variable (secrets.ts reads them when the collector starts). https is required for every host
 * that is not this machine; plain http is allowed on loopback (a local OpenTelemetry Collector
 * or syslog-ng relay).
 */
import { isAbsolute } from 'node:path';
import type { ContentPolicy } from '../shared/event';
import { FORWARD_TYPES, type ForwardType } from '../shared/forwarding';

export interface ForwardDestinationConfig {
  name: string;
  type: ForwardType;
  url: string;
  /** A file holding the token (HEC token, or bearer token), mode 0600. */
  token_file?: string;
  /** An environment variable holding the token. */
  token_env?: string;
  /** PEM file of a CA to trust in addition to the system's (a private PKI). */
  ca_file?: string;
  /** A stricter content policy for what leaves the machine (e.g. metadata). */
  content?: ContentPolicy;
  compression?: 'gzip' | 'none';
  batch_events?: number;
  batch_bytes?: number;
  /** Without a checkpoint: send the whole log (beginning, default) or only what comes next (end). */
  start_at?: 'beginning' | 'end';
  /** splunk-hec: HEC envelope fields. */
  index?: string;
  sourcetype?: string;
  source?: string;
  /** Extra non-secret request headers (e.g. a tenant id). Authorization is refused here. */
  headers?: Record<string, string>;
  /** false: keep the entry but do not run it. */
  enabled?: boolean;
}

export class ForwardConfigError extends Error {}

export const DEFAULT_BATCH_EVENTS = 1000;
export const DEFAULT_BATCH_BYTES = 4 * 1024 * 1024;
export const DEFAULT_SOURCETYPE = 'beacon:runtime:json';
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'x-splunk-request-channel']);
const KEYS = new Set(['name', 'type', 'url', 'token_file', 'token_env', 'ca_file', 'content', 'compression', 'batch_events', 'batch_bytes', 'start_at', 'index', 'sourcetype', 'source', 'headers', 'enabled']);

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);
}

/** Check a destination URL: http(s), no credentials in it, https unless the host is this machine. */
export function checkUrl(value: string, where: string): URL {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new ForwardConfigError(`${where}: "${value}" is not a URL (e.g. https://siem.example.com:8088)`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new ForwardConfigError(`${where}: the URL must start with https:// (got ${u.protocol}//)`);
  if (u.username || u.password) throw new ForwardConfigError(`${where}: the URL must not carry credentials; put the token in a 0600 file (token_file) or an environment variable (token_env)`);
  if (u.protocol === 'http:' && !isLoopbackHost(u.hostname)) {
    throw new ForwardConfigError(`${where}: ${u.hostname} is not this machine, so the URL must use https:// (plain http is allowed only to 127.0.0.1 / localhost / ::1)`);
  }
  return u;
}

/** The URL actually posted to: the type's standard path when the URL names only a host. */
export function endpointUrl(type: ForwardType, url: string): URL {
  const u = new URL(url);
  if (u.pathname === '' || u.pathname === '/') {
    if (type === 'otlp-http') u.pathname = '/v1/logs';
    else if (type === 'splunk-hec') u.pathname = '/services/collector/event';
  }
  return u;
}

/** The URL for messages and health: scheme, host, port and path; never a query string. */
export function displayUrl(type: ForwardType, url: string): string {
  const u = endpointUrl(type, url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}

function str(v: unknown, field: string, where: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v.trim() === '') throw new ForwardConfigError(`${where}: ${field} must be a non-empty string`);
  return v;
}

function positive(v: unknown, field: string, where: string, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isSafeInteger(v) || (v as number) < 1 || (v as number) > max) throw new ForwardConfigError(`${where}: ${field} must be a whole number from 1 to ${max}`);
  return v as number;
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], field: string, where: string): T | undefined {
  if (v === undefined) return undefined;
  if (!allowed.includes(v as T)) throw new ForwardConfigError(`${where}: ${field} must be one of ${allowed.join(', ')}`);
  return v as T;
}

export function parseForwardDestination(raw: unknown, where: string): ForwardDestinationConfig {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new ForwardConfigError(`${where}: each destination must be a JSON object`);
  const r = raw as Record<string, unknown>;
  for (const k of Object.keys(r)) {
    if (k === 'token' || k === 'password' || k === 'bearer_token') {
      throw new ForwardConfigError(`${where}: "${k}" is not allowed in config.json; put the secret in a 0600 file (token_file) or an environment variable (token_env)`);
    }
    if (!KEYS.has(k)) throw new ForwardConfigError(`${where}: unknown field "${k}" (known: ${[...KEYS].join(', ')})`);
  }
  const name = str(r.name, 'name', where);
  if (!name || !NAME.test(name)) throw new ForwardConfigError(`${where}: name must be 1-63 letters, digits, '.', '_' or '-'`);
  const type = oneOf(r.type, FORWARD_TYPES, 'type', where);
  if (!type) throw new ForwardConfigError(`${where}: type is required (one of ${FORWARD_TYPES.join(', ')})`);
  const url = str(r.url, 'url', where);
  if (!url) throw new ForwardConfigError(`${where}: url is required`);
  checkUrl(url, where);
  const cfg: ForwardDestinationConfig = { name, type, url };
  const tokenFile = str(r.token_file, 'token_file', where);
  const tokenEnv = str(r.token_env, 'token_env', where);
  if (tokenFile && tokenEnv) throw new ForwardConfigError(`${where}: give token_file or token_env, not both`);
  if (tokenFile && !isAbsolute(tokenFile)) throw new ForwardConfigError(`${where}: token_file must be an absolute path`);
  if (tokenEnv && !ENV_NAME.test(tokenEnv)) throw new ForwardConfigError(`${where}: token_env must be an environment variable name`);
  if (type === 'splunk-hec' && !tokenFile && !tokenEnv) throw new ForwardConfigError(`${where}: splunk-hec needs its HEC token: token_file (a 0600 file) or token_env`);
  if (tokenFile) cfg.token_file = tokenFile;
  if (tokenEnv) cfg.token_env = tokenEnv;
  const ca = str(r.ca_file, 'ca_file', where);
  if (ca && !isAbsolute(ca)) throw new ForwardConfigError(`${where}: ca_file must be an absolute path`);
  if (ca) cfg.ca_file = ca;
  const content = oneOf(r.content, ['full', 'redacted', 'metadata'] as const, 'content', where);
  if (content) cfg.content = content;
  const compression = oneOf(r.compression, ['gzip', 'none'] as const, 'compression', where);
  if (compression) cfg.compression = compression;
  const be = positive(r.batch_events, 'batch_events', where, 100_000);
  if (be) cfg.batch_events = be;
  const bb = positive(r.batch_bytes, 'batch_bytes', where, 64 * 1024 * 1024);
  if (bb) cfg.batch_bytes = bb;
  const start = oneOf(r.start_at, ['beginning', 'end'] as const, 'start_at', where);
  if (start) cfg.start_at = start;
  for (const f of ['index', 'sourcetype', 'source'] as const) {
    const v = str(r[f], f, where);
    if (v && type !== 'splunk-hec') throw new ForwardConfigError(`${where}: ${f} applies to splunk-hec destinations only`);
    if (v) cfg[f] = v;
  }
  if (r.headers !== undefined) {
    if (!r.headers || typeof r.headers !== 'object' || Array.isArray(r.headers)) throw new ForwardConfigError(`${where}: headers must be an object of name: value`);
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers as Record<string, unknown>)) {
      if (!HEADER_NAME.test(k)) throw new ForwardConfigError(`${where}: "${k}" is not a valid header name`);
      if (SECRET_HEADERS.has(k.toLowerCase())) throw new ForwardConfigError(`${where}: the ${k} header is set by Beacon (credentials come from token_file / token_env)`);
      if (typeof v !== 'string' || /[\r\n]/.test(v)) throw new ForwardConfigError(`${where}: header ${k} must be a one-line string`);
      headers[k] = v;
    }
    cfg.headers = headers;
  }
  if (r.enabled !== undefined) {
    if (typeof r.enabled !== 'boolean') throw new ForwardConfigError(`${where}: enabled must be true or false`);
    cfg.enabled = r.enabled;
  }
  return cfg;
}

/** The `forward` list of a config file. Names must be unique (they name the checkpoints). */
export function parseForwardList(raw: unknown, where: string): ForwardDestinationConfig[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw new ForwardConfigError(`${where}: forward must be a list of destinations`);
  const out = raw.map((r, i) => parseForwardDestination(r, `${where}: forward[${i}]`));
  const seen = new Set<string>();
  for (const d of out) {
    if (seen.has(d.name)) throw new ForwardConfigError(`${where}: two destinations are named "${d.name}"; names must be unique`);
    seen.add(d.name);
  }
  return out;
}

/** `--forward TYPE=URL`: a destination named after its type and position (`otlp-http-1`). */
export function parseForwardFlag(value: string, index: number, extra: Partial<ForwardDestinationConfig> = {}): ForwardDestinationConfig {
  const eq = value.indexOf('=');
  const type = eq > 0 ? value.slice(0, eq) : '';
  if (!FORWARD_TYPES.includes(type as ForwardType)) {
    throw new ForwardConfigError(`--forward ${value}: expected TYPE=URL with TYPE one of ${FORWARD_TYPES.join(', ')}`);
  }
  return parseForwardDestination({ ...extra, name: `${type}-${index + 1}`, type, url: value.slice(eq + 1) }, `--forward ${type}=…`);
}
