/**
 * The OTLP/HTTP receiver: POST /v1/logs, /v1/metrics, /v1/traces (+ GET /healthz) on loopback.
 *
 * It owns the HTTP side of the OTLP spec (peers.md section B): content types, compression,
 * size limits, status codes and the google.rpc.Status / Export*ServiceResponse bodies, always
 * encoded like the request. What happens to the decoded data is the caller's `ingest`; this
 * module only maps its outcome to the answer the exporter must see:
 *
 *   ingest resolves            -> 200 (with partialSuccess when it reports rejected items)
 *   IngestUnavailableError     -> 503 + Retry-After (the exporter may retry; e.g. disk full)
 *   any other error            -> 500 (logged; never crashes the process)
 *
 * Only the three signal paths and /healthz exist; every other path is a plain 404 (no "POST /"
 * alias: exporters are configured with the full signal URL).
 */
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { AddressInfo } from 'node:net';
import { decodeOtlpJson } from './decode-json';
import { decodeOtlpProtobuf } from './decode-protobuf';
import { DecodeError } from './decode-shared';
import { badRequestLine, makeLoopbackGuard } from './loopback-guard';
import { otlpTypes } from './otlp-schema';
import { validateOtlpProtobuf } from './protobuf-validate';
import { DECODE_LIMITS } from './protobuf-any-value';
import { itemCount, type DecodedRequest, type LogRecordFilter, type Signal } from '../shared/otlp-types';
import { BufferGarbage } from './buffer-garbage';
import { BodyBudget, BodyError, contentCoding, readBody, type ReadBodyResult } from './request-body';
import { Gate } from './gate';

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
/**
 * Bytes of request bodies all in-flight requests may hold together (request-body.ts), as they
 * arrived and as they inflated: one maximum-size body. What bounds the collector's memory under
 * a flood of large bodies (design.md: 150 MB peak under hostile input). Measured over the
 * bench's 20,000 hostile requests: 24 MiB peaked at 164 MB, 16 MiB at 135 MB, with 0.3 % of
 * those requests answered 503 + Retry-After (Codex's exports are a few KB: they never wait).
 */
export const DEFAULT_MAX_INFLIGHT_BODY_BYTES = 16 * 1024 * 1024;
/**
 * Requests decoded and ingested at once (the rest wait their turn, holding only their body).
 * Measured (issue 11): 32 connections each sending 1,000 records held 32 requests' events
 * while they waited for the log write, 430 MB in all.
 */
export const DEFAULT_MAX_CONCURRENT_INGEST = 4;
/** Bodies above this size, or decoding to more items than GATE_ITEMS, go through the gate. */
const GATE_BODY_BYTES = 32 * 1024;
const GATE_ITEMS = 128;
/** A body must arrive whole within this long: a sender trickling bytes would hold budget. */
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;

export interface IngestResult {
  /** Items (log records, spans or data points) that were not accepted. */
  rejected?: number;
  /** English explanation for the exporter; also sent with rejected = 0 as a warning. */
  rejectedMessage?: string;
}

/**
 * Throw this from `ingest` when the data cannot be stored right now (log not writable, disk
 * full): the exporter gets 503 + Retry-After, which OTLP clients treat as retryable.
 */
export class IngestUnavailableError extends Error {
  readonly code = 'EUNAVAILABLE';
  constructor(
    message: string,
    readonly retryAfterSeconds: number = 5,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'IngestUnavailableError';
  }
}

export interface CollectorLogger {
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

export interface OtlpServerOptions {
  /** Interface to bind. Default 127.0.0.1; anything but loopback defeats the security model. */
  host?: string;
  /** 0 picks a free port (tests). */
  port: number;
  /** Limit on the request body, both as received and after decompression. Default 16 MiB. */
  maxBodyBytes?: number;
  /** Limit on the bytes of all bodies being read at once (more: 503 + Retry-After). Default 16 MiB. */
  maxInflightBodyBytes?: number;
  /** Time a request body has to arrive whole (more: 408). Default 30 s. */
  bodyTimeoutMs?: number;
  /** Requests decoded and ingested at once; the others wait in arrival order. Default 4. */
  maxConcurrentIngest?: number;
  /** Hands a decoded request on. Must settle quickly: Codex waits for our answer at exit. */
  ingest: (req: DecodedRequest) => Promise<IngestResult | void>;
  /**
   * Whether `ingest` reads the content of a signal (default: always). For a signal it drops,
   * a protobuf body is only checked for well-formedness (protobuf-validate.ts: no objects, so
   * Codex's 171 KB metrics export is answered in well under a millisecond) and `ingest` gets
   * the signal with no items and `contentSkipped: true`. Malformed bodies still get 400.
   */
  needsContent?: (signal: Signal) => boolean;
  /**
   * Log records `ingest` would drop anyway (the normalizer's noise rules): protobuf log bodies
   * skip them without decoding them (they are still checked), so `ingest` never sees them.
   */
  logRecordFilter?: LogRecordFilter;
  /** Body of GET /healthz (sent as JSON, nothing added). */
  healthz: () => object;
  /**
   * Called for every request, answered or refused (the idle compactor's activity signal: a
   * flood of refused bodies grows memory as much as accepted ones).
   */
  onRequest?: () => void;
  /** Where request failures are reported. Default: silent. */
  logger?: CollectorLogger;
}

export interface OtlpServer {
  /** Starts listening; resolves with the actual port (useful with port 0). */
  listen(): Promise<{ port: number }>;
  /** Stops accepting, closes idle keep-alive connections, waits for in-flight requests. */
  close(): Promise<void>;
  fastify: FastifyInstance;
}

type Encoding = 'protobuf' | 'json';

const SIGNAL_PATHS: Record<string, Signal> = { '/v1/logs': 'logs', '/v1/traces': 'traces', '/v1/metrics': 'metrics' };
const CONTENT_TYPE: Record<Encoding, string> = { protobuf: 'application/x-protobuf', json: 'application/json' };

// google.rpc.Code values used in Status bodies.
const RPC_INVALID_ARGUMENT = 3;
const RPC_DEADLINE_EXCEEDED = 4;
const RPC_RESOURCE_EXHAUSTED = 8; // what gRPC itself reports for an oversize message
const RPC_INTERNAL = 13;
const RPC_UNAVAILABLE = 14;

/** The request's encoding from its Content-Type (parameters such as charset are ignored). */
function requestEncoding(contentType: string | undefined): Encoding | undefined {
  const media = (contentType ?? '').split(';', 1)[0].trim().toLowerCase();
  if (media === 'application/x-protobuf') return 'protobuf';
  if (media === 'application/json') return 'json';
  return undefined;
}

function sendText(reply: FastifyReply, status: number, text: string): FastifyReply {
  return reply.code(status).header('content-type', 'text/plain; charset=utf-8').send(text + '\n');
}

/**
 * JSON as a Buffer: fastify appends "; charset=utf-8" to string payloads, and OTLP wants the
 * response Content-Type to be exactly the request's media type.
 */
function jsonBody(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/** A 4xx/5xx with a google.rpc.Status body in the request's encoding (OTLP "Failures"). */
function sendStatus(reply: FastifyReply, status: number, encoding: Encoding, rpcCode: number, message: string): FastifyReply {
  reply.code(status).header('content-type', CONTENT_TYPE[encoding]);
  if (encoding === 'json') return reply.send(jsonBody({ code: rpcCode, message }));
  const Status = otlpTypes().Status;
  return reply.send(Buffer.from(Status.encode(Status.create({ code: rpcCode, message })).finish()));
}

const PARTIAL_FIELD: Record<Signal, string> = { logs: 'rejectedLogRecords', traces: 'rejectedSpans', metrics: 'rejectedDataPoints' };

/** 200 with the signal's Export*ServiceResponse; partialSuccess only when something was rejected or a warning given. */
function sendSuccess(reply: FastifyReply, signal: Signal, encoding: Encoding, result: IngestResult | void): FastifyReply {
  const rejected = result?.rejected ?? 0;
  const message = result?.rejectedMessage ?? '';
  const partial = rejected > 0 || message !== '' ? { [PARTIAL_FIELD[signal]]: rejected, errorMessage: message } : undefined;
  reply.code(200).header('content-type', CONTENT_TYPE[encoding]);
  if (encoding === 'json') {
    // OTLP/JSON writes int64 as a decimal string.
    return reply.send(jsonBody(partial ? { partialSuccess: { ...partial, [PARTIAL_FIELD[signal]]: String(rejected) } } : {}));
  }
  if (!partial) return reply.send(Buffer.alloc(0)); // an empty message encodes to zero bytes
  const t = otlpTypes();
  const type = signal === 'logs' ? t.ExportLogsServiceResponse : signal === 'traces' ? t.ExportTraceServiceResponse : t.ExportMetricsServiceResponse;
  return reply.send(Buffer.from(type.encode(type.create({ partialSuccess: partial })).finish()));
}

/** OTLP's "warning with full acceptance" for what the decoder left out (protobuf-any-value.ts DECODE_LIMITS). */
function withDecodeWarning(result: IngestResult | void, dropped: number): IngestResult {
  const l = DECODE_LIMITS;
  const warning =
    `${dropped} attribute(s) or array value(s) past Beacon's limits (${l.attributesPerMap} attributes per record, resource or kvlist, ` +
    `${l.valuesPerArray} values per array, ${l.valuesPerRequest} in all per request) were left out`;
  return { rejected: result?.rejected ?? 0, rejectedMessage: result?.rejectedMessage ? `${result.rejectedMessage}; ${warning}` : warning };
}

function isUnavailable(err: unknown): err is { code: 'EUNAVAILABLE'; message?: string; retryAfterSeconds?: number } {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'EUNAVAILABLE';
}

export function createOtlpServer(opts: OtlpServerOptions): OtlpServer {
  const host = opts.host ?? '127.0.0.1';
  const maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const budget = new BodyBudget(Math.max(maxBodyBytes, opts.maxInflightBodyBytes ?? DEFAULT_MAX_INFLIGHT_BODY_BYTES));
  const bodyTimeoutMs = opts.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS;
  const gate = new Gate(opts.maxConcurrentIngest ?? DEFAULT_MAX_CONCURRENT_INGEST);
  const garbage = new BufferGarbage();
  const EMPTY_BODY = Buffer.alloc(0);
  const logger = opts.logger;
  const guard = makeLoopbackGuard(host);

  const fastify = Fastify({
    logger: false,
    // Bodies are read by readBody() with our own limit; keep fastify's from ever being lower.
    bodyLimit: Math.max(maxBodyBytes, 1024 * 1024),
    exposeHeadRoutes: false,
  });

  // Take the body as the raw stream, whatever the content type: decompression, the size cap and
  // the 415 decision are ours (a parser per content type would answer 415 itself, in JSON).
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));

  // Callback style, not async: this runs for every export, and an async hook costs a promise
  // and a microtask hop each time.
  const onRequest = opts.onRequest;
  fastify.addHook('onRequest', (request, reply, done) => {
    onRequest?.();
    const bad = badRequestLine(request.raw, host);
    if (bad !== undefined) {
      logger?.warn('otlp: bad request line', { reason: bad });
      sendText(reply, 400, `bad request: ${bad}`);
      return;
    }
    const verdict = guard({ host: request.headers.host, origin: request.headers.origin });
    if (verdict.ok) {
      done();
      return;
    }
    logger?.warn('otlp: refused request', { reason: verdict.reason, url: request.url });
    sendText(reply, 403, `forbidden: ${verdict.reason}`); // answered here: done() is not called
  });

  fastify.setNotFoundHandler((_request, reply) => sendText(reply, 404, '404 page not found'));
  fastify.setErrorHandler((err: { statusCode?: number; message?: string }, _request, reply) => {
    const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status === 500) logger?.error('otlp: internal error', { error: err.message });
    return sendText(reply, status, status === 500 ? 'internal error' : String(err.message));
  });

  fastify.get('/healthz', async (_request, reply) => {
    return reply.code(200).header('content-type', 'application/json; charset=utf-8').send(JSON.stringify(opts.healthz()));
  });

  /** The decoded body; undefined for an empty one. Throws DecodeError (and others) on bad input. */
  const decodeBody = (signal: Signal, encoding: Encoding, body: Buffer): DecodedRequest | undefined => {
    if (body.length === 0) return undefined;
    if (encoding === 'protobuf' && signal !== 'logs' && opts.needsContent?.(signal) === false) {
      validateOtlpProtobuf(signal, body);
      return signal === 'metrics' ? { signal, resourceMetrics: [], contentSkipped: true } : { signal, resourceSpans: [], contentSkipped: true };
    }
    return encoding === 'json' ? decodeOtlpJson(signal, body) : decodeOtlpProtobuf(signal, body, opts.logRecordFilter);
  };

  const handleExport = async (request: FastifyRequest, reply: FastifyReply) => {
    const signal = SIGNAL_PATHS[request.routeOptions.url ?? ''];
    if (request.method !== 'POST') {
      return sendText(reply.header('allow', 'POST'), 405, 'method not allowed, supported: [POST]');
    }
    const encoding = requestEncoding(request.headers['content-type']);
    if (!encoding) {
      return sendText(reply, 415, 'unsupported media type, supported: [application/json, application/x-protobuf]');
    }

    let read: ReadBodyResult;
    try {
      const coding = contentCoding(request.headers['content-encoding']);
      const declared = Number(request.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxBodyBytes) {
        throw new BodyError('too-large', `request body of ${declared} bytes exceeds the limit of ${maxBodyBytes} bytes`);
      }
      read = await readBody(request.raw, coding, { maxBytes: maxBodyBytes, budget, timeoutMs: bodyTimeoutMs });
    } catch (err) {
      if (err instanceof BodyError) {
        garbage.dropped(err.droppedBytes);
        if (err.kind === 'too-large') return sendStatus(reply, 413, encoding, RPC_RESOURCE_EXHAUSTED, err.message);
        if (err.kind === 'busy') {
          reply.header('retry-after', '1');
          return sendStatus(reply, 503, encoding, RPC_UNAVAILABLE, err.message);
        }
        if (err.kind === 'timeout') return sendStatus(reply, 408, encoding, RPC_DEADLINE_EXCEEDED, err.message);
        if (err.kind === 'aborted') {
          reply.hijack(); // the client hung up mid-body: nobody is left to answer
          return;
        }
        return sendStatus(reply, 400, encoding, RPC_INVALID_ARGUMENT, err.message);
      }
      throw err;
    }

    // A large body takes a place at the gate before it is decoded: what it builds (objects,
    // events waiting for the log write) is then held by a few requests at a time, not by every
    // connection at once; waiting holds only the raw body, already within the budget. A small
    // one (every Codex export seen) goes straight on, unless it decodes to many records.
    // Gating every request measured as a throughput loss: each place stays taken for a whole
    // log write.
    const large = read.body.length > GATE_BODY_BYTES;
    if (large && !gate.tryEnter()) await gate.enter();
    try {
      return await decodeAndIngest(reply, signal, encoding, read, large);
    } finally {
      if (large) gate.leave();
    }
  };

  const decodeAndIngest = async (reply: FastifyReply, signal: Signal, encoding: Encoding, read: ReadBodyResult, gated: boolean) => {
    // The body is decoded and given back to the budget before ingest is awaited: nothing keeps
    // it (up to 16 MiB) alive while this request waits for the log write.
    let decoded: DecodedRequest | undefined;
    try {
      decoded = decodeBody(signal, encoding, read.body);
    } catch (err) {
      const message = err instanceof DecodeError ? err.message : `could not decode request: ${String((err as Error)?.message ?? err)}`;
      logger?.warn('otlp: malformed request', { signal, encoding, error: message });
      return sendStatus(reply, 400, encoding, RPC_INVALID_ARGUMENT, message);
    } finally {
      read.release();
      // Drop our reference too: the request's closures live until the log write is done.
      garbage.dropped(read.body.length);
      read.body = EMPTY_BODY;
    }
    // OTLP: "If the server receives an empty request ... it SHOULD respond with success."
    if (!decoded) return sendSuccess(reply, signal, encoding, undefined);

    const takeGate = !gated && itemCount(decoded) > GATE_ITEMS;
    if (takeGate && !gate.tryEnter()) await gate.enter();
    let result: IngestResult | void;
    try {
      result = await opts.ingest(decoded);
    } catch (err) {
      if (isUnavailable(err)) {
        const seconds = Math.max(1, Math.ceil(Number(err.retryAfterSeconds) || 5));
        reply.header('retry-after', String(seconds));
        return sendStatus(reply, 503, encoding, RPC_UNAVAILABLE, `telemetry cannot be stored right now: ${err.message ?? 'unavailable'}`);
      }
      logger?.error('otlp: ingest failed', { signal, error: err instanceof Error ? err.stack ?? err.message : String(err) });
      return sendStatus(reply, 500, encoding, RPC_INTERNAL, 'internal error while storing telemetry');
    } finally {
      if (takeGate) gate.leave();
    }
    if (decoded.droppedValues) result = withDecodeWarning(result, decoded.droppedValues);
    return sendSuccess(reply, signal, encoding, result);
  };

  for (const url of Object.keys(SIGNAL_PATHS)) fastify.all(url, handleExport);

  return {
    fastify,
    async listen() {
      await fastify.listen({ host, port: opts.port });
      return { port: (fastify.server.address() as AddressInfo).port };
    },
    async close() {
      await fastify.close();
    },
  };
}
