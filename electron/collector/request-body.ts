/**
 * Reads an HTTP request body into one Buffer, with a hard byte cap on the bytes received and on
 * the bytes decompression produces, and a budget shared by every request being read at once.
 *
 * Why a shared budget: the per-request cap alone bounds one request, not thirty-two. Measured
 * (issue 11, bench section `hostile`): 32 connections sending gzip bombs held 32 inflaters of up
 * to 16 MiB each and took the collector to 660 MB, which it never gave back. Now the bytes
 * received by all requests in flight together stay under `BodyBudget.limitBytes`; a request
 * that would cross it is answered 503 with Retry-After (OTLP's retryable "busy") instead of
 * being buffered. Real exports are far below it (Codex's largest, its metrics at exit, is about
 * 170 KB), so only a flood of large bodies ever meets it.
 *
 * Why decompression happens in one synchronous call once the compressed body is in: the
 * streaming inflater runs on libuv's thread pool, whose threads got their own malloc arenas
 * that kept the memory after the burst; `gunzipSync` with `maxOutputLength` runs on the main
 * thread, one request at a time, and stops as soon as the output passes the cap (a gzip bomb
 * of 256 MiB costs 16 MiB and ~30 ms, then 413). The compressed body is itself capped.
 *
 * Works the same with or without Content-Length (chunked transfer encoding).
 */
import type { IncomingMessage } from 'node:http';
import * as zlib from 'node:zlib';

export type BodyErrorKind = 'too-large' | 'unsupported-encoding' | 'corrupt' | 'aborted' | 'busy' | 'timeout';

/** Why a body could not be read. `kind` maps to an HTTP status in otlp-server.ts. */
export class BodyError extends Error {
  constructor(
    readonly kind: BodyErrorKind,
    message: string,
    /** Bytes this request had allocated (and now dropped) when it failed: a refused bomb's output. */
    readonly droppedBytes = 0,
  ) {
    super(message);
    this.name = 'BodyError';
  }
}

export type ContentCoding = 'identity' | 'gzip' | 'deflate';

/** Parses a Content-Encoding header; throws BodyError('unsupported-encoding') for anything else. */
export function contentCoding(header: string | undefined): ContentCoding {
  const v = (header ?? '').trim().toLowerCase();
  if (v === '' || v === 'identity') return 'identity';
  if (v === 'gzip' || v === 'x-gzip') return 'gzip';
  if (v === 'deflate') return 'deflate';
  throw new BodyError('unsupported-encoding', `unsupported Content-Encoding ${JSON.stringify(header)}, supported: [gzip, deflate]`);
}

/** Bytes of request bodies held at once, across all requests of one server. */
export class BodyBudget {
  private used = 0;
  constructor(readonly limitBytes: number) {}
  tryTake(n: number): boolean {
    if (this.used + n > this.limitBytes) return false;
    this.used += n;
    return true;
  }
  give(n: number): void {
    this.used = Math.max(0, this.used - n);
  }
  get inUse(): number {
    return this.used;
  }
}

export interface ReadBodyOptions {
  /** Cap on the body, both as received and after decompression. */
  maxBytes: number;
  /** Shared by the server's requests; omitted, only the per-request cap applies. */
  budget?: BodyBudget;
  /** The whole body must have arrived within this long (a slow sender holds budget). */
  timeoutMs?: number;
}

export interface ReadBodyResult {
  body: Buffer;
  /** Gives the body's bytes back to the budget: call it once, when the body is no longer needed. */
  release(): void;
}

/**
 * HTTP "deflate" is meant to be zlib-wrapped (RFC 9110), but some clients send raw DEFLATE;
 * the first two bytes of a zlib stream form a checksummed header, so we can tell them apart.
 */
function isZlibHeader(b: Buffer): boolean {
  return b.length >= 2 && (b[0] & 0x0f) === 8 && ((b[0] << 8) | b[1]) % 31 === 0;
}

function tooLarge(maxBytes: number, decompressed: boolean, droppedBytes = 0): BodyError {
  const what = decompressed ? 'request body after decompression' : 'request body';
  return new BodyError('too-large', `${what} exceeds the limit of ${maxBytes} bytes`, droppedBytes);
}

function inflate(compressed: Buffer, coding: ContentCoding, maxBytes: number): Buffer {
  // chunkSize: fewer, larger steps for the (rare) big body; maxOutputLength stops a bomb early.
  const opts = { maxOutputLength: maxBytes, chunkSize: 64 * 1024 };
  try {
    if (coding === 'gzip') return zlib.gunzipSync(compressed, opts);
    return isZlibHeader(compressed) ? zlib.inflateSync(compressed, opts) : zlib.inflateRawSync(compressed, opts);
  } catch (err) {
    // zlib built the output up to the cap before refusing it: that much is garbage now.
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(maxBytes, true, maxBytes + compressed.length);
    throw new BodyError('corrupt', `request body is not valid ${coding} data: ${(err as Error).message}`);
  }
}

/**
 * Resolves with the (decompressed) body, or rejects with a BodyError. On rejection the rest of
 * the incoming body is drained and discarded, so a keep-alive connection stays usable for the
 * next request and the client still gets to read our answer.
 */
export function readBody(req: IncomingMessage, coding: ContentCoding, opts: ReadBodyOptions): Promise<ReadBodyResult> {
  const { maxBytes, budget } = opts;
  return new Promise<ReadBodyResult>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let held = 0;
    let settled = false;
    const declared = coding === 'identity' ? Number(req.headers['content-length']) : NaN;
    // A known length is read straight into its final buffer (no second copy to join chunks).
    // allocUnsafe leaves the pages untouched, so a length that is declared but never sent costs
    // no resident memory; the budget is charged only for bytes that actually arrive.
    let into = Number.isInteger(declared) && declared > 0 && declared <= maxBytes ? Buffer.allocUnsafe(declared) : undefined;
    const sized = into !== undefined;
    const giveBack = () => {
      budget?.give(held);
      held = 0;
    };
    const timer = opts.timeoutMs
      ? setTimeout(() => fail(new BodyError('timeout', `the request body did not arrive within ${opts.timeoutMs} ms`)), opts.timeoutMs)
      : undefined;

    const detach = () => {
      if (timer) clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    function fail(err: BodyError) {
      if (settled) return;
      settled = true;
      detach();
      chunks.length = 0; // release what was buffered now, not when the promise is collected
      giveBack();
      req.on('error', () => {}); // a late socket error while draining must not become unhandled
      req.resume(); // drain and discard whatever the client is still sending
      reject(err);
    }
    function finish() {
      if (settled) return;
      settled = true;
      detach();
      try {
        let body: Buffer;
        if (sized) {
          if (received !== into!.length) throw new BodyError('aborted', 'request body is shorter than its Content-Length');
          body = into!;
        } else {
          body = chunks.length === 1 ? chunks[0] : into ? into.subarray(0, received) : Buffer.alloc(0);
          chunks.length = 0;
          if (coding !== 'identity' && received > 0) {
            body = inflate(body, coding, maxBytes);
            // What it inflated to is held until the body is released, like what arrived: a
            // small compressed body must not hold 16 MiB outside the budget.
            const extra = body.length - held;
            if (budget && extra > 0) {
              if (!budget.tryTake(extra)) throw new BodyError('busy', `the collector is busy: request bodies in flight would exceed ${budget.limitBytes} bytes`, body.length);
              held += extra;
            }
          }
        }
        resolve({ body, release: giveBack });
      } catch (err) {
        giveBack();
        reject(err);
      }
    }

    function onData(chunk: Buffer) {
      received += chunk.length;
      if (received > maxBytes) return fail(tooLarge(maxBytes, false, received));
      if (budget) {
        if (!budget.tryTake(chunk.length)) {
          return fail(new BodyError('busy', `the collector is busy: request bodies in flight would exceed ${budget.limitBytes} bytes`));
        }
        held += chunk.length;
      }
      if (sized) {
        chunk.copy(into!, received - chunk.length);
      } else if (received === chunk.length) {
        chunks.push(chunk); // a body in one chunk (most of them): kept as it is
      } else {
        // More than one chunk and no length: copied into a buffer of our own that grows by
        // doubling, so the socket's 64 KiB read buffers are freed as they come instead of
        // all living until the end (freed together, they left the malloc heap fragmented).
        if (!into || into.length < received) {
          const grown = Buffer.allocUnsafe(Math.min(maxBytes, Math.max(received * 2, 256 * 1024)));
          if (chunks.length > 0) chunks[0].copy(grown, 0);
          else if (into) into.copy(grown, 0, 0, received - chunk.length);
          chunks.length = 0;
          into = grown;
        }
        chunk.copy(into, received - chunk.length);
      }
    }
    function onEnd() {
      finish();
    }
    function onError(err: Error) {
      fail(new BodyError('aborted', `request body could not be read: ${err.message}`));
    }
    function onClose() {
      if (!req.complete) fail(new BodyError('aborted', 'client closed the connection before the request body was complete'));
    }

    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
