/**
 * The posture.inventory event: what a security team asks about an endpoint, once at start and
 * then daily. Which agents and versions are installed, how they are configured (sandbox,
 * approvals, MCP servers, whether prompt text is logged, what an admin enforces), which Beacon
 * runs and with which content policy, whether its telemetry block is in effect, and the health
 * of the forwarding destinations. Each harness reports its own part (HarnessLifecycle.posture).
 */
import type { BeaconEvent, ContentPolicy } from '../shared/event';
import type { Harness, HarnessPosture, TelemetryConfigCheck } from '../shared/harness';
import type { Mode } from '../shared/paths';
import { VERSION } from '../shared/version';
import type { InstalledTelemetry } from './posture-consumer';
import { postureEvent } from './posture-events';

/** A destination as the inventory shows it (from the forwarders' ConsumerHealth). */
export interface DestinationHealth {
  name: string;
  status: string;
  state?: string;
  detail?: string;
}

export interface InventoryInput {
  mode: Mode;
  env: Record<string, string | undefined>;
  harnesses: readonly Harness[];
  installed: InstalledTelemetry | null;
  destinations: DestinationHealth[];
  content: ContentPolicy;
  telemetry?: TelemetryConfigCheck;
}

type HarnessFacts = HarnessPosture & { harness: string; display_name: string };

function summary(h: HarnessFacts): string {
  const versions = h.installs.map((i) => i.version ?? 'version unknown');
  const parts = [
    `${h.display_name} ${versions.length ? versions.join(', ') : 'not found'}`,
    `sandbox ${h.sandbox_mode ?? 'default'}`,
    `approvals ${h.approval_policy ?? 'default'}`,
    `${h.mcp_servers.length} MCP server(s)${h.mcp_servers.length ? ` (${h.mcp_servers.join(', ')})` : ''}`,
  ];
  if (h.log_user_prompt === false) parts.push('prompt text withheld');
  return parts.join(', ');
}

export async function buildInventory(input: InventoryInput): Promise<BeaconEvent> {
  const harnesses: HarnessFacts[] = [];
  for (const h of input.harnesses) {
    if (!h.lifecycle.posture) continue;
    const configPath = input.installed?.harnessId === h.id ? input.installed.configPath : undefined;
    const p = await h.lifecycle.posture({ mode: input.mode, env: input.env, configPath }).catch((err: Error) => ({ installs: [], config_path: configPath ?? '', config_exists: false, mcp_servers: [], problems: [err.message] }) as HarnessPosture);
    harnesses.push({ harness: h.eventHarnessName, display_name: h.displayName, ...p });
  }
  const dests = input.destinations;
  const unhealthy = dests.filter((d) => d.status !== 'ok');
  const detail = [
    `Beacon ${VERSION} (${input.mode} mode, content ${input.content})`,
    ...harnesses.map(summary),
    dests.length ? `${dests.length} destination(s)${unhealthy.length ? `, ${unhealthy.length} not ok: ${unhealthy.map((d) => `${d.name} ${d.state ?? d.status}`).join(', ')}` : ', all ok'}` : 'no forwarding destinations',
    ...(input.telemetry ? [`telemetry block ${input.telemetry.state}`] : []),
  ].join('; ');
  return postureEvent('posture.inventory', 'info', detail, {
    detail,
    ...(harnesses[0]?.config_path ? { config_path: harnesses[0].config_path } : {}),
    beacon_version: VERSION,
    mode: input.mode,
    content: input.content,
    harnesses,
    destinations: dests,
    ...(input.telemetry ? { telemetry: { state: input.telemetry.state, detail: input.telemetry.detail } } : {}),
  });
}
