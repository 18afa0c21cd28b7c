/**
 * Codex as a Beacon harness: the one object through which the rest of Beacon reaches the
 * Codex-specific code in this folder (registered in electron/plugins/harnesses.ts).
 */
import type { Harness } from '../shared/harness';
import { codexHome } from '../shared/paths';
import { join } from 'node:path';
import { writeCiCodexHome } from './ci-home';
import { codexConfigWriter } from './config-writer';
import { discoverCodex, formatDiscovery } from './discovery';
import { HARNESS_NAME } from './normalize-envelope';
import { CODEX_LOG_RECORD_FILTER, CodexNormalizer } from './normalizer';
import { codexSessionContext } from './session-meta';
import { codexPosture } from './posture';
import { codexTelemetryGuard } from './telemetry-guard';
import { checkEnvironment, listCodexAppServers } from './runtime-checks';

export const codexHarness: Harness = {
  id: 'codex',
  aliases: ['codex-cli', 'codex_cli'],
  displayName: 'Codex CLI',
  eventHarnessName: HARNESS_NAME,
  ingest: {
    // Codex's service.name depends on the entry point and the originator override (codex_exec,
    // codex-app-server, codex_cli_rs, codex-tui, or anything CODEX_INTERNAL_ORIGINATOR_OVERRIDE
    // says), so Codex takes every resource no more specific harness claims: register it last.
    claims: () => true,
    logRecordFilter: CODEX_LOG_RECORD_FILTER,
    createNormalizer: (opts) => new CodexNormalizer(opts),
  },
  lifecycle: {
    userConfigPath: (env) => join(codexHome('user', env), 'config.toml'),
    discover: async (env) =>
      (await discoverCodex(env)).installs.map((i) => ({ path: i.path, version: i.version, source: i.source })),
    discoverReport: async (env) => {
      const d = await discoverCodex(env);
      return { installs: d.installs, json: d, text: formatDiscovery(d) };
    },
    configWriter: codexConfigWriter,
    writeCiHome: (home, otlpPort, opts) => writeCiCodexHome(home, otlpPort, opts.includeSpans),
    sessionContext: (env) => codexSessionContext(env),
    telemetryGuard: (opts) => codexTelemetryGuard(opts),
    posture: (opts) => codexPosture(opts),
    checkEnvironment: (env) => checkEnvironment(env),
    listDaemons: () => listCodexAppServers(),
  },
};
