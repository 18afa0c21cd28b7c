#!/usr/bin/env node
/**
 * Validates electron-builder.yml against app-builder-lib's scheme.json with the very code path a
 * real build uses (getConfig + validateConfiguration, ajv underneath), so a misspelt option such
 * as `isRelocateable` fails here on Linux instead of being ignored on the macOS release runner.
 * Usage: node build/validate-builder-config.cjs [config-file]   (default: electron-builder.yml)
 */
'use strict';
const { join } = require('node:path');
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config');
const { DebugLogger } = require('builder-util');

async function main() {
  const projectDir = join(__dirname, '..');
  const configPath = process.argv[2] || join(projectDir, 'electron-builder.yml');
  const config = await getConfig(projectDir, configPath, null);
  await validateConfiguration(config, new DebugLogger(false));
  console.log(`electron-builder config OK: ${configPath}`);
}

main().catch((err) => {
  console.error(`electron-builder config INVALID: ${err && err.message ? err.message : err}`);
  process.exit(1);
});
