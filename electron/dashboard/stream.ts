/**
 * GET /api/stream: Server-Sent Events that push each new event the moment the reader sees it
 * (the reference dashboard polls every 10 s), health changes, and idle heartbeats.
 *
 * Timers run only while at least one client is connected, at one tick per 10 s: that tick
 * re-checks health (the collector may die without touching any file) and sends a heartbeat
 * comment to clients that have been silent for STREAM_HEARTBEAT_MS. A client that stops
 * reading is dropped rather than buffered without bound; EventSource reconnects with
 * Last-Event-ID and we replay what it missed.
 */
import type { ServerResponse } from 'node:http';
import { basename } from 'node:path';
import type { EventRecord, HealthResponse, StreamHello } from '../shared/api';
import { STREAM_EVENTS, STREAM_HEARTBEAT_MS } from '../shared/api';
import type { LogReader } from '../log/reader';
import { HealthMonitor } from './health';

const TICK_MS = 10_000;
/** Drop a client whose unsent backlog exceeds this; it will reconnect and replay. */
const MAX_BACKLOG_BYTES = 8 * 1024 * 1024;
/** Replay at most this many missed events on reconnect; older gaps are for /api/events. */
const MAX_REPLAY = 2000;
const HEALTH_FILE_DEBOUNCE_MS = 100;

interface Client {
  res: ServerResponse;
  lastWrite: number;
}

function frame(event: string, data: unknown, id?: number): string {
  // JSON.stringify escapes newlines inside strings, so data is always one line.
  return `${id !== undefined ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class StreamHub {
  private readonly clients = new Set<Client>();
  private timer: NodeJS.Timeout | null = null;
  private healthKey: string | null = null;
  private healthCheckPending: NodeJS.Timeout | null = null;
  private readonly unsubscribe: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly reader: LogReader,
    private readonly health: HealthMonitor,
    private readonly version: string,
  ) {
    this.unsubscribe.push(reader.subscribe((records) => this.broadcastEvents(records)));
    const healthName = basename(health.healthFile);
    this.unsubscribe.push(
      reader.onSiblingChange((name) => {
        if (name === healthName) this.scheduleHealthCheck();
      }),
    );
  }

  get clientCount(): number {
    return this.clients.size;
  }

  /**
   * Take over a response (already authorised by the caller) and start streaming. `headers`
   * are the security headers the request pipeline decided on; they must be sent here because
   * this response bypasses the framework's reply.
   */
  attach(res: ServerResponse, headers: Record<string, string>, lastEventId: string | undefined): void {
    if (this.closed) {
      res.writeHead(503, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify({ error: 'dashboard is shutting down' }));
      return;
    }
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.socket?.setNoDelay(true);
    const client: Client = { res, lastWrite: Date.now() };
    this.clients.add(client);
    res.on('close', () => this.drop(client));

    const last = this.reader.index.last();
    const hello: StreamHello = { last_seq: last ? last.record.seq : null, version: this.version };
    let out = `retry: 2000\n\n${frame(STREAM_EVENTS.hello, hello)}`;
    const resumeFrom = lastEventId !== undefined && /^\d+$/.test(lastEventId) ? Number(lastEventId) : null;
    if (resumeFrom !== null && last && resumeFrom < last.record.seq) {
      for (const rec of this.reader.index.after(resumeFrom, MAX_REPLAY)) out += frame(STREAM_EVENTS.event, rec, rec.seq);
    }
    this.write(client, out);
    void this.health.snapshot().then((h) => {
      if (this.clients.has(client)) this.write(client, frame(STREAM_EVENTS.health, h));
      if (this.healthKey === null) this.healthKey = HealthMonitor.changeKey(h);
    });
    this.ensureTimer();
  }

  /** End every stream (server shutdown) and stop listening to the reader. */
  close(): void {
    this.closed = true;
    for (const u of this.unsubscribe) u();
    this.unsubscribe.length = 0;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.healthCheckPending) clearTimeout(this.healthCheckPending);
    this.healthCheckPending = null;
    for (const c of [...this.clients]) {
      this.clients.delete(c);
      c.res.end();
    }
  }

  /** Re-check health now and push it if it changed. Exposed for the server and tests. */
  async checkHealth(): Promise<void> {
    if (this.clients.size === 0 || this.closed) return;
    let h: HealthResponse;
    try {
      h = await this.health.snapshot();
    } catch {
      return; // snapshot() does not throw by design; belt and braces for a timer callback
    }
    const key = HealthMonitor.changeKey(h);
    if (key === this.healthKey) return;
    this.healthKey = key;
    const data = frame(STREAM_EVENTS.health, h);
    for (const c of this.clients) this.write(c, data);
  }

  private broadcastEvents(records: EventRecord[]): void {
    if (this.clients.size === 0) return;
    let data = '';
    for (const rec of records) data += frame(STREAM_EVENTS.event, rec, rec.seq);
    for (const c of this.clients) this.write(c, data);
  }

  private write(c: Client, data: string): void {
    if (c.res.writableEnded || c.res.destroyed) return;
    if (c.res.writableLength > MAX_BACKLOG_BYTES) {
      // Not reading: cut it loose rather than hold the whole log in memory for it.
      this.drop(c);
      c.res.destroy();
      return;
    }
    c.res.write(data);
    c.lastWrite = Date.now();
  }

  private drop(c: Client): void {
    this.clients.delete(c);
    if (this.clients.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = null;
      this.healthKey = null;
    }
  }

  private ensureTimer(): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
  }

  private tick(): void {
    const now = Date.now();
    for (const c of this.clients) {
      if (now - c.lastWrite >= STREAM_HEARTBEAT_MS) this.write(c, ': ping\n\n');
    }
    void this.checkHealth();
  }

  private scheduleHealthCheck(): void {
    // The collector rewrites its health file atomically (several fs events): coalesce them.
    if (this.healthCheckPending || this.clients.size === 0) return;
    this.healthCheckPending = setTimeout(() => {
      this.healthCheckPending = null;
      void this.checkHealth();
    }, HEALTH_FILE_DEBOUNCE_MS);
    this.healthCheckPending.unref();
  }
}
