/**
 * The temporary CODEX_HOME of a CI run. It must exist before the agent step (Codex refuses a
 * missing CODEX_HOME, and openai/codex-action's proxy writes its server-info file into it), and
 * its config.toml holds ONLY the [otel] table: openai/codex-action then PREPENDS
 * `model_provider = "..."` and APPENDS a `[model_providers.codex-action-responses-proxy]` table
 * without merging, so any top-level `model_provider` or that table here would be a duplicate key
 * and stop Codex (research/codex-otel.md section 5).
 *
 * The [otel] table sends logs AND metrics to this run's collector: without `metrics_exporter`
 * Codex ships metrics to its default third party, and token totals would be incomplete.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderOtelBlockLines } from './config-otel-block';

export function ciCodexConfigToml(port: number, includeSpans = false): string {
  const lines = renderOtelBlockLines({ port, environment: 'ci', logUserPrompt: true, includeSpans })
    // the endpoint-install marker would tell a reader to run `endpoint uninstall`: not true here
    .filter((l) => !l.startsWith('#'));
  return ['# Written by `beacon ci start` for this CI run only: OTLP export to the run\'s local collector.', ...lines].join('\n') + '\n';
}

/** Create (or refresh) codex-home with a config.toml pointing at `port`. Other files are left alone. */
export function writeCiCodexHome(codexHome: string, port: number, includeSpans = false): string {
  mkdirSync(codexHome, { recursive: true, mode: 0o755 });
  const config = join(codexHome, 'config.toml');
  const tmp = `${config}.${process.pid}.tmp`;
  writeFileSync(tmp, ciCodexConfigToml(port, includeSpans), { mode: 0o644 });
  renameSync(tmp, config);
  return config;
}
