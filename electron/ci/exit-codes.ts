/**
 * Exit codes of `beacon ci finish|validate|exec`, stable so a workflow can act on them
 * (documented in each command's --help).
 */
export const CI_EXIT = {
  ok: 0,
  /** No telemetry, or fewer events than --min-events (a warning instead with --require-telemetry=false). */
  telemetryMissing: 1,
  /** Bad flags or arguments (commander and UsageError use 2 as well). */
  usage: 2,
  /** The runtime log exists but cannot be read, or has lines that are not Beacon events. */
  logUnreadable: 3,
  /** `ci finish --fail-on <severity>`: a detection finding at or above that severity. */
  findings: 4,
} as const;

export const CI_EXIT_HELP = `
Exit codes:
  0  telemetry ok (or only a warning, with --require-telemetry=false)
  1  telemetry missing or fewer events than --min-events
  2  usage error (bad flag, unreadable --state file)
  3  the runtime log is unreadable or has lines that are not Beacon events
  4  a detection finding at or above --fail-on (finish and exec only)`;
