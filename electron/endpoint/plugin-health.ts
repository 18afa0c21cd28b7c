/**
 * The collector's plugins other than forwarders (pricing, detections, posture, and whatever is
 * registered next) as `endpoint status` / `doctor` see them: from the running collector's
 * /healthz `consumers`. A plugin that is `degraded` or `failed` becomes a check with what to do:
 * a refused price override file or rule file is otherwise only a line in the collector's own log.
 * Forwarders have their own checks (forward-status.ts).
 */
import type { ConsumerHealth } from '../shared/harness';
import { isForwardHealth } from '../shared/forwarding';
import type { StatusCheck } from './status';

export type PluginHealth = Pick<ConsumerHealth, 'name' | 'status' | 'detail'> & {
  /** posture: the agent config file its tamper watch reads, and the state it last saw there. */
  config_path?: string;
  telemetry_config?: string;
};

function isConsumerHealth(v: unknown): v is ConsumerHealth {
  const c = v as Partial<ConsumerHealth> | null;
  return !!c && typeof c === 'object' && typeof c.name === 'string' && typeof c.status === 'string';
}

/** The non-forwarding consumers of /healthz, as name, status and detail only. */
export function pluginHealth(consumers: readonly unknown[] | undefined): PluginHealth[] {
  return (consumers ?? []).filter((c) => isConsumerHealth(c) && !isForwardHealth(c)).map((c) => {
    const h = c as ConsumerHealth;
    const extra = h as ConsumerHealth & { config_path?: unknown; telemetry_config?: unknown };
    return {
      name: h.name,
      status: h.status,
      ...(typeof h.detail === 'string' ? { detail: h.detail } : {}),
      ...(typeof extra.config_path === 'string' ? { config_path: extra.config_path } : {}),
      ...(typeof extra.telemetry_config === 'string' ? { telemetry_config: extra.telemetry_config } : {}),
    };
  });
}

/** What fixes a plugin's problem, by plugin; others get the generic advice. */
const ACTIONS: Record<string, (repairCmd: string) => string> = {
  pricing: (repair) => `fix or remove the refused price override file (see docs), then run \`${repair}\`; costs use the shipped table meanwhile`,
  detections: (repair) => `run \`beacon rules lint <dir>\` on the rule directories of config.json and fix what it names, then \`${repair}\`; the other rules keep running`,
  posture: (repair) => `run \`${repair}\` to put Beacon's telemetry settings back, or find who changed them`,
};

export function pluginChecks(plugins: readonly PluginHealth[], repairCmd: string): StatusCheck[] {
  return plugins
    .filter((p) => p.status === 'degraded' || p.status === 'failed')
    .map((p) => ({
      id: `plugin:${p.name}`,
      status: p.status === 'failed' ? ('fail' as const) : ('warn' as const),
      message: `the collector's ${p.name} plugin is ${p.status}${p.detail ? `: ${p.detail}` : ''}`,
      action: (ACTIONS[p.name] ?? ((repair: string) => `see the collector's log; \`${repair}\` restarts it`))(repairCmd),
    }));
}
