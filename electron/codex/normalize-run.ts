/**
 * CI run context. Codex merges OTEL_RESOURCE_ATTRIBUTES into every resource, so a CI wrapper
 * (`beacon ci start`, the GitHub Action) tags a run by exporting, e.g.
 *   OTEL_RESOURCE_ATTRIBUTES=beacon.origin=ci,beacon.run.provider=github_actions,beacon.run.run_id=123
 * and every event of that run carries a `run` block and `origin: "ci"`.
 *
 * Accepted keys (values percent-decoded, as the OTEL_RESOURCE_ATTRIBUTES syntax requires):
 *  - `beacon.origin`            -> origin (local | cloud | ci; anything else ignored)
 *  - `beacon.run.<name>`        -> run.<name>, for any name. The reference product's names are
 *    provider, run_id, run_attempt, workflow, job, event_name, commit, repository, branch, pr,
 *    pr_number, actor, ephemeral. Short aliases are mapped onto them:
 *    beacon.run.id -> run_id, beacon.run.attempt -> run_attempt, beacon.run.sha -> commit.
 *  - GitHub keys `github.run_id`, `github.run_attempt`, `github.workflow`, `github.job`,
 *    `github.repository`, `github.sha`, `github.ref_name`, `github.event_name`, `github.actor`
 *    -> the same run names, with provider "github_actions" unless one is given.
 * Types: run_attempt and pr_number become numbers when they are integers, `ephemeral` a boolean;
 * ids stay strings (a run id may exceed 2^53). Any run key present makes origin "ci" unless
 * beacon.origin says otherwise.
 */
import type { Attributes } from '../shared/otlp-types';
import type { Origin } from '../shared/event';

export interface RunContext {
  origin?: Origin;
  run?: Record<string, string | number | boolean>;
}

const RUN_PREFIX = 'beacon.run.';
const ALIASES: Record<string, string> = { id: 'run_id', attempt: 'run_attempt', sha: 'commit' };
const GITHUB_KEYS: Record<string, string> = {
  'github.run_id': 'run_id',
  'github.run_attempt': 'run_attempt',
  'github.workflow': 'workflow',
  'github.job': 'job',
  'github.repository': 'repository',
  'github.sha': 'commit',
  'github.ref_name': 'branch',
  'github.event_name': 'event_name',
  'github.actor': 'actor',
};
const NUMERIC = new Set(['run_attempt', 'pr_number']);
const ORIGINS = new Set<Origin>(['local', 'cloud', 'ci']);

function percentDecode(s: string): string {
  if (s.indexOf('%') < 0) return s;
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function typed(name: string, value: string): string | number | boolean {
  if (NUMERIC.has(name) && /^\d{1,15}$/.test(value)) return Number(value);
  if (name === 'ephemeral' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/** The run context a resource carries; `{}` when none. Compute once per resource. */
export function runContextFromResource(resource: Attributes): RunContext {
  let fromBeacon: Record<string, string | number | boolean> | undefined;
  let fromGithub: Record<string, string | number | boolean> | undefined;
  let origin: Origin | undefined;
  for (const key in resource) {
    const raw = resource[key];
    if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') continue;
    if (key === 'beacon.origin') {
      const value = percentDecode(String(raw));
      if (ORIGINS.has(value as Origin)) origin = value as Origin;
    } else if (key.startsWith(RUN_PREFIX)) {
      const rest = key.slice(RUN_PREFIX.length);
      if (!rest) continue;
      const name = ALIASES[rest] ?? rest;
      (fromBeacon ??= {})[name] = typed(name, percentDecode(String(raw)));
    } else if (key in GITHUB_KEYS) {
      const name = GITHUB_KEYS[key];
      (fromGithub ??= { provider: 'github_actions' })[name] = typed(name, percentDecode(String(raw)));
    }
  }
  const ctx: RunContext = {};
  if (fromBeacon || fromGithub) {
    // Explicit beacon.run.* values win over what the GitHub keys say.
    ctx.run = { ...fromGithub, ...fromBeacon };
    ctx.origin = origin ?? 'ci';
  } else if (origin) {
    ctx.origin = origin;
  }
  return ctx;
}
