/**
 * Assembles a collector from the registered parts: every harness of the registry, and the
 * enrichers and consumers the caller's configuration asks for. Every host (the app, `beacon
 * endpoint run`, `beacon ci start`, the tests) starts collectors through here, so a new harness
 * or consumer reaches all of them from one registry line.
 *
 * Always added: cost estimates on token.usage (the shipped price table, under the override files
 * given). Added when asked (user-mode hosts, config.json allowing it): the session context read
 * from the harnesses' own session records.
 */
import { startCollector, type CollectorOptions, type RunningCollector } from '../collector/collector';
import type { Harness } from '../shared/harness';
import { createPricing, type PricingOptions } from '../pricing/enricher';
import { HARNESSES } from './harnesses';
import { sessionContextEnricher } from './session-context';

export interface BeaconCollectorOptions extends Omit<CollectorOptions, 'harnesses'> {
  /** Default: every registered harness, in registry order. */
  harnesses?: readonly Harness[];
  /** Price override files (system's, then user's). Default: the shipped table alone. */
  pricing?: PricingOptions;
  /** Read the harnesses' session records with this environment (its CODEX_HOME / HOME). Default: off. */
  sessionContext?: { env: Record<string, string | undefined> };
}

export async function startBeaconCollector(opts: BeaconCollectorOptions): Promise<RunningCollector> {
  const { harnesses = HARNESSES, pricing: pricingOpts, sessionContext, enrichers = [], consumers = [], ...rest } = opts;
  const pricing = await createPricing(pricingOpts);
  const context = sessionContext ? sessionContextEnricher(harnesses, sessionContext.env) : undefined;
  for (const problem of pricing.problems) rest.onWarning?.(`${problem}; estimating costs with the other price layers`);
  return startCollector({
    ...rest,
    harnesses: harnesses.map((h) => h.ingest),
    // Context first: a later enricher may want the working directory.
    enrichers: [...(context ? [context] : []), pricing, ...enrichers],
    // Pricing is a consumer only to report its health (a refused override file) in /healthz.
    consumers: [pricing, ...consumers],
  });
}
