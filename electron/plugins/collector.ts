/**
 * Assembles a collector from the registered parts: every harness of the registry, and the
 * enrichers and consumers the caller's configuration asks for. Every host (the app, `beacon
 * endpoint run`, `beacon ci start`, the tests) starts collectors through here, so a new harness
 * or consumer reaches all of them from one registry line.
 */
import { startCollector, type CollectorOptions, type RunningCollector } from '../collector/collector';
import type { Harness } from '../shared/harness';
import { HARNESSES } from './harnesses';

export interface BeaconCollectorOptions extends Omit<CollectorOptions, 'harnesses'> {
  /** Default: every registered harness, in registry order. */
  harnesses?: readonly Harness[];
}

export function startBeaconCollector(opts: BeaconCollectorOptions): Promise<RunningCollector> {
  const { harnesses = HARNESSES, ...rest } = opts;
  return startCollector({ ...rest, harnesses: harnesses.map((h) => h.ingest) });
}
