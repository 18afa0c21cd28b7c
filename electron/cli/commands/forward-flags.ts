/**
 * `beacon endpoint run --forward TYPE=URL` (repeatable) and its companions: one-off
 * destinations for this run, on top of config.json's. The token comes from
 * --forward-token-env VAR or --forward-token-file FILE (0600), never from the command line
 * itself: argv is readable by every local user (/proc/<pid>/cmdline, ps).
 */
import { InvalidArgumentError, type Command } from 'commander';
import { ForwardConfigError, parseForwardFlag, type ForwardDestinationConfig } from '../../forward/forward-config';
import type { ResolvedDestination } from '../../forward/forward-engine';
import { resolveDestination } from '../../forward/resolve-destinations';
import type { ContentPolicy } from '../../shared/event';
import { parseContentPolicy, parsePath } from '../options';
import { UsageError } from '../program';

export interface ForwardRunFlags {
  forward?: string[];
  forwardTokenEnv?: string;
  forwardTokenFile?: string;
  forwardCaFile?: string;
  forwardContent?: ContentPolicy;
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function envName(value: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(value)) throw new InvalidArgumentError(`"${value}" is not an environment variable name (the token itself never goes on the command line).`);
  return value;
}

export function addForwardRunOptions(cmd: Command): void {
  cmd
    .option('--forward <type=url>', 'also forward the log to TYPE=URL for this run (otlp-http, splunk-hec, http-ndjson); repeatable', collect)
    .option('--forward-token-env <var>', 'environment variable holding the token of the --forward destinations', envName)
    .option('--forward-token-file <file>', 'file (mode 0600) holding the token of the --forward destinations', parsePath)
    .option('--forward-ca-file <file>', 'PEM CA to trust (besides the system roots) for the --forward destinations', parsePath)
    .option('--forward-content <policy>', 'stricter content policy for what the --forward destinations receive (e.g. metadata)', parseContentPolicy);
}

/** The --forward destinations with their secrets read; any problem is a usage error now, not a silent failure later. */
export async function forwardFromFlags(flags: ForwardRunFlags, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedDestination[]> {
  const extra: Partial<ForwardDestinationConfig> = {};
  if (flags.forwardTokenEnv) extra.token_env = flags.forwardTokenEnv;
  if (flags.forwardTokenFile) extra.token_file = flags.forwardTokenFile;
  if (flags.forwardCaFile) extra.ca_file = flags.forwardCaFile;
  if (flags.forwardContent) extra.content = flags.forwardContent;
  if (!flags.forward?.length) {
    if (Object.keys(extra).length) throw new UsageError('--forward-token-env, --forward-token-file, --forward-ca-file and --forward-content apply to --forward destinations; add --forward TYPE=URL');
    return [];
  }
  const out: ResolvedDestination[] = [];
  for (const [i, value] of flags.forward.entries()) {
    let cfg: ForwardDestinationConfig;
    try {
      cfg = parseForwardFlag(value, i, extra);
    } catch (err) {
      if (err instanceof ForwardConfigError) throw new UsageError(err.message);
      throw err;
    }
    const r = await resolveDestination(cfg, env);
    if (r.error) throw new UsageError(`--forward ${cfg.type}=…: ${r.error}`, 1);
    out.push(r);
  }
  return out;
}
