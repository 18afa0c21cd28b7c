/**
 * The OTLP load generator: N exporters, each one keep-alive connection POSTing real Codex
 * protobuf bodies to /v1/logs. Every loop is bounded twice, by a time window and by a request
 * count, so a stalled server can only make a number bad, never hang the bench.
 *
 * Two shapes:
 *  - closed loop (`runClosedLoop`): each exporter POSTs again the moment its answer arrives.
 *    That is the saturation test: throughput, and latency under full load (Little's law:
 *    mean latency ~= exporters / throughput, whatever the server does).
 *  - paced (`runPaced`): each exporter POSTs once per period, like Codex's batch exporter
 *    (~1 export per second per process), so latency is the answer time of a server that is
 *    busy but not saturated.
 */
import * as http from 'node:http';
import type { Payload } from './payloads';
import { msSince } from './stats';

export interface LoadResult {
  /** 200 answers whose request completed inside the measurement window. */
  ok: number;
  /** Log records carried by those requests. */
  records: number;
  /** Non-200 answers and transport errors (whole run). */
  errors: number;
  firstError?: string;
  /** Latency (ms) of each request counted in `ok`. */
  latencies: number[];
  /** Measurement window actually used (ms). */
  windowMs: number;
}

interface PostOutcome {
  status: number;
  ms: number;
  error?: string;
}

function post(agent: http.Agent, port: number, body: Buffer): Promise<PostOutcome> {
  const start = process.hrtime.bigint();
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: '/v1/logs',
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-protobuf', 'content-length': String(body.length) },
      },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: msSince(start) }));
        res.on('error', (err) => resolve({ status: 0, ms: msSince(start), error: err.message }));
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error('request timed out after 10 s')));
    req.on('error', (err) => resolve({ status: 0, ms: msSince(start), error: err.message }));
    req.end(body);
  });
}

export interface LoadOptions {
  port: number;
  payloads: readonly Payload[];
  exporters: number;
  /** Requests completing before this are not counted (connection set-up, JIT warm-up). */
  warmupMs: number;
  /** Length of the counted window. */
  durationMs: number;
  /** Hard cap on requests over the whole run, all exporters together. */
  maxRequests?: number;
  /** Paced mode: each exporter starts one POST per period (a random phase spreads them). */
  periodMs?: number;
}

export async function runLoad(opts: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.exporters, maxFreeSockets: opts.exporters });
  const t0 = process.hrtime.bigint();
  const windowStart = opts.warmupMs;
  const windowEnd = opts.warmupMs + opts.durationMs;
  const maxRequests = opts.maxRequests ?? 2_000_000;
  const result: LoadResult = { ok: 0, records: 0, errors: 0, latencies: [], windowMs: opts.durationMs };
  let started = 0;

  const exporter = async (id: number): Promise<void> => {
    // Different exporters start on different payloads, so both bodies are always in flight.
    let k = id;
    const phase = opts.periodMs ? Math.random() * opts.periodMs : 0;
    let nextAt = phase;
    while (started < maxRequests) {
      if (opts.periodMs) {
        const wait = nextAt - msSince(t0);
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        nextAt += opts.periodMs;
      }
      if (msSince(t0) >= windowEnd) break;
      const payload = opts.payloads[k++ % opts.payloads.length];
      started++;
      const out = await post(agent, opts.port, payload.body);
      const doneAt = msSince(t0);
      if (out.status !== 200) {
        result.errors++;
        result.firstError ??= out.error ?? `HTTP ${out.status}`;
        if (result.errors > 1000) break; // something is badly wrong; the row will say so
        continue;
      }
      if (doneAt >= windowStart && doneAt < windowEnd) {
        result.ok++;
        result.records += payload.records;
        result.latencies.push(out.ms);
      }
    }
  };

  await Promise.all(Array.from({ length: opts.exporters }, (_, i) => exporter(i)));
  // A run cut short by maxRequests (or by errors) measured over a shorter window.
  result.windowMs = Math.max(1, Math.min(opts.durationMs, msSince(t0) - windowStart));
  agent.destroy();
  return result;
}
