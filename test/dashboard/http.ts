/**
 * Raw HTTP for dashboard tests: node's http.request, because fetch will not let a test forge
 * the Host header (the DNS-rebinding case) and follows redirects we want to inspect.
 */
import { request, type IncomingHttpHeaders } from 'node:http';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
  json<T = unknown>(): T;
}

export function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET', body?: string, sendHost = true): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    // Node sends a DELETE/OPTIONS body unframed unless told its length.
    const allHeaders = body !== undefined ? { 'content-length': String(Buffer.byteLength(body)), ...headers } : headers;
    const req = request({ host: '127.0.0.1', port, path, method, headers: allHeaders, agent: false, setHost: sendHost && headers.host === undefined }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, json: <T>() => JSON.parse(text) as T });
      });
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

/** A minimal SSE client over http.request that records parsed frames. */
export interface SseFrame {
  event: string;
  data: string;
  id?: string;
}

export function openStream(port: number, headers: Record<string, string>): Promise<{ status: number; frames: SseFrame[]; comments: string[]; headers: IncomingHttpHeaders; close: () => void }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/api/stream', method: 'GET', headers: { accept: 'text/event-stream', ...headers }, agent: false }, (res) => {
      const frames: SseFrame[] = [];
      const comments: string[] = [];
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let sep: number;
        while ((sep = buf.indexOf('\n\n')) !== -1) {
          const block = buf.slice(0, sep);
          buf = buf.slice(sep + 2);
          const f: SseFrame = { event: 'message', data: '' };
          let isFrame = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line);
            else if (line.startsWith('event: ')) ((f.event = line.slice(7)), (isFrame = true));
            else if (line.startsWith('data: ')) ((f.data += line.slice(6)), (isFrame = true));
            else if (line.startsWith('id: ')) f.id = line.slice(4);
          }
          if (isFrame) frames.push(f);
        }
      });
      res.on('error', () => undefined);
      resolve({ status: res.statusCode ?? 0, frames, comments, headers: res.headers, close: () => req.destroy() });
    });
    req.on('error', reject);
    req.end();
  });
}
