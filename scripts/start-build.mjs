// The build `npm start` runs first, with progress: the steps are the `npm run X` parts of
// package.json's "build" script (one source of truth with `npm run build`), each named as it
// starts and timed when it ends. Their own output (tsc's errors, vite's summary) goes straight
// to the terminal: a failed build must show why, not just that it failed.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** How often a silent step (tsc prints nothing until it is done) says it is still running. */
const HEARTBEAT_MS = 15_000;

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** The steps of scripts.build: `npm run a && npm run b` -> [{ name: a, command }, ...]. */
export function buildSteps(root) {
  const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts ?? {};
  if (!scripts.build) throw new Error('package.json has no "build" script');
  return scripts.build.split('&&').map((part) => {
    const m = /^\s*npm run (?:--silent )?([\w:.-]+)\s*$/.exec(part);
    // A step that is not `npm run X` runs as written, through the shell, like npm would.
    return m ? { name: m[1], command: scripts[m[1]] ?? part.trim(), npmScript: m[1] } : { name: part.trim(), command: part.trim() };
  });
}

function npmCommand() {
  // Under `npm start`, npm_execpath is npm's own CLI: run it with this Node, not whatever
  // `npm` the PATH finds first.
  const cli = process.env.npm_execpath;
  return cli && /npm-cli\.js$/.test(cli) ? { cmd: process.execPath, pre: [cli] } : { cmd: 'npm', pre: [] };
}

function runStep(step, root) {
  const { cmd, pre } = npmCommand();
  const [file, args, shell] = step.npmScript ? [cmd, [...pre, 'run', '--silent', step.npmScript], false] : [step.command, [], true];
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd: root, stdio: 'inherit', shell });
    child.on('error', (err) => resolve({ code: 127, error: err.message }));
    child.on('exit', (code, signal) => resolve({ code: code ?? 1, signal }));
  });
}

/** Run every step in order; stop at the first failure. Returns the exit code (0 = built). */
export async function build(root, log = (line) => process.stdout.write(line + '\n')) {
  const steps = buildSteps(root);
  const started = Date.now();
  log(`beacon: building (${steps.length} steps; the first build takes about a minute)`);
  for (const [i, step] of steps.entries()) {
    const t0 = Date.now();
    log(`beacon: [${i + 1}/${steps.length}] ${step.name}: ${step.command}`);
    const beat = setInterval(() => log(`beacon:   ... ${step.name} still running (${seconds(Date.now() - t0)})`), HEARTBEAT_MS);
    const r = await runStep(step, root);
    clearInterval(beat);
    if (r.code !== 0) {
      const how = r.error ? `could not run: ${r.error}` : r.signal ? `killed by ${r.signal}` : `exit ${r.code}`;
      log(`beacon: [${i + 1}/${steps.length}] ${step.name} FAILED (${how}) after ${seconds(Date.now() - t0)}; its errors are above. Nothing was started.`);
      return r.code || 1;
    }
    log(`beacon: [${i + 1}/${steps.length}] ${step.name} done in ${seconds(Date.now() - t0)}`);
  }
  log(`beacon: built in ${seconds(Date.now() - started)}`);
  return 0;
}
