/**
 * DNS-rebinding guard for our loopback HTTP servers (design.md "Security"; peers.md D.2).
 *
 * A web page can make a browser send requests to 127.0.0.1 through a hostname it controls, but
 * the browser then puts that hostname in `Host` and the page's origin in `Origin`. Real OTLP
 * exporters send `Host: 127.0.0.1:4318` (or localhost) and no Origin at all. So: Host must be a
 * loopback name, and an Origin, when present, must be a loopback origin. Comparing Host with
 * Origin would prove nothing (an attacker controls both).
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
