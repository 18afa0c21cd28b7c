// `npm start` where Electron cannot start: the collector (`beacon endpoint run`) and the
// dashboard (`beacon endpoint dashboard`) as two child processes, started in that order. Every
// line printed here is checked against what is really running: the collector's own /healthz
// must answer (with our child's pid) before the dashboard starts, so the dashboard never reports
// a collector that is still starting as absent, and a collector that cannot start is never
// papered over with "the dashboard shows the one that is live" when none is.
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** How long a collector may take to answer /healthz; it normally does in well under a second. */
const COLLECTOR_READY_MS = 20_000;
const DEFAULT_OTLP_PORT = 4318;

const say = (line) => process.stdout.write(`beacon: ${line}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function engine(root) {
  const out = (p) => import(join(root, 'out/electron', p));
  const [config, probe, flags, paths, manifest] = await Promise.all([
    out('endpoint/endpoint-config.js'),
    out('collector/probe.js'),
    out('endpoint/collector-runtime-flags.js'),
    out('shared/paths.js'),
    out('endpoint/install-manifest.js'),
  ]);
  return { ...config, ...probe, ...flags, ...paths, ...manifest };
}

function exited(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/** Poll /healthz until our own child answers there, it exits, or the bound runs out. */
async function waitForCollector(e, port, child) {
  const gone = exited(child).then((r) => ({ exited: r }));
  const deadline = Date.now() + COLLECTOR_READY_MS;
  while (Date.now() < deadline) {
    const p = await Promise.race([e.probeCollector(port, 1000), gone]);
    if (p.exited) return p;
    if (p.kind === 'beacon' && p.health.pid === child.pid) return { health: p.health };
    await Promise.race([sleep(100), gone]);
  }
  return { timeout: true };
}

/**
 * The dashboard child, resolved with its startup line (--json: url, port, log_path, renderer)
 * once it listens, or null if it exits first (its error is on the inherited stderr).
 */
function startDashboard(cli, args) {
  const child = spawn(process.execPath, [cli, 'endpoint', 'dashboard', '--json', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const ready = new Promise((resolve) => {
    const rl = createInterface({ input: child.stdout });
    rl.on('line', (line) => {
      try {
        resolve(JSON.parse(line));
      } catch {
        process.stdout.write(line + '\n');
      }
    });
    child.once('exit', () => resolve(null));
  });
  return { child, ready };
}

async function nextStep(e, port) {
  let manifest = null;
  try {
    manifest = await e.readManifest(e.beaconPaths('user').manifestFile);
  } catch {
    /* unreadable: `endpoint status` explains it; here we only choose the hint */
  }
  if (manifest && manifest.settings?.port === port) {
    say(`Codex already sends its telemetry to this port (set up by \`beacon endpoint install\`): use Codex as usual and watch the dashboard.`);
    return;
  }
  const portFlag = port === DEFAULT_OTLP_PORT ? '' : ` --otlp-http-port ${port}`;
  say('next step, in another terminal: point Codex at this collector with');
  process.stdout.write(`    npm run beacon -- endpoint install --harness codex${portFlag}\n`);
  say('then use Codex as usual; its events appear in the dashboard. Ctrl-C here stops both.');
}

/** Forward one stop request to each child still running, once (Ctrl-C also reaches them from the terminal). */
function stopAll(children) {
  for (const c of children) {
    if (c.exitCode === null && c.signalCode === null && !c.beaconStopSent) {
      c.beaconStopSent = true;
      // SIGTERM, not SIGINT: a child that already got the terminal's SIGINT handles SIGTERM as
      // a separate, still-graceful request; a second SIGINT would kill it before it flushes.
      c.kill('SIGTERM');
    }
  }
}

export async function runHeadless(root, opts) {
  const e = await engine(root);
  const cli = join(root, 'out/electron/cli/index.js');
  let config;
  try {
    ({ config } = await e.readEndpointConfig('user'));
  } catch (err) {
    say(`cannot read Beacon's configuration: ${err.message}`);
    return 1;
  }
  const port = opts.port ?? config.otlp_http_port;
  const children = [];
  let stopping = false;
  const onSignal = () => {
    stopping = true;
    stopAll(children);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  // 1. The collector: ours, unless a Beacon collector already answers on the port (an installed
  // service, the app): then the dashboard shows that one, and we say which it is.
  let collector = null;
  let live;
  const before = await e.probeCollector(port, 1000);
  if (before.kind === 'beacon') {
    live = before.health;
    say(`a Beacon collector already runs on 127.0.0.1:${port} (pid ${live.pid}, ${live.mode} mode, writing ${live.log_path}); not starting a second one.`);
  } else if (before.kind === 'other') {
    say(`port ${port} on 127.0.0.1 is held by another program (${before.detail}), not a Beacon collector: stop it, or choose another port: npm start -- --port <port>`);
    return 1;
  } else {
    say(`starting the collector on 127.0.0.1:${port} (beacon endpoint run)`);
    collector = spawn(process.execPath, [...e.COLLECTOR_NODE_FLAGS, cli, 'endpoint', 'run', '--port', String(port)], { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, ...e.COLLECTOR_PROCESS_ENV } });
    children.push(collector);
    const r = await waitForCollector(e, port, collector);
    if (r.health) live = r.health;
    else {
      if (r.timeout) {
        stopAll(children);
        await exited(collector);
      }
      // It may have lost a race for the port to another Beacon collector: that one is fine.
      const after = await e.probeCollector(port, 1000);
      if (after.kind === 'beacon' && !stopping) {
        live = after.health;
        collector = null;
        say(`another Beacon collector took 127.0.0.1:${port} first (pid ${live.pid}, writing ${live.log_path}); the dashboard shows that one.`);
      } else {
        if (stopping) return 0;
        const why = r.timeout ? `did not answer on 127.0.0.1:${port}/healthz within ${COLLECTOR_READY_MS / 1000} s` : `exited (${r.exited.signal ?? `code ${r.exited.code}`})`;
        say(`the collector ${why}; its own message is above. Nothing is running.`);
        return 1;
      }
    }
  }
  if (stopping) return 0;

  // 2. The dashboard, told which collector to show (whatever config.json says).
  const dashArgs = ['--otlp-http-port', String(port)];
  if (opts.dashboardPort !== undefined) dashArgs.push('--port', String(opts.dashboardPort));
  if (opts.open) dashArgs.push('--open');
  const dash = startDashboard(cli, dashArgs);
  children.push(dash.child);
  const info = await dash.ready;
  if (!info) {
    if (!stopping) say('the dashboard did not start (its message is above; for npm start its port is --dashboard-port <port>, 0 = any free one). Stopping.');
    stopAll(children);
    await Promise.all(children.map(exited));
    return stopping ? 0 : 1;
  }
  say(`dashboard: ${info.url}`);
  if (!live.log_path || resolve(String(live.log_path)) === resolve(info.log_path)) {
    say(`  it reads ${info.log_path}, written by the collector pid ${live.pid}${collector ? ' (started here)' : ' (already running)'}`);
  } else {
    // The dashboard reads Beacon's configured log, never one a process on the port names
    // (issue 11: a foreign process must not choose what the dashboard serves): say both.
    say(`  it reads ${info.log_path} (Beacon's configured log); the collector pid ${live.pid} on the port says it writes ${live.log_path}`);
    say(`  to look at that one: npm run beacon -- endpoint dashboard --log-path ${live.log_path}`);
  }
  if (!info.renderer) say('  the renderer is not built (out/renderer is missing): run npm start without --no-build');
  await nextStep(e, port);

  // 3. Run until Ctrl-C, or until one of them stops by itself (then stop the other and say so).
  const first = await Promise.race(children.map((c) => exited(c).then((r) => ({ c, r }))));
  if (!stopping) {
    const name = first.c === collector ? 'collector' : 'dashboard';
    say(`the ${name} stopped (${first.r.signal ?? `exit ${first.r.code}`}); stopping the rest.`);
    stopAll(children);
  }
  await Promise.all(children.map(exited));
  return stopping ? 0 : 1;
}
