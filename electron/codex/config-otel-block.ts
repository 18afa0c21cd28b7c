/**
 * The `[otel]` block Beacon writes into Codex's config.toml (design.md section 4), both as the
 * text we insert and as the value Codex will read from it. Kept in one place so the editor, the
 * inspector and the tests agree on what "ours" means.
 *
 * Why each line (research/codex-otel.md sections 1.2 and 1.3): Codex posts to the endpoint string
 * verbatim, so the /v1/<signal> path is spelled out; `protocol` is mandatory (Codex refuses to
 * start without it); without `metrics_exporter` Codex ships metrics to Statsig; 127.0.0.1, never
 * localhost, because localhost may resolve to ::1 while the collector listens on IPv4.
 * `headers = {}` on each exporter: Codex 0.44.0 to 0.58.0 made `headers` a required field and
 * exit at start without it (``missing field `headers` in `otel.exporter` ``); every release from
 * 0.44.0 to 0.171.0 accepts the empty table (docs/compatibility.md, `npm run compat`).
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

/**
 * The shapes of the block Beacon has written, newest first. 'pre-headers' is what Beacon wrote
 * before the headers fix: still recognised as Beacon's own, so install, repair and uninstall
 * upgrade or remove it, and status says that repair upgrades it.
 */
export type OtelBlockFormat = 'current' | 'pre-headers';

function exporter(url: string, format: OtelBlockFormat): string {
  const headers = format === 'current' ? ', headers = {}' : '';
  return `{ otlp-http = { endpoint = ${tomlString(url)}, protocol = "binary"${headers} } }`;
}

function validate(settings: OtelSettings): void {
  if (!Number.isInteger(settings.port) || settings.port < 1 || settings.port > 65535) {
    throw new RangeError(`invalid OTLP port ${String(settings.port)}: expected an integer from 1 to 65535`);
  }
}

/** The block's lines, without line endings; the editor joins them with the file's own. */
export function renderOtelBlockLines(settings: OtelSettings, format: OtelBlockFormat = 'current'): string[] {
  validate(settings);
  const environment = settings.environment ?? 'dev';
  return [
    '[otel]',
    MANAGED_MARKER,
    `environment = ${tomlString(environment)}`,
    `log_user_prompt = ${settings.logUserPrompt ? 'true' : 'false'}`,
    `exporter = ${exporter(otlpUrl(settings.port, 'logs'), format)}`,
    `metrics_exporter = ${exporter(otlpUrl(settings.port, 'metrics'), format)}`,
    `trace_exporter = ${settings.includeSpans ? exporter(otlpUrl(settings.port, 'traces'), format) : '"none"'}`,
  ];
}

export function renderOtelBlock(settings: OtelSettings, eol: '\n' | '\r\n' = '\n', format: OtelBlockFormat = 'current'): string {
  return renderOtelBlockLines(settings, format).join(eol) + eol;
}

/**
 * If `source` (the otel section's text, LF line endings) is exactly a block Beacon renders, in
 * any format it has ever written, return its settings and format. The settings are only read
 * off the text to have something to render: the byte-exact comparison is what decides.
 */
export function matchBeaconBlock(source: string): { settings: OtelSettings; format: OtelBlockFormat } | null {
  if (!hasManagedMarker(source)) return null;
  const port = /^exporter = \{ otlp-http = \{ endpoint = "http:\/\/127\.0\.0\.1:(\d{1,5})\/v1\/logs"/m.exec(source);
  const prompt = /^log_user_prompt = (true|false)$/m.exec(source);
  const env = /^environment = ("(?:[^"\\\n]|\\.)*")$/m.exec(source);
  if (!port || !prompt || !env) return null;
  let environment: string;
  try {
    environment = JSON.parse(env[1]) as string;
  } catch {
    return null;
  }
  const settings: OtelSettings = { port: Number(port[1]), environment, logUserPrompt: prompt[1] === 'true', includeSpans: /^trace_exporter = \{/m.test(source) };
  for (const format of ['current', 'pre-headers'] as const) {
    try {
      if (renderOtelBlock(settings, '\n', format) === source) return { settings, format };
    } catch {
      return null; // an out-of-range port: not something we wrote
    }
  }
  return null;
}

/** The parsed value of the block: what `parse(config).otel` must deep-equal after install. */
export function desiredOtelValue(settings: OtelSettings, format: OtelBlockFormat = 'current'): Record<string, unknown> {
  validate(settings);
  const ex = (signal: 'logs' | 'metrics' | 'traces') => ({
    'otlp-http': { endpoint: otlpUrl(settings.port, signal), protocol: 'binary', ...(format === 'current' ? { headers: {} } : {}) },
  });
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
