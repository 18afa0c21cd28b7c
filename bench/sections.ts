/** Every bench section, in the order a full run executes them. */
import type { Section } from './section';
import { ingestSection } from './section-ingest';

export const SECTIONS: readonly Section[] = [ingestSection];
