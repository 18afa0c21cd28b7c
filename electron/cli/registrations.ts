/**
 * Every command module of the `beacon` CLI, in the order they register. Kept apart from
 * index.ts (which runs the CLI on import) so tests can build the real command tree in-process,
 * e.g. to check that every flag a message suggests exists.
 */
import type { Register } from './program';
import { registerEndpointRun } from './commands/endpoint-run';
import { registerEndpointDashboard } from './commands/endpoint-dashboard';
import { registerCi } from './commands/ci';
import { registerEndpointLifecycle } from './commands/endpoint-lifecycle';
import { registerEndpointInspect } from './commands/endpoint-inspect';
import { registerEndpointTestEvent } from './commands/endpoint-test-event';
import { registerEndpointForward } from './commands/endpoint-forward';
import { registerDetections } from './commands/detections';

export const REGISTRATIONS: Register[] = [registerEndpointRun, registerEndpointDashboard, registerCi, registerEndpointLifecycle, registerEndpointInspect, registerEndpointTestEvent, registerEndpointForward, registerDetections];
