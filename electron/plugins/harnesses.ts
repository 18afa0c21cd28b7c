/**
 * The harness registry: the one place that lists the agents Beacon understands. Order matters
 * for ingest: the collector gives each OTLP resource to the first harness that claims it, so
 * specific harnesses go first and Codex (which claims everything) last.
 */
import { codexHarness } from '../codex/harness';
import type { Harness } from '../shared/harness';

export const HARNESSES: readonly Harness[] = [codexHarness];

/**
 * The harness of a lifecycle command given no `--harness`, and of an install manifest that names
 * none (every manifest written before manifests named their harness is a Codex install).
 */
export const DEFAULT_HARNESS: Harness = codexHarness;

/** Thrown for a `--harness` value no registered harness answers to. */
export class UnknownHarnessError extends Error {
  constructor(readonly value: string) {
    super(`unknown harness "${value}"; supported: ${describeHarnesses()}.`);
  }
}

/** "codex (also codex-cli, codex_cli)": what usage errors and --help list. */
export function describeHarnesses(harnesses: readonly Harness[] = HARNESSES): string {
  return harnesses.map((h) => (h.aliases.length ? `${h.id} (also ${h.aliases.join(', ')})` : h.id)).join('; ');
}

/** The harness a `--harness` value names (case and surrounding space ignored). */
export function resolveHarness(value: string, harnesses: readonly Harness[] = HARNESSES): Harness {
  const v = value.trim().toLowerCase();
  const found = harnesses.find((h) => h.id === v || h.aliases.includes(v));
  if (!found) throw new UnknownHarnessError(value);
  return found;
}

/** The harness whose events carry this `harness.name` (for labels in the UI and summaries). */
export function harnessForEventName(name: string | undefined, harnesses: readonly Harness[] = HARNESSES): Harness | undefined {
  return harnesses.find((h) => h.eventHarnessName === name);
}
