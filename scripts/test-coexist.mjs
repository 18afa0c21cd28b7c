#!/usr/bin/env node
// Proves the README's two commands coexist: the tests pass while something already holds
// 127.0.0.1:4318 and :8765 and while the user's home has a Beacon install, and they touch
// neither. It makes a user home with a real `beacon endpoint install` and a runtime log in it,
// exports HOME/CODEX_HOME/BEACON_HOME (and an OTEL endpoint) pointing there, as a user's shell
// might, holds both ports, runs the tests, then checks that no test reached the ports and that
// the home is byte-for-byte what it was.
//
//   node scripts/test-coexist.mjs [--holder foreign|beacon] [--netns] [--full] [vitest args...]
//
//   --holder foreign  (default) plain HTTP servers that are not Beacon and record every request
//   --holder beacon   a real headless `npm start` (scripts/start.mjs --no-build), collector and
//                     dashboard, on the default ports; its /healthz counts what reached it
//   --netns           run everything in a private network namespace (root + unshare): on a
//                     shared machine, the real 4318/8765 of the others stay untouched
//   --full            run `node scripts/test.mjs` (typecheck, build, every suite) instead of
//                     `npx vitest run <the suites that start processes or servers>`
// Needs a built out/ (npm run build) unless --full.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(root, 'out/electron/cli/index.js');
const PORTS = { otlp: 4318, dashboard: 8765 };
/** Every suite that spawns the CLI, a collector, a server, Codex or a browser. */
const DEFAULT_SUITES = ['test/bench', 'test/cli', 'test/ci', 'test/codex-config', 'test/collector-e2e', 'test/dashboard', 'test/endpoint', 'test/endpoint-lifecycle', 'test/harness', 'test/log-writer', 'test/packaging', 'test/start', 'test/electron-main', 'test/electron-smoke', 'test/renderer', 'test/repo'];

function parse(argv) {
  const o = { holder: 'foreign', netns: false, full: false, rest: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--holder') o.holder = argv[++i];
    else if (a === '--netns') o.netns = true;
    else if (a === '--full') o.full = true;
    else o.rest.push(a);
  }
  if (!['foreign', 'beacon'].includes(o.holder)) throw new Error(`--holder must be foreign or beacon, not ${o.holder}`);
  return o;
}

const say = (line) => process.stdout.write(`coexist: ${line}\n`);

/** Re-run this script inside `unshare -n` with loopback up: same files, private ports. */
function reexecInNetns(argv) {
  const inner = [process.execPath, fileURLToPath(import.meta.url), ...argv.filter((a) => a !== '--netns')].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('unshare', ['-n', 'sh', '-c', `ip link set lo up && exec ${inner}`], { stdio: 'inherit', cwd: root });
  if (r.error) throw new Error(`cannot run unshare -n (root and util-linux needed): ${r.error.message}`);
  process.exit(r.status ?? 1);
}

/** Every file under `dir` with its content hash (what "unchanged" means here). */
function snapshot(dir) {
  const out = {};
  const walk = (d) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else out[relative(dir, p)] = `${(st.mode & 0o7777).toString(8)} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
    }
  };
  walk(dir);
  return out;
}

/** A user's home with Beacon installed for Codex on the default port and a log with events in it. */
function makeUserHome(base) {
  const home = join(base, 'home');
  mkdirSync(join(home, '.codex'), { recursive: true, mode: 0o700 });
  writeFileSync(join(home, '.codex', 'config.toml'), '# the user\'s own settings\nmodel = "o3"\n', { mode: 0o600 });
  const env = { PATH: process.env.PATH, HOME: home, LANG: process.env.LANG ?? 'C.UTF-8' };
  const r = spawnSync(process.execPath, [cli, 'endpoint', 'install', '--harness', 'codex', '--no-start'], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`beacon endpoint install failed in the user home: ${r.stderr || r.stdout}`);
  const log = join(home, '.beacon', 'endpoint', 'logs', 'runtime.jsonl');
  mkdirSync(dirname(log), { recursive: true, mode: 0o700 });
  const ev = (action, i) => JSON.stringify({ timestamp: `2026-12-01T10:00:0${i}.000Z`, vendor: 'beacon', product: 'endpoint-agent', schema_version: '1.0', event: { kind: 'agent_runtime', action, category: action.split('.')[0] }, session: { id: 'users-own-session' } });
  writeFileSync(log, ['session.started', 'prompt.submitted', 'command.executed'].map(ev).join('\n') + '\n', { mode: 0o600 });
  return { home, log };
}

/** The command line of the process whose socket has this local port (to name the leaking test's child). */
function whoIsConnectedFrom(port) {
  const r = spawnSync('ss', ['-tnpH', `sport = :${port}`], { encoding: 'utf8' });
  const pid = /pid=(\d+)/.exec(r.stdout ?? '')?.[1];
  if (!pid) return `port ${port} (process unknown)`;
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ');
    return `pid ${pid}: ${cmd.length > 300 ? cmd.slice(0, 300) + '...' : cmd}`;
  } catch {
    return `pid ${pid}`;
  }
}

/** A program that is not Beacon on each default port, answering like an OTLP receiver would. */
async function foreignHolders() {
  const hits = [];
  const servers = await Promise.all(
    Object.entries(PORTS).map(
      ([name, port]) =>
        new Promise((resolveP, reject) => {
          const s = createServer((req, res) => {
            hits.push(`${name} :${port} ${req.method} ${req.url} from ${whoIsConnectedFrom(req.socket.remotePort)}`);
            req.resume();
            if (req.method === 'POST' && req.url?.startsWith('/v1/')) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
            else res.writeHead(404).end('not beacon');
          });
          s.on('connection', (sock) => sock.unref());
          s.once('error', (err) => reject(new Error(`cannot hold 127.0.0.1:${port} (${err.code}): run with --netns, or stop what holds it`)));
          s.listen(port, '127.0.0.1', () => resolveP(s));
        }),
    ),
  );
  return { hits: () => hits, reset: () => hits.splice(0), stop: () => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))) };
}

function getJson(url) {
  return new Promise((resolveP, reject) => {
    const req = request(url, { timeout: 3000 }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => {
        try {
          resolveP(JSON.parse(body));
        } catch (err) {
          reject(err);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
}

/** A real headless `npm start` in the user's home: our collector on 4318, our dashboard on 8765. */
async function beaconHolder(env) {
  const child = spawn(process.execPath, [join(root, 'scripts/start.mjs'), '--no-build', '--headless'], { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const ok = await new Promise((resolveP) => {
    const timer = setTimeout(() => resolveP(false), 30_000);
    const check = () => /watch the dashboard|Ctrl-C here stops both/.test(out) && (clearTimeout(timer), resolveP(true));
    child.stdout.on('data', check);
    child.once('exit', () => (clearTimeout(timer), resolveP(false)));
  });
  if (!ok || !/listening on http:\/\/127\.0\.0\.1:4318/.test(out) || !/dashboard: http:\/\/127\.0\.0\.1:8765\//.test(out)) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {}
    throw new Error(`npm start did not take 4318 and 8765:\n${out}`);
  }
  say(`npm start holds both ports:\n${out.replace(/^/gm, '    ')}`);
  const stats = async () => (await getJson(`http://127.0.0.1:${PORTS.otlp}/healthz`)).stats;
  let before = await stats();
  return {
    async reset() {
      before = await stats();
    },
    async hits() {
      let s;
      try {
        s = await stats();
      } catch (err) {
        return [`the collector npm start runs on :4318 no longer answers /healthz (${err.message}): did a test stop it?\n${out.split('\n').slice(-15).join('\n')}`];
      }
      const reqs = ['logs', 'metrics', 'traces'].map((k) => s.requests[k] - before.requests[k]);
      return reqs.some((n) => n > 0) || s.eventsWritten > before.eventsWritten ? [`collector :4318 received ${reqs.join('/')} logs/metrics/traces requests and wrote ${s.eventsWritten - before.eventsWritten} events`] : [];
    },
    async stop() {
      const exited = new Promise((r) => child.once('exit', r));
      process.kill(-child.pid, 'SIGINT');
      const timer = setTimeout(() => process.kill(-child.pid, 'SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** An OTLP logs request with no records to 4318, as a leaking test would send: the holder must see it. */
function postEmptyLogs() {
  const body = '{"resourceLogs":[]}';
  return new Promise((resolveP, reject) => {
    const req = request({ host: '127.0.0.1', port: PORTS.otlp, path: '/v1/logs', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
      res.resume();
      res.on('end', resolveP);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function main() {
  const o = parse(process.argv.slice(2));
  if (o.netns) return reexecInNetns(process.argv.slice(2));
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
  const base = mkdtempSync(join(tmpdir(), 'beacon-coexist-'));
  const user = makeUserHome(base);
  // The environment of a user who has Beacon installed and exports its homes, as a shell might.
  const userEnv = {
    ...process.env,
    HOME: user.home,
    CODEX_HOME: join(user.home, '.codex'),
    BEACON_HOME: join(user.home, '.beacon', 'endpoint'),
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${PORTS.otlp}`,
  };
  const holder = o.holder === 'beacon' ? await beaconHolder(userEnv) : await foreignHolders();
  // With a Beacon collector writing the user's log, its health file changes by itself; with
  // --full, `npm test` runs npx and npm as the user, and npm logs into ~/.npm as it does for any
  // npm command the user runs. Compare everything else, the log itself included.
  const ignored = (p) => (o.holder === 'beacon' && p.endsWith('collector-health.json')) || (o.full && p.startsWith('.npm/'));
  const watched = (snap) => Object.fromEntries(Object.entries(snap).filter(([p]) => !ignored(p)));
  let t;
  let hits;
  let before;
  let after;
  try {
    // The tripwire works, or this whole run would prove nothing.
    await postEmptyLogs();
    if ((await holder.hits()).length === 0) throw new Error('self-check failed: a request to 127.0.0.1:4318 was not seen');
    await holder.reset();
    before = watched(snapshot(user.home));
    say(`user home ${user.home} (${Object.keys(before).length} files), ports ${PORTS.otlp} and ${PORTS.dashboard} held by ${o.holder === 'beacon' ? 'Beacon (npm start)' : 'a program that is not Beacon'}`);
    const [cmd, args] = o.full ? [process.execPath, [join(root, 'scripts/test.mjs'), ...o.rest]] : [process.execPath, [join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...(o.rest.length ? o.rest : DEFAULT_SUITES)]];
    say(`running: node ${args.map((a) => (a.startsWith(root) ? relative(root, a) : a)).join(' ')}`);
    // Not spawnSync: the foreign holders live in this process and must keep answering (and
    // recording) while the tests run.
    t = await new Promise((resolveP) => {
      const child = spawn(cmd, args, { cwd: root, env: userEnv, stdio: 'inherit' });
      child.once('error', (err) => resolveP({ status: 127, error: err }));
      child.once('exit', (code, signal) => resolveP({ status: code ?? (signal ? 1 : 0) }));
    });
    hits = await holder.hits();
    // Before the holder stops: a collector may note its own stop in the log it writes.
    after = watched(snapshot(user.home));
  } finally {
    await holder.stop();
  }
  const changed = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((p) => before[p] !== after[p]);
  const ok = t.status === 0 && hits.length === 0 && changed.length === 0;
  // Kept when something is wrong, so the changed files can be looked at.
  if (ok) rmSync(base, { recursive: true, force: true });

  say(`tests exited ${t.status}`);
  say(hits.length ? `FAIL: ${hits.length} request(s) reached the default ports:\n${hits.slice(0, 20).map((h) => `    ${h}`).join('\n')}` : 'no request reached 127.0.0.1:4318 or :8765');
  say(changed.length ? `FAIL: the user's home changed: ${changed.join(', ')}` : "the user's home (Codex config, Beacon install, runtime log) is unchanged");
  if (!ok) say(`kept ${base} for a look`);
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`coexist: ${err.message}\n`);
    process.exit(1);
  },
);
