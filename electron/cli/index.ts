#!/usr/bin/env node
/**
 * Entry point of the `beacon` CLI (also what /opt/beacon/bin/beacon runs inside the app bundle
 * with ELECTRON_RUN_AS_NODE=1). Only wiring: each command lives in ./commands.
 */
import { buildProgram, runCli, type Register } from './program';
import { registerEndpointRun } from './commands/endpoint-run';
import { registerEndpointDashboard } from './commands/endpoint-dashboard';
import { registerCi } from './commands/ci';
import { registerEndpointLifecycle } from './commands/endpoint-lifecycle';
import { registerEndpointInspect } from './commands/endpoint-inspect';
import { registerEndpointTestEvent } from './commands/endpoint-test-event';
import { registerEndpointForward } from './commands/endpoint-forward';

const registrations: Register[] = [registerEndpointRun, registerEndpointDashboard, registerCi, registerEndpointLifecycle, registerEndpointInspect, registerEndpointTestEvent, registerEndpointForward];

runCli(buildProgram(registrations), process.argv).then((code) => {
  process.exitCode = code;
});
