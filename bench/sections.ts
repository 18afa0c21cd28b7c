/** Every bench section, in the order a full run executes them. */
import type { Section } from './section';
import { ingestSection } from './section-ingest';
import { idleSection } from './section-idle';
import { dashboardSection } from './section-dashboard';
import { liveSection } from './section-live';
import { codexSection } from './section-codex';
import { forwardSection } from './section-forward';
import { hostileSection } from './section-hostile';
import { detectionSection } from './section-detection';

export const SECTIONS: readonly Section[] = [ingestSection, hostileSection, idleSection, dashboardSection, liveSection, codexSection, forwardSection, detectionSection];
