/**
 * Reads an HTTP request body into one Buffer, decompressing it on the fly, with a hard byte cap
 * on both the bytes received and the bytes produced by decompression.
 *
 * The cap is enforced while streaming, never after: a gzip bomb (a few hundred KB that inflate
 * to gigabytes) is cut off as soon as the inflated output passes the limit, so memory stays
 * bounded by the limit itself (CVE-2024-36129 was this exact bug in the OTel Collector). Works
 * the same with or without Content-Length (chunked transfer encoding).
 */
import type { IncomingMessage } from 'node:http';
import * as zlib from 'node:zlib';

export type BodyErrorKind = 'too-large' | 'unsupported-encoding' | 'corrupt' | 'aborted';

/** Why a body could not be read. `kind` maps to an HTTP status in otlp-server.ts. */
export class BodyError extends Error {
  constructor(
    readonly kind: BodyErrorKind,
    message: string,
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

/**
 * HTTP "deflate" is meant to be zlib-wrapped (RFC 9110), but some clients send raw DEFLATE;
 * the first two bytes of a zlib stream form a checksummed header, so we can tell them apart.
 */
function isZlibHeader(b: Buffer): boolean {
  return b.length >= 2 && (b[0] & 0x0f) === 8 && ((b[0] << 8) | b[1]) % 31 === 0;
}

function tooLarge(maxBytes: number, decompressed: boolean): BodyError {
  const what = decompressed ? 'request body after decompression' : 'request body';
  return new BodyError('too-large', `${what} exceeds the limit of ${maxBytes} bytes`);
}

/**
 * Resolves with the (decompressed) body, or rejects with a BodyError. On rejection the rest of
 * the incoming body is drained and discarded, so a keep-alive connection stays usable for the
 * next request and the client still gets to read our answer.
 */
export function readBody(req: IncomingMessage, coding: ContentCoding, maxBytes: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let produced = 0;
    let received = 0;
    let settled = false;
    let inflater: zlib.Gunzip | zlib.Inflate | zlib.InflateRaw | undefined;

    const detach = () => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (inflater) {
        inflater.off('data', onOutput);
        inflater.destroy();
      }
    };
    const fail = (err: BodyError) => {
      if (settled) return;
      settled = true;
      detach();
      chunks.length = 0; // release what was buffered now, not when the promise is collected
      req.on('error', () => {}); // a late socket error while draining must not become unhandled
      req.resume(); // drain and discard whatever the client is still sending
      reject(err);
    };
    const finish = () => {
      if (settled) return;
      settled = true;
      detach();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, produced));
    };

    function onOutput(chunk: Buffer) {
      produced += chunk.length;
      if (produced > maxBytes) {
        fail(tooLarge(maxBytes, coding !== 'identity'));
        return;
      }
      chunks.push(chunk);
    }
    function startInflater(first: Buffer) {
      inflater = coding === 'gzip' ? zlib.createGunzip() : isZlibHeader(first) ? zlib.createInflate() : zlib.createInflateRaw();
      inflater.on('data', onOutput);
      inflater.on('end', finish);
      inflater.on('error', (err: Error) => fail(new BodyError('corrupt', `request body is not valid ${coding} data: ${err.message}`)));
    }
    function onData(chunk: Buffer) {
      received += chunk.length;
      if (received > maxBytes) {
        fail(tooLarge(maxBytes, false));
        return;
      }
      if (coding === 'identity') {
        onOutput(chunk);
        return;
      }
      if (!inflater) startInflater(chunk);
      inflater!.write(chunk);
    }
    function onEnd() {
      if (coding === 'identity' || received === 0) finish();
      else inflater!.end();
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
