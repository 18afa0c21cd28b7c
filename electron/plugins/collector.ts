/**
 * Assembles a collector from the registered parts: every harness of the registry, and the
 * enrichers and consumers the caller's configuration asks for. Every host (the app, `beacon
 * endpoint run`, `beacon ci start`, the tests) starts collectors through here, so a new harness
 * or consumer reaches all of them from one registry line.
 *
 * Always added: cost estimates on token.usage (the shipped price table, under the override files
 * given), and the detection rules (electron/detections: the shipped rules plus config.json's rule
 * directories; `detections: false` turns them off, e.g. for the bench's baseline). Added when asked (user-mode hosts, config.json allowing it): the session context read
 * from the harnesses' own session records.
 */
import { dirname, join, resolve } from 'node:path';
import { startCollector, type CollectorOptions, type RunningCollector } from '../collector/collector';
import type { ForwardDestinationConfig } from '../forward/forward-config';
import type { ResolvedDestination } from '../forward/forward-engine';
import { createForwarders } from '../forward/forwarder';
import { resolveDestinations } from '../forward/resolve-destinations';
import { DEFAULT_ROTATE_ARCHIVES, DEFAULT_ROTATE_BYTES } from '../log/rotation';
import type { Harness } from '../shared/harness';
import { createPricing, type PricingOptions } from '../pricing/enricher';
import { DetectionConsumer, type DetectionOptions } from '../detections/consumer';
import { HARNESSES } from './harnesses';
import { sessionContextEnricher } from './session-context';
import { createPostureConsumer, type InstalledTelemetry } from '../posture/posture-consumer';
import { readPreviousRun } from '../posture/run-state';
import type { EventConsumer } from '../shared/harness';
import type { Mode } from '../shared/paths';

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
  /** Price override files (system's, then user's). Default: the shipped table alone. */
  pricing?: PricingOptions;
  /** Read the harnesses' session records with this environment (its CODEX_HOME / HOME). Default: off. */
  sessionContext?: { env: Record<string, string | undefined> };
  /**
   * Lifecycle, tamper and inventory signals (electron/posture), for the collector of Beacon's
   * installed endpoint only: `installed()` reads the install manifest (re-read at every check);
   * they run when it names this collector's log. Absent (ci start, tests): none of them.
   */
  posture?: { env: Record<string, string | undefined>; installed(): Promise<InstalledTelemetry | null>; inventoryIntervalMs?: number };
  /** Detection rules on written events. Default: on, with the shipped rules only; false: off. */
  detections?: DetectionOptions | false;
}

const isResolved = (d: ForwardDestinationConfig | ResolvedDestination): d is ResolvedDestination => 'cfg' in d;

export async function startBeaconCollector(opts: BeaconCollectorOptions): Promise<RunningCollector> {
  const { harnesses = HARNESSES, forward = [], stateDir, env = process.env, pricing: pricingOpts, sessionContext, detections = {}, enrichers = [], consumers = [], ...rest } = opts;
  const pricing = await createPricing(pricingOpts);
  const context = sessionContext ? sessionContextEnricher(harnesses, sessionContext.env) : undefined;
  for (const problem of pricing.problems) rest.onWarning?.(`${problem}; estimating costs with the other price layers`);
  const resolved = [...forward.filter(isResolved), ...(await resolveDestinations(forward.filter((d) => !isResolved(d)) as ForwardDestinationConfig[], env))];
  const retainedBytes = (rest.rotateBytes ?? DEFAULT_ROTATE_BYTES) * ((rest.rotateArchives ?? DEFAULT_ROTATE_ARCHIVES) + 1);
  const forwarders = createForwarders({ destinations: resolved, stateDir: stateDir ?? join(dirname(rest.logPath), 'forward-state'), retainedBytes });
  const posture = await postureFor(opts, harnesses, forwarders);
  return startCollector({
    ...rest,
    harnesses: harnesses.map((h) => h.ingest),
    // Context first: a later enricher may want the working directory.
    enrichers: [...(context ? [context] : []), pricing, ...enrichers],
    // Pricing is a consumer only to report its health (a refused override file) in /healthz.
    // Detections before the forwarders: a finding is written (and so forwarded) right away.
    // Posture last: it starts after the forwarders (collector.started reaches them) and closes
    // first (collector.stopped is written while they still run).
    consumers: [pricing, ...(detections ? [new DetectionConsumer(detections)] : []), ...consumers, ...forwarders, ...posture],
  });
}

async function postureFor(opts: BeaconCollectorOptions, harnesses: readonly Harness[], forwarders: readonly EventConsumer[]): Promise<EventConsumer[]> {
  if (!opts.posture) return [];
  const install = await opts.posture.installed().catch(() => null);
  if (!install || resolve(install.runtimeLog) !== resolve(opts.logPath)) return [];
  const mode: Mode = opts.mode ?? 'user';
  return [
    createPostureConsumer({
      logPath: opts.logPath,
      mode,
      content: opts.content ?? 'redacted',
      env: opts.posture.env,
      harnesses,
      // Read before the writer opens the log: it replaces the previous run's health file.
      previous: await readPreviousRun(opts.logPath),
      installed: opts.posture.installed,
      destinations: () =>
        forwarders.flatMap((f) => {
          const h = f.health?.();
          return h ? [{ name: h.name, status: h.status, state: typeof h.state === 'string' ? h.state : undefined, detail: h.detail }] : [];
        }),
      fileMode: opts.fileMode,
      inventoryIntervalMs: opts.posture.inventoryIntervalMs,
    }),
  ];
}
