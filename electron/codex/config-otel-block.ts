/**
 * The `[otel]` block Beacon writes into Codex's config.toml (design.md section 4), both as the
 * text we insert and as the value Codex will read from it. Kept in one place so the editor, the
 * inspector and the tests agree on what "ours" means.
 *
 * Why each line (research/codex-otel.md sections 1.2 and 1.3): Codex posts to the endpoint string
 * verbatim, so the /v1/<signal> path is spelled out; `protocol` is mandatory (Codex refuses to
 * start without it); without `metrics_exporter` Codex ships metrics to Statsig; 127.0.0.1, never
 * localhost, because localhost may resolve to ::1 while the collector listens on IPv4.
 */
import { DEFAULT_OTLP_PORT, otlpUrl } from '../shared/paths';

export interface OtelSettings {
  /** The collector's OTLP/HTTP port on 127.0.0.1. */
  port: number;
  /** Resource attribute `env` on everything Codex exports. */
  environment?: string;
  /** false with --no-prompt-content: Codex then sends "[REDACTED]" instead of the prompt. */
  logUserPrompt: boolean;
  /** --include-codex-spans: export traces to /v1/traces instead of "none". */
  includeSpans: boolean;
}

export const DEFAULT_OTEL_SETTINGS: OtelSettings = {
  port: DEFAULT_OTLP_PORT,
  environment: 'dev',
  logUserPrompt: true,
  includeSpans: false,
};

/** The comment that marks the block as Beacon's. Its presence is how a block is recognised as ours. */
export const MANAGED_MARKER = '# managed by beacon endpoint install; beacon endpoint uninstall removes it';

/** A prefix of the marker, so an older wording still counts as ours. */
export const MANAGED_MARKER_PREFIX = '# managed by beacon endpoint install';

function tomlString(s: string): string {
  return JSON.stringify(s); // a JSON string literal is a valid TOML basic string for any text
}

function exporter(url: string): string {
  return `{ otlp-http = { endpoint = ${tomlString(url)}, protocol = "binary" } }`;
}

function validate(settings: OtelSettings): void {
  if (!Number.isInteger(settings.port) || settings.port < 1 || settings.port > 65535) {
    throw new RangeError(`invalid OTLP port ${String(settings.port)}: expected an integer from 1 to 65535`);
  }
}

/** The block's lines, without line endings; the editor joins them with the file's own. */
export function renderOtelBlockLines(settings: OtelSettings): string[] {
  validate(settings);
  const environment = settings.environment ?? 'dev';
  return [
    '[otel]',
    MANAGED_MARKER,
    `environment = ${tomlString(environment)}`,
    `log_user_prompt = ${settings.logUserPrompt ? 'true' : 'false'}`,
    `exporter = ${exporter(otlpUrl(settings.port, 'logs'))}`,
    `metrics_exporter = ${exporter(otlpUrl(settings.port, 'metrics'))}`,
    `trace_exporter = ${settings.includeSpans ? exporter(otlpUrl(settings.port, 'traces')) : '"none"'}`,
  ];
}

export function renderOtelBlock(settings: OtelSettings, eol: '\n' | '\r\n' = '\n'): string {
  return renderOtelBlockLines(settings).join(eol) + eol;
}

/** The parsed value of the block: what `parse(config).otel` must deep-equal after install. */
export function desiredOtelValue(settings: OtelSettings): Record<string, unknown> {
  validate(settings);
  const ex = (signal: 'logs' | 'metrics' | 'traces') => ({ 'otlp-http': { endpoint: otlpUrl(settings.port, signal), protocol: 'binary' } });
  return {
    environment: settings.environment ?? 'dev',
    log_user_prompt: settings.logUserPrompt,
    exporter: ex('logs'),
    metrics_exporter: ex('metrics'),
    trace_exporter: settings.includeSpans ? ex('traces') : 'none',
  };
}

/** True when a piece of config text carries Beacon's marker comment on a line of its own. */
export function hasManagedMarker(text: string): boolean {
  return text.split(/\r?\n/).some((line) => line.trim().startsWith(MANAGED_MARKER_PREFIX));
}
