/**
 * The OTLP/HTTP receiver's tests' common parts (test/collector/otlp-server*.test.ts): the real
 * Codex captures, a plain node:http client that shows what a real exporter sees (status, headers,
 * whether the socket was reused), and a real server on a free port whose ingest records what it
 * got and answers what the test sets.
 */
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll } from 'vitest';
import * as http from 'node:http';
import { join } from 'node:path';
import { otlpTypes } from '../../electron/collector/otlp-schema';
import { createOtlpServer, type IngestResult } from '../../electron/collector/otlp-server';
import type { DecodedRequest } from '../../electron/shared/otlp-types';

const FIXTURES = join(__dirname, '..', 'fixtures', 'codex-0.169.0');
export const PB_LOGS = readFileSync(join(FIXTURES, 'logs-otlp-http-protobuf.bin'));
export const JSON_LOGS = readFileSync(join(FIXTURES, 'logs-otlp-http-json.json'));
export const JSON_METRICS = readFileSync(join(FIXTURES, 'metrics-otlp-http-json.trimmed.json'));
export const PB = 'application/x-protobuf';
export const JSON_CT = 'application/json';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  reusedSocket: boolean;
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Send the body in these pieces with Transfer-Encoding: chunked (no Content-Length). */
  chunks?: Buffer[];
  agent?: http.Agent;
}

export function send(port: number, path: string, body: Buffer | undefined, opts: SendOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (body && !opts.chunks) headers['content-length'] = String(body.length);
    const req = http.request({ host: '127.0.0.1', port, path, method: opts.method ?? 'POST', headers, agent: opts.agent ?? false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts), reusedSocket: req.reusedSocket }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (opts.chunks) {
      // Write the pieces on separate turns of the event loop so they leave as separate chunks.
      const pieces = [...opts.chunks];
      const next = () => {
        const piece = pieces.shift();
        if (piece === undefined) return void req.end();
        req.write(piece, () => setImmediate(next));
      };
      next();
    } else {
      req.end(body);
    }
  });
}

export const post = (port: number, path: string, contentType: string, body: Buffer, opts: SendOptions = {}) =>
  send(port, path, body, { ...opts, headers: { 'content-type': contentType, ...opts.headers } });

export function decodeStatus(reply: Reply): { code: number; message: string } {
  if (String(reply.headers['content-type']).startsWith(JSON_CT)) return JSON.parse(reply.body.toString('utf8'));
  const Status = otlpTypes().Status;
  return Status.toObject(Status.decode(reply.body), { defaults: true }) as { code: number; message: string };
}

/** A server whose ingest records what it got and answers what the test sets. */
export function recordingServer(extra: { maxBodyBytes?: number; maxInflightBodyBytes?: number } = {}) {
  const received: DecodedRequest[] = [];
  let behaviour: (req: DecodedRequest) => Promise<IngestResult | void> = async () => undefined;
  const server = createOtlpServer({
    port: 0,
    maxBodyBytes: extra.maxBodyBytes,
    maxInflightBodyBytes: extra.maxInflightBodyBytes,
    ingest: (req) => {
      received.push(req);
      return behaviour(req);
    },
    healthz: () => ({ service: 'beacon-collector', pid: 4242, mode: 'user' }),
  });
  return {
    server,
    received,
    setBehaviour(fn: typeof behaviour) {
      behaviour = fn;
    },
  };
}

/**
 * A recordingServer listening for the enclosing describe block (started before its tests, closed
 * after), its record and behaviour reset after each test. `onPort` receives the port.
 */
export function listeningRecordingServer(onPort: (port: number) => void, extra: Parameters<typeof recordingServer>[0] = {}): ReturnType<typeof recordingServer> {
  const s = recordingServer(extra);
  beforeAll(async () => onPort((await s.server.listen()).port));
  afterAll(() => s.server.close());
  afterEach(() => {
    s.received.length = 0;
    s.setBehaviour(async () => undefined);
  });
  return s;
}
