/**
 * The dashboard's defences, as pure functions so each rule can be read and tested alone.
 *
 * The dashboard shows prompts, commands and file paths, so "it only listens on 127.0.0.1" is
 * not enough (research/peers.md D.2): any web page the user visits can make the browser talk
 * to loopback, and DNS rebinding makes such a page same-origin with us. Hence, on every
 * request: the Host header must be a loopback name for our port; a browser Origin, when sent,
 * must be exactly our own; a per-run token (cookie or bearer) is required; and the response
 * headers forbid framing, sniffing, referrers and cross-origin embedding.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { LOOPBACK_HOST_NAMES } from '../collector/loopback-guard';

/** A fresh per-run token: 32 random bytes, base64url (43 characters, URL-safe). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Constant-time token comparison. Hashing both sides first gives equal-length inputs for
 * timingSafeEqual, so neither the content nor the length of the secret leaks through timing.
 */
export function tokensEqual(presented: string | undefined | null, expected: string): boolean {
  if (typeof presented !== 'string' || presented.length === 0 || presented.length > 1024) return false;
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/**
 * Cookies are scoped by host, not port: two dashboards on 127.0.0.1 (say a user and a CI one)
 * would overwrite each other's cookie if the name did not carry the port.
 */
export function cookieName(port: number): string {
  return `beacon_dashboard_${port}`;
}

export function authCookie(port: number, token: string): string {
  // No Max-Age: a session cookie, and the token changes every run anyway. No Secure: plain
  // http on loopback. SameSite=Strict: never sent on requests started by another site.
  return `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    if (part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : undefined;
}


/**
 * DNS-rebinding defence: a rebinding page reaches us with ITS hostname in Host, so only
 * loopback names (with our port, or no port) are accepted.
 */
export function isAllowedHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const h = host.toLowerCase();
  return LOOPBACK_HOST_NAMES.some((name) => h === name || h === `${name}:${port}`);
}

/**
 * A browser sends Origin on cross-origin requests (and on most same-origin non-GET ones).
 * Absent is fine (navigations, curl, the tray). Present, it must be our own origin as the
 * browser sees it, i.e. http:// + the (already validated) Host. "null" never matches.
 */
export function isAllowedOrigin(origin: string | undefined, host: string): boolean {
  if (origin === undefined) return true;
  return origin.toLowerCase() === `http://${host.toLowerCase()}`;
}

/**
 * Fetch metadata: refuse anything a browser marks as started by another site. For the API we
 * also refuse 'same-site' (another port on localhost is another app, not us).
 */
export function isAllowedFetchSite(site: string | undefined, isApi: boolean): boolean {
  if (site === undefined) return true;
  const s = site.toLowerCase();
  if (s === 'cross-site') return false;
  if (isApi && s === 'same-site') return false;
  return true;
}

/**
 * Content-Security-Policy for the renderer. The Vite build emits external scripts and
 * stylesheets only, so no 'unsafe-inline' is needed; React's style={} props go through the
 * CSSOM, which CSP does not restrict.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

/** Sent on every response, API or not. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  // Everything here is live or per-run (token-gated); nothing should sit in a cache.
  'cache-control': 'no-store',
};
