/**
 * The two ways the runtime-log writer refuses work, as typed errors so that callers (the OTLP
 * receiver, the CLI) can turn them into the right answer: a 503 with Retry-After, or a clear
 * "someone else writes this log" message at startup.
 */

/**
 * The log cannot be written right now (disk full, read-only, permissions, I/O error...).
 * Nothing of the failed call is left in the file; what was written before is untouched.
 * The condition is usually transient from the caller's point of view (an admin frees space),
 * hence `retryAfterSeconds` for an HTTP Retry-After header.
 */
export class LogUnavailableError extends Error {
  readonly code = 'EUNAVAILABLE' as const;
  /** errno code of the underlying failure (ENOSPC, EACCES, EROFS, EIO, EDQUOT, EBADF, EFBIG...). */
  readonly causeCode?: string;
  constructor(
    readonly logPath: string,
    /** Human-readable reason, also what the health state shows. */
    readonly reason: string,
    readonly retryAfterSeconds: number = 5,
    cause?: unknown,
  ) {
    super(`runtime log ${logPath} cannot be written: ${reason}`, cause === undefined ? undefined : { cause });
    this.name = 'LogUnavailableError';
    const code = (cause as NodeJS.ErrnoException | undefined)?.code;
    if (typeof code === 'string') this.causeCode = code;
  }
}

/** Another live process holds `<log>.lock`: two writers would interleave lines in one file. */
export class LogLockedError extends Error {
  readonly code = 'ELOCKED' as const;
  constructor(
    readonly logPath: string,
    readonly holderPid: number,
    readonly holderPurpose: string | undefined,
    readonly holderHostname?: string,
  ) {
    const who = `pid ${holderPid}${holderPurpose ? ` (${holderPurpose})` : ''}${holderHostname ? ` on ${holderHostname}` : ''}`;
    super(`runtime log ${logPath} is already written by ${who}; stop it or choose another --log-path`);
    this.name = 'LogLockedError';
  }
}
