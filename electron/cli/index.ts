#!/usr/bin/env node
/**
 * Entry point of the `beacon` CLI (also what /opt/beacon/bin/beacon runs inside the app bundle
 * with ELECTRON_RUN_AS_NODE=1). Only wiring: each command lives in ./commands (./registrations).
 */
import { buildProgram, runCli } from './program';
import { REGISTRATIONS } from './registrations';

runCli(buildProgram(REGISTRATIONS), process.argv).then((code) => {
  process.exitCode = code;
});
