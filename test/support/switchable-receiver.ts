/**
 * The base of the test receivers forwarding is checked against: a real HTTP(S) server on a
 * fixed loopback port that can be told to fail: go down (connection refused) and come back on
 * the same port, answer 503 with Retry-After, answer 400, or be slow. Each receiver (OTLP,
 * HEC, NDJSON) decodes with its own protocol's rules and records what it got.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export type FailMode =
  | { kind: 'ok' }
  | { kind: 'status'; status: number; retryAfter?: string; body?: string }
  /** Accept and store the request, then answer an error (the sender resends: a duplicate). */
  | { kind: 'store-then-fail'; status: number };

export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The body after gunzip. */
  body: Buffer;
  status: number;
}

export type Handler = (req: http.IncomingMessage, body: Buffer, path: string) => { status: number; headers?: Record<string, string>; body?: string | Buffer };

export interface SwitchableReceiverOptions {
  port?: number;
  /**
   * Loopback address to listen on (default 127.0.0.1). A test that takes its receiver down and
   * up again uses another one (127.0.0.2): while it is down, nothing else in the suite can bind
   * its port there and answer the forwarder in its place (every other server is on 127.0.0.1).
   */
  host?: string;
  tls?: { key: string; cert: string };
  handler: Handler;
}

export class SwitchableReceiver {
  readonly requests: ReceivedRequest[] = [];
  mode: FailMode = { kind: 'ok' };
  port = 0;
  private server: http.Server | undefined;

  constructor(private readonly opts: SwitchableReceiverOptions) {}

  get url(): string {
    return `${this.opts.tls ? 'https' : 'http'}://${this.opts.host ?? '127.0.0.1'}:${this.port}`;
  }

  async up(): Promise<void> {
    if (this.server) return;
    const listener = (req: http.IncomingMessage, res: http.ServerResponse) => this.onRequest(req, res);
    const server = this.opts.tls ? https.createServer({ key: this.opts.tls.key, cert: this.opts.tls.cert }, listener) : http.createServer(listener);
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port || this.opts.port || 0, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Close the port: senders get connection refused until up() again. Open connections are cut. */
  async down(): Promise<void> {
    const s = this.server;
    this.server = undefined;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0];
      let body = Buffer.concat(chunks);
      try {
        if (req.headers['content-encoding'] === 'gzip') body = gunzipSync(body);
      } catch {
        res.writeHead(400).end('bad gzip');
        return;
      }
      const mode = this.mode;
      if (mode.kind === 'status') {
        this.requests.push({ path, headers: req.headers, body, status: mode.status });
        res.writeHead(mode.status, mode.retryAfter !== undefined ? { 'retry-after': mode.retryAfter } : {}).end(mode.body ?? '{"text":"failing on command"}');
        return;
      }
      let out: ReturnType<Handler>;
      try {
        out = this.opts.handler(req, body, path);
      } catch (err) {
        out = { status: 400, body: (err as Error).message };
      }
      if (mode.kind === 'store-then-fail' && out.status < 300) out = { status: mode.status, body: 'stored, but answering an error' };
      this.requests.push({ path, headers: req.headers, body, status: out.status });
      res.writeHead(out.status, out.headers ?? {}).end(out.body ?? '');
    });
    req.on('error', () => res.destroy());
  }

  async close(): Promise<void> {
    await this.down();
  }
}

/** Count of each event.id received (to check "no event more than twice") and the de-duplicated events. */
export class EventLedger<T extends { event?: { id?: string } }> {
  readonly counts = new Map<string, number>();
  readonly byId = new Map<string, T>();
  /** Events without an id (never expected from Beacon). */
  readonly anonymous: T[] = [];

  add(ev: T): void {
    const id = ev.event?.id;
    if (!id) {
      this.anonymous.push(ev);
      return;
    }
    this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
    if (!this.byId.has(id)) this.byId.set(id, ev);
  }

  get total(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n + this.anonymous.length;
  }

  maxCopies(): number {
    let m = 0;
    for (const c of this.counts.values()) m = Math.max(m, c);
    return m;
  }
}
