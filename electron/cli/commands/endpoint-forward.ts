/**
 * `beacon endpoint forward add|list|remove|test`: the `forward` list of config.json (the
 * user's, or the system's with --system, which is what MDM pushes), and a live check.
 * Tokens are never arguments: --token-file (0600) or --token-env name where the collector
 * finds it. Changes apply when the collector starts: the commands say so.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { probeCollector } from '../../collector/probe';
import { readEndpointConfig, writeEndpointConfig, type EndpointConfig } from '../../endpoint/endpoint-config';
import { ForwardConfigError, parseForwardDestination, displayUrl, type ForwardDestinationConfig } from '../../forward/forward-config';
import { resolveDestination } from '../../forward/resolve-destinations';
import { sendValidationEvent, type ForwardTestResult } from '../../forward/validation-event';
import { describeForward, FORWARD_TYPES, isForwardHealth, type ForwardDestinationHealth } from '../../shared/forwarding';
import type { ContentPolicy } from '../../shared/event';
import { parseContentPolicy, parsePath, parsePositiveInt } from '../options';
import { UsageError } from '../program';
import { asUserErrors } from './endpoint-lifecycle';

interface AddFlags {
  type: string;
  url: string;
  name?: string;
  tokenFile?: string;
  tokenEnv?: string;
  caFile?: string;
  content?: ContentPolicy;
  index?: string;
  sourcetype?: string;
  source?: string;
  batchEvents?: number;
  startAt?: 'beginning' | 'end';
  system?: boolean;
  json?: boolean;
}

const modeOf = (f: { system?: boolean }) => (f.system ? 'system' : 'user');
const restartHint = (f: { system?: boolean }) => `restart the collector to apply it (\`${f.system ? 'sudo ' : ''}beacon endpoint repair${f.system ? ' --system' : ''}\`, or restart the app)`;

async function load(f: { system?: boolean }): Promise<EndpointConfig> {
  return (await asUserErrors(() => readEndpointConfig(modeOf(f), process.env))).config;
}

/** Live health of each destination, from the running collector's /healthz (none when it is down). */
async function liveHealth(config: EndpointConfig): Promise<Map<string, ForwardDestinationHealth> | null> {
  const probe = await probeCollector(config.otlp_http_port);
  if (probe.kind !== 'beacon') return null;
  const out = new Map<string, ForwardDestinationHealth>();
  for (const c of probe.health.consumers ?? []) if (isForwardHealth(c)) out.set(c.destination, c);
  return out;
}

function tokenSource(d: ForwardDestinationConfig): string {
  return d.token_file ? `token file ${d.token_file}` : d.token_env ? `token in $${d.token_env}` : 'no token';
}

export function registerEndpointForward(_program: Command, endpoint: Command): void {
  const forward = endpoint.command('forward').description('Forward the runtime log to a SIEM or collector (at least once, from a checkpoint).');

  forward
    .command('add')
    .description('Add a destination to config.json (the collector picks it up when it starts).')
    .addOption(new Option('--type <type>', 'destination type').choices([...FORWARD_TYPES]).makeOptionMandatory())
    .requiredOption('--url <url>', 'where to send (https://; http:// only to this machine)')
    .option('--name <name>', 'a name for it (default: the type)')
    .option('--token-file <file>', 'file holding the token (mode 0600): HEC token, or a bearer token', parsePath)
    .option('--token-env <var>', 'environment variable holding the token (in the collector\'s environment)', (v: string) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(v)) throw new InvalidArgumentError(`"${v}" is not an environment variable name (the token itself never goes on the command line).`);
      return v;
    })
    .option('--ca-file <file>', 'PEM CA to trust besides the system roots', parsePath)
    .option('--content <policy>', 'stricter content policy for what leaves the machine (e.g. metadata)', parseContentPolicy)
    .option('--index <index>', 'splunk-hec: index')
    .option('--sourcetype <sourcetype>', 'splunk-hec: sourcetype (default beacon:runtime:json)')
    .option('--source <source>', 'splunk-hec: source (default beacon)')
    .option('--batch-events <n>', 'events per request (default 1000)', parsePositiveInt)
    .addOption(new Option('--start-at <where>', 'without a checkpoint, send the whole log or only new events').choices(['beginning', 'end']))
    .option('--system', 'edit the system config.json (what MDM manages)')
    .option('--json', 'print the destination as JSON')
    .action(async (f: AddFlags) => {
      const config = await load(f);
      const name = f.name ?? f.type;
      if (config.forward.some((d) => d.name === name)) throw new UsageError(`a destination named "${name}" exists; remove it first (\`beacon endpoint forward remove ${name}\`) or pick another --name`);
      let dest: ForwardDestinationConfig;
      try {
        dest = parseForwardDestination(
          {
            name,
            type: f.type,
            url: f.url,
            token_file: f.tokenFile,
            token_env: f.tokenEnv,
            ca_file: f.caFile,
            content: f.content,
            index: f.index,
            sourcetype: f.sourcetype,
            source: f.source,
            batch_events: f.batchEvents,
            start_at: f.startAt,
          },
          '--type/--url',
        );
      } catch (err) {
        if (err instanceof ForwardConfigError) throw new UsageError(err.message.replace(/^--type\/--url: /, ''));
        throw err;
      }
      const file = await writeEndpointConfig({ ...config, forward: [...config.forward, dest] });
      const check = dest.token_file || dest.ca_file ? await resolveDestination(dest, process.env) : null;
      if (f.json) process.stdout.write(JSON.stringify({ added: dest, config: file, warning: check?.error ?? null }, null, 2) + '\n');
      else process.stdout.write(`added ${dest.name} (${dest.type}) -> ${displayUrl(dest.type, dest.url)} to ${file}; ${restartHint(f)}\n`);
      if (check?.error) process.stderr.write(`beacon: warning: ${dest.name}: ${check.error}\n`);
    });

  forward
    .command('list')
    .description('The configured destinations and, when the collector runs, their live state.')
    .option('--system', 'the system config.json')
    .option('--json', 'JSON on stdout')
    .action(async (f: { system?: boolean; json?: boolean }) => {
      const config = await load(f);
      const live = await liveHealth(config);
      if (f.json) {
        const destinations = config.forward.map((d) => ({ config: d, health: live?.get(d.name) ?? null }));
        const extra = live ? [...live.values()].filter((h) => !config.forward.some((d) => d.name === h.destination)) : [];
        process.stdout.write(JSON.stringify({ collector: live ? 'up' : 'down', destinations, other_running: extra }, null, 2) + '\n');
        return;
      }
      if (config.forward.length === 0 && (!live || live.size === 0)) {
        process.stdout.write('no forwarding destinations (add one: beacon endpoint forward add --type splunk-hec --url https://... --token-file ...)\n');
        return;
      }
      for (const d of config.forward) {
        const h = live?.get(d.name);
        process.stdout.write(`${d.name}  ${d.type}  ${displayUrl(d.type, d.url)}  ${tokenSource(d)}${d.content ? `  content: ${d.content}` : ''}${d.enabled === false ? '  (disabled)' : ''}\n`);
        process.stdout.write(`    ${h ? describeForward(h) : live ? 'not running in the collector (restart it to apply config changes)' : 'collector not running'}\n`);
      }
      for (const h of live?.values() ?? []) {
        if (!config.forward.some((d) => d.name === h.destination)) process.stdout.write(`${h.destination}  ${h.type}  ${h.url}  (from --forward)\n    ${describeForward(h)}\n`);
      }
    });

  forward
    .command('remove <name>')
    .description('Remove a destination from config.json.')
    .option('--system', 'the system config.json')
    .action(async (name: string, f: { system?: boolean }) => {
      const config = await load(f);
      if (!config.forward.some((d) => d.name === name)) {
        throw new UsageError(`no destination named "${name}" in ${modeOf(f)} config.json (see \`beacon endpoint forward list${f.system ? ' --system' : ''}\`)`);
      }
      const file = await writeEndpointConfig({ ...config, forward: config.forward.filter((d) => d.name !== name) });
      process.stdout.write(`removed ${name} from ${file}; ${restartHint(f)}\n`);
    });

  forward
    .command('test [name]')
    .description('Send one validation event to a destination (every one without a name) and wait for its acknowledgement.')
    .option('--system', 'the system config.json')
    .option('--json', 'JSON on stdout')
    .action(async (name: string | undefined, f: { system?: boolean; json?: boolean }) => {
      const config = await load(f);
      const chosen = name ? config.forward.filter((d) => d.name === name) : config.forward.filter((d) => d.enabled !== false);
      if (name && chosen.length === 0) throw new UsageError(`no destination named "${name}" (see \`beacon endpoint forward list\`)`);
      if (chosen.length === 0) throw new UsageError('no forwarding destinations to test (add one with `beacon endpoint forward add`)');
      const results: ForwardTestResult[] = [];
      for (const d of chosen) results.push(await sendValidationEvent(await resolveDestination(d, process.env)));
      if (f.json) process.stdout.write(JSON.stringify({ results }, null, 2) + '\n');
      else {
        for (const r of results) {
          process.stdout.write(
            r.ok
              ? `${r.destination}: ok, validation event ${r.event_id} acknowledged by ${r.url} in ${r.elapsed_ms} ms${r.note ? ` (${r.note})` : ''}\n`
              : `${r.destination}: FAILED: ${r.error}\n`,
          );
        }
      }
      for (const r of results) if (!r.ok) process.stderr.write(`beacon: forward test ${r.destination}: ${r.error}\n`);
      process.exitCode = results.every((r) => r.ok) ? 0 : 1;
    });
}
