/**
 * One HTTP(S) POST to a destination, over a keep-alive connection per destination.
 * node:http/https rather than fetch: fetch (undici) can only take a custom CA through a
 * separate dispatcher package, and we need the CA, a hard timeout and a bounded answer.
 *
 * TLS verification is always on (there is no option to turn it off). A configured CA is added
 * to the system's roots, not put in their place, so one file works for a private PKI and for
 * a public receiver alike.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { rootCertificates } from 'node:tls';

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The answer's body, at most 256 KiB of it. */
  body: Buffer;
}

export const answerText = (a: HttpAnswer): string => a.body.toString('utf8');

export interface HttpTargetOptions {
  /** Extra CA certificates (PEM), trusted in addition to the system's. */
  ca?: string;
  timeoutMs?: number;
}

const MAX_ANSWER_BYTES = 256 * 1024;
export const DEFAULT_TIMEOUT_MS = 30_000;

export class HttpTarget {
  private readonly agent: http.Agent;
  private readonly timeoutMs: number;

  constructor(private readonly opts: HttpTargetOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    this.httpsAgent = new https.Agent({
      keepAlive: true,
      maxSockets: 2,
      rejectUnauthorized: true,
      ca: opts.ca ? [...rootCertificates, opts.ca] : undefined,
    });
  }

  private readonly httpsAgent: https.Agent;

  post(url: URL, headers: Record<string, string>, body: Buffer | string): Promise<HttpAnswer> {
    const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    const secure = url.protocol === 'https:';
    const mod = secure ? https : http;
    return new Promise<HttpAnswer>((resolve, reject) => {
      const req = mod.request(
        url,
        {
          method: 'POST',
          agent: secure ? this.httpsAgent : this.agent,
          headers: { ...headers, 'content-length': String(payload.length), 'user-agent': 'beacon-forwarder' },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (c: Buffer) => {
            if (size < MAX_ANSWER_BYTES) chunks.push(c);
            size += c.length;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES) }));
          res.on('error', reject);
        },
      );
      req.setTimeout(this.timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${Math.round(this.timeoutMs / 1000)} s`), { code: 'ETIMEDOUT' })));
      req.on('error', reject);
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
    this.httpsAgent.destroy();
  }
}
