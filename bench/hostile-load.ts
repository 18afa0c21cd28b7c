/**
 * Drives the hostile mix (hostile-requests.ts) at a collector: `concurrency` connections at once,
 * each request answered or cut off, while the collector's resident memory is sampled from
 * /proc every few milliseconds. Bounded in time and count like every bench loop.
 */
import * as http from 'node:http';
import type { HostileMix, HostileRequest } from './hostile-requests';
import { readMem } from './procfs';

export interface HostileResult {
  requests: number;
  /** Answers by HTTP status. */
  statuses: Record<number, number>;
  /** Requests with no answer (connection reset, timeout): by kind. */
  unanswered: Record<string, number>;
  /** Highest VmRSS seen by sampling, MB. */
  sampledPeakMB: number;
  /** The collector died during the run. */
  died: boolean;
  ms: number;
}

function send(agent: http.Agent, port: number, req: HostileRequest): Promise<number> {
  return new Promise((resolve) => {
    const special = req.declaredLength !== undefined || req.repeat !== undefined;
    const headers: Record<string, string> = { ...req.headers };
    if (req.repeat === undefined) headers['content-length'] = String(req.declaredLength ?? req.body.length);
    let settled = false;
    const done = (status: number) => {
      if (settled) return;
      settled = true;
      if (special) r.destroy(); // a request whose body was never sent whole cannot share the connection
      resolve(status);
    };
    const r = http.request({ host: '127.0.0.1', port, path: req.path, method: 'POST', headers, agent: special ? false : agent }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 0));
      res.on('error', () => done(0));
    });
    r.setTimeout(30_000, () => r.destroy(new Error('timeout')));
    r.on('error', () => done(0));
    if (req.repeat === undefined) {
      if (req.declaredLength !== undefined) r.write(req.body); // less than declared: the answer must come anyway
      else r.end(req.body);
      return;
    }
    let left = req.repeat;
    const pump = () => {
      while (left > 0 && !settled) {
        left--;
        if (!r.write(req.body)) return void r.once('drain', pump);
      }
      if (!settled) r.end();
    };
    pump();
  });
}

export async function runHostile(opts: { port: number; pid: number; mix: HostileMix; requests: number; concurrency: number; deadlineMs: number }): Promise<HostileResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.concurrency });
  const result: HostileResult = { requests: 0, statuses: {}, unanswered: {}, sampledPeakMB: 0, died: false, ms: 0 };
  const t0 = Date.now();
  const sampler = setInterval(() => {
    try {
      result.sampledPeakMB = Math.max(result.sampledPeakMB, readMem(opts.pid).rssMB);
    } catch {
      result.died = true;
    }
  }, 10);
  let next = 0;
  const worker = async () => {
    while (next < opts.requests && Date.now() - t0 < opts.deadlineMs && !result.died) {
      const req = opts.mix.request(next++);
      const status = await send(agent, opts.port, req);
      result.requests++;
      if (status === 0) result.unanswered[req.kind] = (result.unanswered[req.kind] ?? 0) + 1;
      else result.statuses[status] = (result.statuses[status] ?? 0) + 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: opts.concurrency }, worker));
  } finally {
    clearInterval(sampler);
    agent.destroy();
  }
  result.ms = Date.now() - t0;
  return result;
}
