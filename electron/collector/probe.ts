/**
 * Who answers on a port? Used by the app (host or attach), `status`, `doctor` and the CLI's
 * error messages. A Beacon collector identifies itself on GET /healthz.
 */
import { request } from 'node:http';
import { COLLECTOR_SERVICE, LOOPBACK } from '../shared/paths';
import type { CollectorHealth } from './collector';

export type ProbeResult =
  | { kind: 'beacon'; health: CollectorHealth }
  | { kind: 'other'; detail: string }
  | { kind: 'none' };

/** Our /healthz answer is well under 1 KB; whatever holds the port may send without end. */
const MAX_HEALTHZ_BYTES = 64 * 1024;

export function probeCollector(port: number, timeoutMs = 1500, host = LOOPBACK): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const req = request({ host, port, path: '/healthz', method: 'GET', timeout: timeoutMs, headers: { host: `${LOOPBACK}:${port}` } }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_HEALTHZ_BYTES) {
          req.destroy();
          resolve({ kind: 'other', detail: `its /healthz answer is larger than ${MAX_HEALTHZ_BYTES} bytes` });
          return;
        }
        chunks.push(c);
      });
      res.on('error', () => resolve({ kind: 'other', detail: `HTTP ${res.statusCode} on /healthz, answer cut off` }));
      res.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as CollectorHealth;
          if (body && body.service === COLLECTOR_SERVICE) return resolve({ kind: 'beacon', health: body });
        } catch {
          /* not JSON: not ours */
        }
        resolve({ kind: 'other', detail: `HTTP ${res.statusCode} on /healthz` });
      });
    });
    req.on('timeout', () => {
      req.destroy();
      resolve({ kind: 'other', detail: 'no answer within timeout' });
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') resolve({ kind: 'none' });
      else resolve({ kind: 'other', detail: err.message });
    });
    req.end();
  });
}
