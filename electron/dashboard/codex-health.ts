/**
 * What the dashboard's health block says about Codex and the runtime-log source, computed by
 * the same engine as `beacon endpoint status` (computeStatus), so the tray light, the status
 * command and doctor never disagree. The renderer reads `codex` as { configured, state, reason,
 * fix } (renderer/src/lib/health.ts).
 */
import { computeStatus, type EndpointStatus } from '../endpoint/status';
import type { Mode, PathEnv } from '../shared/paths';

export interface CodexHealth {
  configured: boolean;
  /** enabled | disabled | misconfigured | invalid (computeStatus' codex.telemetry) */
  state: EndpointStatus['codex']['telemetry'];
  reason?: string;
  fix?: string;
  config_path: string;
}

export function codexHealthFrom(s: EndpointStatus): CodexHealth {
  const cx = s.codex;
  const base = { state: cx.telemetry, config_path: cx.effective?.path ?? cx.config_path };
  if (cx.telemetry === 'enabled') return { ...base, configured: true };
  const firstError = cx.problems.find((p) => p.severity === 'error') ?? cx.problems[0];
  const override = cx.overrides.find((o) => !o.reaches_collector);
  switch (cx.telemetry) {
    case 'disabled':
      return { ...base, configured: false, reason: `Codex has no [otel] export configured (${cx.config_path}).`, fix: 'beacon endpoint install --harness codex' };
    case 'invalid':
      return { ...base, configured: false, reason: firstError?.message ?? `${base.config_path} is not valid TOML: Codex refuses to start.`, fix: 'beacon endpoint doctor' };
    case 'misconfigured':
      return {
        ...base,
        configured: false,
        reason: override?.message ?? firstError?.message ?? 'Codex exports telemetry somewhere other than this collector.',
        fix: cx.managed_by_beacon && !override ? 'beacon endpoint repair' : 'beacon endpoint doctor',
      };
  }
}

/**
 * codexStatus / logSourceWarning providers for startDashboard. One computeStatus serves both
 * and is reused for a few seconds: a health request asks for both at once. `port`: the collector
 * the dashboard shows, when it is not config.json's.
 */
export function statusProviders(mode: Mode = 'user', env: PathEnv = process.env, ttlMs = 3000, port?: number) {
  let cached: { at: number; value: Promise<EndpointStatus> } | undefined;
  const status = () => {
    const now = Date.now();
    if (!cached || now - cached.at > ttlMs) cached = { at: now, value: computeStatus({ mode, env, discover: false, port }) };
    return cached.value;
  };
  return {
    codexStatus: async (): Promise<CodexHealth> => codexHealthFrom(await status()),
    logSourceWarning: async (): Promise<string | null> => (await status()).log.warning ?? null,
  };
}
