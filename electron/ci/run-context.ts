/**
 * Who is running this CI job: the run context that `beacon ci start` attaches to every event.
 *
 * Codex merges OTEL_RESOURCE_ATTRIBUTES into every resource it exports (research/codex-otel.md
 * section 2.1), and the normalizer (electron/codex/normalize-run.ts) turns `beacon.origin` and
 * `beacon.run.<name>` resource attributes into the event's `origin` and `run` blocks. So the run
 * context travels from here to runtime.jsonl without Codex knowing anything about Beacon.
 */
import { readFileSync } from 'node:fs';

/** Run names as the normalizer and the reference product spell them. */
export type RunContext = Partial<
  Record<'provider' | 'workflow' | 'job' | 'run_id' | 'run_attempt' | 'repository' | 'commit' | 'ref' | 'branch' | 'pr' | 'pr_number' | 'actor' | 'event_name' | 'ephemeral', string>
>;

/** The pull request number of a GitHub run: refs/pull/N/merge (or /head), else the event payload. */
export function pullRequestNumber(env: NodeJS.ProcessEnv): string | undefined {
  const m = /^refs\/pull\/(\d+)\//.exec(env.GITHUB_REF ?? '');
  if (m) return m[1];
  // pull_request_target and friends run on the base branch's ref: the number is only in the event.
  if (env.GITHUB_EVENT_PATH && /^pull_request/.test(env.GITHUB_EVENT_NAME ?? '')) {
    try {
      const payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as { pull_request?: { number?: unknown }; number?: unknown };
      const n = payload.pull_request?.number ?? payload.number;
      if (typeof n === 'number' && Number.isInteger(n) && n > 0) return String(n);
    } catch {
      // An unreadable event file only costs us the PR number.
    }
  }
  return undefined;
}

/** The run context from the environment: full on GitHub Actions, `{provider: ci}` on other CI, else empty. */
export function detectRunContext(env: NodeJS.ProcessEnv): RunContext {
  if (env.GITHUB_ACTIONS === 'true') {
    const ctx: RunContext = {
      provider: 'github_actions',
      workflow: env.GITHUB_WORKFLOW,
      job: env.GITHUB_JOB,
      run_id: env.GITHUB_RUN_ID,
      run_attempt: env.GITHUB_RUN_ATTEMPT,
      repository: env.GITHUB_REPOSITORY,
      commit: env.GITHUB_SHA,
      ref: env.GITHUB_REF,
      branch: env.GITHUB_HEAD_REF || env.GITHUB_REF_NAME,
      actor: env.GITHUB_ACTOR,
      event_name: env.GITHUB_EVENT_NAME,
      ephemeral: 'true',
    };
    const pr = pullRequestNumber(env);
    if (pr) {
      ctx.pr = pr;
      ctx.pr_number = pr;
    }
    for (const k of Object.keys(ctx) as (keyof RunContext)[]) if (!ctx[k]) delete ctx[k];
    return ctx;
  }
  if (env.CI) return { provider: 'ci', ephemeral: 'true' };
  return {};
}

/**
 * Percent-encode a resource attribute value. OTEL_RESOURCE_ATTRIBUTES is `key=value,key=value`,
 * so `,` `=` `%`, whitespace, quotes, control and non-ASCII characters must be escaped; the
 * characters common in our values (`/` in owner/repo and refs, `:` `@` `.` `-`) stay readable.
 */
export function encodeAttributeValue(value: string): string {
  return Array.from(value)
    .map((ch) => (/^[A-Za-z0-9\-_.~/:@+]$/.test(ch) ? ch : encodeURIComponent(ch).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())))
    .join('');
}

/**
 * OTEL_RESOURCE_ATTRIBUTES for the agent's step: whatever the user already set, minus any
 * `beacon.*` entries (a second `ci start` in the same job sees the first one's export), plus
 * `beacon.origin=ci` and one `beacon.run.<name>` per known value.
 */
export function resourceAttributes(ctx: RunContext, existing: string | undefined): string {
  const kept = (existing ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s && !/^beacon\./.test(s));
  const ours = ['beacon.origin=ci'];
  for (const [k, v] of Object.entries(ctx)) if (v) ours.push(`beacon.run.${k}=${encodeAttributeValue(v)}`);
  return [...kept, ...ours].join(',');
}
