// The options `npm start -- ...` accepts, its --help, and the Node version check. Plain Node
// (no build needed), so that --help and a mistyped flag answer at once instead of after the
// minute the build takes.
import { parseArgs } from 'node:util';

export const HELP = `Usage: npm start [-- options]

Builds Beacon (each step named as it runs), then starts the Electron menu-bar app where Electron
can start; elsewhere (no Electron binary, no display) it runs the collector and the dashboard
headless on 127.0.0.1 until Ctrl-C.

Options (put them after --, or npm takes them for itself):
  --port <port>            the collector's OTLP/HTTP port (default: config.json's, else 4318)
  --dashboard-port <port>  the dashboard's port; 0 picks a free one (default: config.json's, else 8765)
  --open                   open the dashboard in the default browser
  --headless               run headless even where Electron can start (also: BEACON_HEADLESS=1)
  --no-build               skip the build and run what out/ holds from the last one
  -h, --help               print this help

--port, --dashboard-port and --open imply --headless: the menu-bar app takes its collector port
from config.json (\`npm run beacon -- endpoint install --otlp-http-port <port>\` sets it).`;

/** Thrown for a command line we cannot run: one line on stderr, exit 2. */
export class UsageError extends Error {}

const OURS = { port: 'port', 'dashboard-port': 'dashboard_port', open: 'open', headless: 'headless', build: 'build' };

function port(name, value, { allowZero }) {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535 || (n === 0 && !allowZero)) {
    const why = n === 0 && /^\d+$/.test(value) ? 'Codex needs a fixed port, so 0 is not accepted here' : `"${value}" is not a TCP port (1-65535)`;
    throw new UsageError(`--${name}: ${why}`);
  }
  return n;
}

/**
 * `npm start --port 5000` (without --) hands "5000" to us and keeps --port as npm's own config
 * (npm_config_port). Name that mistake instead of complaining about a stray "5000".
 */
function npmSwallowed(env) {
  return Object.entries(OURS)
    .filter(([, key]) => env[`npm_config_${key}`] !== undefined)
    .map(([flag]) => `--${flag === 'build' ? 'no-build' : flag}`);
}

export function parseStartArgs(argv, env = process.env) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        port: { type: 'string' },
        'dashboard-port': { type: 'string' },
        open: { type: 'boolean' },
        headless: { type: 'boolean' },
        'no-build': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    // parseArgs says e.g. "Unknown option '--prot'. To specify a positional argument starting
    // with a '-', ..." : keep the first sentence, add where the list of accepted ones is.
    const first = String(err.message).split('. ')[0].replace(/\.$/, '');
    throw new UsageError(`${first}; \`npm start -- --help\` lists the accepted options`);
  }
  const { values, positionals } = parsed;
  const swallowed = env.npm_lifecycle_event === 'start' ? npmSwallowed(env) : [];
  if (swallowed.length > 0) {
    const example = `npm start -- ${swallowed[0]}${swallowed[0] === '--port' || swallowed[0] === '--dashboard-port' ? ` ${positionals[0] ?? '<port>'}` : ''}`;
    throw new UsageError(`npm kept ${swallowed.join(', ')} for itself: put Beacon's options after --, e.g. ${example}`);
  }
  if (positionals.length > 0) {
    throw new UsageError(`unexpected argument "${positionals[0]}"; \`npm start -- --help\` lists the accepted options`);
  }
  const opts = {
    help: !!values.help,
    build: !values['no-build'],
    open: !!values.open,
    headless: !!values.headless,
    port: values.port === undefined ? undefined : port('port', values.port, { allowZero: false }),
    dashboardPort: values['dashboard-port'] === undefined ? undefined : port('dashboard-port', values['dashboard-port'], { allowZero: true }),
  };
  opts.impliesHeadless = opts.port !== undefined || opts.dashboardPort !== undefined || opts.open;
  return opts;
}

/**
 * The Node versions our dependencies really run on: @fastify/static and fastify's inject load
 * ESM-only packages (content-disposition 3, cookie 2) with require(), which Node enables by
 * default from 20.19 on the 20 line and from 22.12 on the 22 line (never on 21). package.json's
 * engines says the same.
 */
export const NODE_RANGE = '^20.19.0 || >=22.12.0';

export function nodeSupported(version = process.versions.node) {
  const [major, minor] = version.split('.').map(Number);
  if (major === 20) return minor >= 19;
  if (major === 22) return minor >= 12;
  return major > 22;
}
