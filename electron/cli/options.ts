/** Parsers for option values shared by several commands: a bad value is a clear usage error. */
import { InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import type { ContentPolicy } from '../shared/event';
import { CONTENT_POLICIES } from '../endpoint/endpoint-config';
import { describeHarnesses, resolveHarness, UnknownHarnessError } from '../plugins/harnesses';

export function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new InvalidArgumentError(`"${value}" is not a TCP port (1-65535).`);
  }
  return n;
}

export function parseContentPolicy(value: string): ContentPolicy {
  if (!(CONTENT_POLICIES as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`"${value}" is not a content policy; use one of: ${CONTENT_POLICIES.join(', ')}.`);
  }
  return value as ContentPolicy;
}

/** Like parsePort, but 0 means "any free port" (the startup line says which). */
export function parseListenPort(value: string): number {
  return value === '0' ? 0 : parsePort(value);
}

export function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new InvalidArgumentError(`"${value}" is not a positive whole number.`);
  return n;
}

/**
 * A `--harness` value, resolved through the harness registry to the harness's id. An unknown
 * name is a usage error that lists the registered harnesses.
 */
export function parseHarness(value: string): string {
  try {
    return resolveHarness(value).id;
  } catch (err) {
    if (err instanceof UnknownHarnessError) throw new InvalidArgumentError(err.message);
    throw err;
  }
}

/** "codex (also codex-cli, codex_cli)", for option help. */
export const HARNESS_CHOICES = describeHarnesses();

/**
 * Path flags are made absolute here: the collector reports its log path in /healthz, and the
 * dashboard, `status` and services read it from other working directories.
 */
export function parsePath(value: string): string {
  if (value.trim() === '') throw new InvalidArgumentError('The path is empty.');
  const abs = resolve(value);
  // Kernel pseudo-filesystems are never a place for a log (and Node's recursive mkdir can spin
  // forever under /proc).
  if (/^\/(proc|sys)(\/|$)/.test(abs)) throw new InvalidArgumentError(`${abs} is on a kernel pseudo-filesystem; choose a real directory.`);
  return abs;
}
