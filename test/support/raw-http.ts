/**
 * A request written byte for byte on a TCP socket, for what no HTTP client will send: an
 * absolute-form target naming another host, two Host headers, a target that is not a path.
 * Resolves with the status line's code and the raw response once the server closes.
 */
import { connect } from 'node:net';

export interface RawAnswer {
  status: number;
  /** Everything after the header block (not de-chunked). */
  body: string;
  head: string;
}

export function rawRequest(port: number, text: string, timeoutMs = 5000): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(text));
    let out = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms: ${JSON.stringify(out.slice(0, 200))}`));
    }, timeoutMs);
    socket.setEncoding('utf8');
    socket.on('data', (d: string) => (out += d));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      const end = out.indexOf('\r\n\r\n');
      const head = end >= 0 ? out.slice(0, end) : out;
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      if (!m) return reject(new Error(`not an HTTP answer: ${JSON.stringify(out.slice(0, 200))}`));
      resolve({ status: Number(m[1]), head, body: end >= 0 ? out.slice(end + 4) : '' });
    });
  });
}

/** A GET request's text with the given target and header lines; the connection closes after it. */
export function rawGet(target: string, headerLines: string[]): string {
  return [`GET ${target} HTTP/1.1`, ...headerLines, 'Connection: close', '', ''].join('\r\n');
}
