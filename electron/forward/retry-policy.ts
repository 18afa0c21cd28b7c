/**
 * What to do after an attempt: the classification of an HTTP answer or a transport error, and
 * the wait before the next attempt (exponential backoff with full jitter, or the receiver's
 * Retry-After). The rules (issue 14): 2xx delivered; 408, 429 and 5xx retried; any other 4xx
 * stops the destination and says why (resending the same bytes cannot fix a bad token or a
 * rejected format, and hammering the receiver would not either). Redirects are not followed:
 * a forwarder that silently posts events somewhere else is worse than one that stops.
 */
export type Outcome =
  | { kind: 'ok'; note?: string }
  | { kind: 'retry'; reason: string; retryAfterMs?: number }
  | { kind: 'fatal'; reason: string }
  /** The receiver says the request is too large: send fewer events at a time. */
  | { kind: 'too-large'; reason: string };

export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_MAX_MS = 5 * 60_000;
/** A Retry-After larger than this is capped: one bad header must not park a destination for days. */
export const RETRY_AFTER_MAX_MS = 60 * 60_000;

/** Delay before attempt `failures + 1` after `failures` consecutive failures (>= 1). */
export function backoffMs(failures: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.min(30, Math.max(0, failures - 1)));
  // "Full jitter" over the upper half: spreads a fleet of endpoints that failed together (the
  // SIEM went down for everyone at once) without ever retrying immediately.
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Retry-After: delta-seconds or an HTTP-date. undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, now: number = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === '') return undefined;
  let ms: number;
  if (/^\s*\d+\s*$/.test(v)) ms = Number(v.trim()) * 1000;
  else {
    const at = Date.parse(v);
    if (!Number.isFinite(at)) return undefined;
    ms = at - now;
  }
  return Math.min(RETRY_AFTER_MAX_MS, Math.max(0, ms));
}

/** A short, safe excerpt of a response body for an error message (one line, bounded). */
export function excerpt(body: string, max = 200): string {
  const one = body.replace(/\s+/g, ' ').trim();
  return one.length > max ? one.slice(0, max) + '…' : one;
}

export function classifyStatus(status: number, headers: Record<string, string | string[] | undefined>, body: string): Outcome {
  const said = excerpt(body);
  const what = `HTTP ${status}${said ? `: ${said}` : ''}`;
  if (status >= 200 && status < 300) return { kind: 'ok' };
  if (status === 408 || status === 429 || status >= 500) {
    return { kind: 'retry', reason: what, retryAfterMs: parseRetryAfter(headers['retry-after']) };
  }
  if (status === 413) return { kind: 'too-large', reason: what };
  if (status >= 300 && status < 400) {
    const to = headers.location ? ` to ${String(headers.location)}` : '';
    return { kind: 'fatal', reason: `${what} (a redirect${to}; Beacon does not follow redirects: put the final URL in the destination)` };
  }
  return { kind: 'fatal', reason: `${what} (the receiver refused the request; fix the destination's URL, token or format, then restart the collector)` };
}

/** Transport errors (refused, reset, timeout, TLS) are retried: the receiver may come back. */
export function classifyError(err: unknown): Outcome {
  const e = err as NodeJS.ErrnoException;
  const code = e?.code ? `${e.code}: ` : '';
  return { kind: 'retry', reason: `${code}${e?.message ?? String(err)}` };
}
