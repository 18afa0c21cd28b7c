/**
 * A raw, recording OTLP/HTTP receiver for tests: it decodes nothing, stores every request byte for
 * byte and answers 200 at once. Use it to check what Codex sends without depending on Beacon's own
 * collector, or as the "null receiver" baseline in comparisons.
 *
 * It records BEFORE it answers, and Codex waits for the answer of its final export before it exits,
 * so once runCodexExec() has resolved every payload of that run is already in `requests`.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CapturedOtlpRequest {
  method: string;
  /** Path without query string, e.g. "/v1/logs". */
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Body exactly as received (Codex never compresses). */
  body: Buffer;
}

export interface OtlpCapture {
  /** "http://127.0.0.1:PORT" (no trailing slash); Codex needs the full path, e.g. `${url}/v1/logs`. */
  url: string;
  port: number;
  requests: CapturedOtlpRequest[];
  /** The requests whose path is exactly `path`. */
  byPath(path: string): CapturedOtlpRequest[];
  close(): Promise<void>;
}

export async function startOtlpCapture(): Promise<OtlpCapture> {
  const requests: CapturedOtlpRequest[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({
        method: req.method ?? 'GET',
        path: (req.url ?? '/').split('?')[0],
        headers: req.headers,
        body: Buffer.concat(chunks),
      });
      // An empty Export*ServiceResponse: zero bytes in protobuf, "{}" in JSON. Echo the request's
      // content type so the OTLP exporter parses it with the codec it used.
      const type = String(req.headers['content-type'] ?? 'application/x-protobuf');
      const body = type.includes('json') ? '{}' : '';
      res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
      res.end(body);
    });
    req.on('error', () => res.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    byPath: (p) => requests.filter((r) => r.path === p),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * The `[otel]` table for config.toml that sends Codex's logs and metrics to `baseUrl` as protobuf
 * (`/v1/logs`, `/v1/metrics`) and no traces — the shape `beacon endpoint install` writes.
 */
export function otelTomlFor(
  baseUrl: string,
  opts: { protocol?: 'binary' | 'json'; logUserPrompt?: boolean; environment?: string; logAgentResponses?: boolean } = {},
): string {
  const protocol = opts.protocol ?? 'binary';
  const lines = [
    '[otel]',
    `environment = ${JSON.stringify(opts.environment ?? 'test')}`,
    `log_user_prompt = ${opts.logUserPrompt ?? true}`,
  ];
  if (opts.logAgentResponses) lines.push('log_agent_responses = true');
  lines.push(
    `exporter = { otlp-http = { endpoint = ${JSON.stringify(`${baseUrl}/v1/logs`)}, protocol = "${protocol}", headers = {} } }`,
    `metrics_exporter = { otlp-http = { endpoint = ${JSON.stringify(`${baseUrl}/v1/metrics`)}, protocol = "${protocol}", headers = {} } }`,
    'trace_exporter = "none"',
  );
  return lines.join('\n') + '\n';
}
