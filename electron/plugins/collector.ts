/**
 * Assembles a collector from the registered parts: every harness of the registry, and the
 * enrichers and consumers the caller's configuration asks for. Every host (the app, `beacon
 * endpoint run`, `beacon ci start`, the tests) starts collectors through here, so a new harness
 * or consumer reaches all of them from one registry line.
 */
import { dirname, join } from 'node:path';
import { startCollector, type CollectorOptions, type RunningCollector } from '../collector/collector';
import type { ForwardDestinationConfig } from '../forward/forward-config';
import type { ResolvedDestination } from '../forward/forward-engine';
import { createForwarders } from '../forward/forwarder';
import { resolveDestinations } from '../forward/resolve-destinations';
import type { Harness } from '../shared/harness';
import { HARNESSES } from './harnesses';

export interface BeaconCollectorOptions extends Omit<CollectorOptions, 'harnesses'> {
  /** Default: every registered harness, in registry order. */
  harnesses?: readonly Harness[];
  /**
   * Forwarding destinations (config.json `forward`, `--forward`): configurations, whose
   * secrets are read here from `env`, or destinations already resolved by the caller.
   */
  forward?: readonly (ForwardDestinationConfig | ResolvedDestination)[];
  /** Where forwarding checkpoints live (default: `forward-state` next to the log). */
  stateDir?: string;
  env?: NodeJS.ProcessEnv;
}

const isResolved = (d: ForwardDestinationConfig | ResolvedDestination): d is ResolvedDestination => 'cfg' in d;

export async function startBeaconCollector(opts: BeaconCollectorOptions): Promise<RunningCollector> {
  const { harnesses = HARNESSES, forward = [], stateDir, env = process.env, ...rest } = opts;
  const resolved = [...forward.filter(isResolved), ...(await resolveDestinations(forward.filter((d) => !isResolved(d)) as ForwardDestinationConfig[], env))];
  const forwarders = createForwarders({ destinations: resolved, stateDir: stateDir ?? join(dirname(rest.logPath), 'forward-state') });
  return startCollector({ ...rest, consumers: [...(rest.consumers ?? []), ...forwarders], harnesses: harnesses.map((h) => h.ingest) });
}
