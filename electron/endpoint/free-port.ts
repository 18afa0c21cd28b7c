/**
 * A free loopback port. CI uses it for its collector (a shared or self-hosted runner may already
 * have something on 4318, another job's collector), and tests use it so they never touch 4318.
 */
import { createServer } from 'node:net';
import { LOOPBACK } from '../shared/paths';

export function pickFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', reject);
    srv.listen(0, LOOPBACK, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('could not pick a free port'))));
    });
  });
}
