/**
 * DNS-rebinding guard for our loopback HTTP servers (design.md "Security"; peers.md D.2).
 *
 * A web page can make a browser send requests to 127.0.0.1 through a hostname it controls, but
 * the browser then puts that hostname in `Host` and the page's origin in `Origin`. Real OTLP
 * exporters send `Host: 127.0.0.1:4318` (or localhost) and no Origin at all. So: Host must be a
 * loopback name, and an Origin, when present, must be a loopback origin. Comparing Host with
 * Origin would prove nothing (an attacker controls both).
 *
 * Before either, the request line and the Host header must be what RFC 9112 allows (section 3.2):
 * Node parses them but leaves these rules to the application, and fastify routes an absolute-form
 * target (`GET http://evil.com/api/events`) by its path, so without this check a request naming
 * another host, or carrying a second Host header after a loopback one, was served.
 */

/** The Host names of this machine's loopback; both the collector and the dashboard accept only these. */
export const LOOPBACK_HOST_NAMES: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];
const LOOPBACK_NAMES = new Set(LOOPBACK_HOST_NAMES);

/** The host part of a Host header value ("[::1]:4318" -> "[::1]"), lower-cased; undefined if malformed. */
export function hostName(hostHeader: string): string | undefined {
  const v = hostHeader.trim().toLowerCase();
  let name: string;
  let port = '';
  if (v.startsWith('[')) {
    const end = v.indexOf(']');
    if (end < 0) return undefined;
    name = v.slice(0, end + 1);
    const rest = v.slice(end + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) return undefined;
      port = rest.slice(1);
    }
  } else {
    const colon = v.indexOf(':');
    if (colon >= 0 && v.indexOf(':', colon + 1) >= 0) return undefined; // bare IPv6 is not a valid Host
    name = colon >= 0 ? v.slice(0, colon) : v;
    port = colon >= 0 ? v.slice(colon + 1) : '';
  }
  if (port !== '' && !/^[0-9]{1,5}$/.test(port)) return undefined;
  return name;
}

/** Extra names to accept besides loopback: the address the server is bound to, when a test or user chose another one. */
function boundName(host: string | undefined): string | undefined {
  if (!host) return undefined;
  return host.includes(':') && !host.startsWith('[') ? `[${host.toLowerCase()}]` : host.toLowerCase();
}

export interface GuardVerdict {
  ok: boolean;
  reason?: string;
}

export function makeLoopbackGuard(boundHost?: string): (headers: { host?: string; origin?: string | string[] }) => GuardVerdict {
  const allowed = new Set(LOOPBACK_NAMES);
  const extra = boundName(boundHost);
  if (extra && extra !== '0.0.0.0' && extra !== '[::]') allowed.add(extra);

  return (headers) => {
    // HTTP/1.0 clients may omit Host; browsers never do, so a missing Host is not a rebinding.
    if (headers.host !== undefined) {
      const name = hostName(headers.host);
      if (name === undefined || !allowed.has(name)) {
        return { ok: false, reason: `Host ${JSON.stringify(headers.host)} is not a loopback name` };
      }
    }
    const origin = Array.isArray(headers.origin) ? headers.origin[0] : headers.origin;
    if (origin !== undefined) {
      let ok = false;
      try {
        const u = new URL(origin);
        ok = (u.protocol === 'http:' || u.protocol === 'https:') && allowed.has(u.hostname.toLowerCase());
      } catch {
        ok = false; // "null" (sandboxed frames, file://) and garbage
      }
      if (!ok) return { ok: false, reason: `requests from browser origin ${JSON.stringify(origin)} are not accepted` };
    }
    return { ok: true };
  };
}

export interface RawRequestLine {
  url?: string;
  /** Node's IncomingMessage.rawHeaders: name, value, name, value... (duplicates kept). */
  rawHeaders: string[];
}

/**
 * Why this request must get 400 Bad Request (RFC 9112 3.2, 3.2.2), or undefined: more than one
 * Host header, a Host value that is not host[:port], or a request target that is neither a
 * path nor an absolute http URL naming a loopback host. `boundHost` as for makeLoopbackGuard.
 */
export function badRequestLine(req: RawRequestLine, boundHost?: string): string | undefined {
  const raw = req.rawHeaders;
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    if (name.length === 4 && name.toLowerCase() === 'host') {
      hosts++;
      if (hostName(raw[i + 1]) === undefined) return `malformed Host header ${JSON.stringify(raw[i + 1].slice(0, 100))}`;
    }
  }
  if (hosts > 1) return 'more than one Host header';
  const target = req.url ?? '';
  if (target.startsWith('/')) return undefined; // origin-form: what every client we serve sends
  if (/^http:\/\//i.test(target)) {
    let name: string;
    try {
      name = new URL(target).hostname.toLowerCase();
    } catch {
      return 'malformed absolute-form request target';
    }
    const extra = boundName(boundHost);
    if (LOOPBACK_NAMES.has(name) || name === extra) return undefined;
    return `the request target names host ${JSON.stringify(name)}, which is not a loopback name`;
  }
  return `request target ${JSON.stringify(target.slice(0, 100))} is not a path`;
}
