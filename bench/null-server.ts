/**
 * The null OTLP receiver: answers every request 200 with an empty body as soon as the body has
 * been read, and does nothing else. It is the baseline for the load generator's own capacity,
 * for response latency and for Codex's wall time. Run as its own process (like the collector)
 * so both sides of every comparison own a core:
 *   node out/bench/null-server.js   -> prints {"port":N,"pid":N} on stdout, stops on SIGTERM
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export function startNullServer(): Promise<{ server: http.Server; port: number }> {
  const server = http.createServer((req, res) => {
    req.on('data', () => undefined);
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/x-protobuf', 'content-length': '0' });
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port }));
  });
}

if (require.main === module) {
  startNullServer().then(
    ({ server, port }) => {
      process.stdout.write(JSON.stringify({ port, pid: process.pid }) + '\n');
      process.once('SIGTERM', () => {
        server.closeAllConnections();
        server.close(() => process.exit(0));
      });
    },
    (err: Error) => {
      process.stderr.write(`null server: ${err.message}\n`);
      process.exit(1);
    },
  );
}
