/**
 * Runs the REAL Codex CLI (@openai/codex 0.169.0, or another release's launcher) for end-to-end tests:
 * a throw-away CODEX_HOME whose config points Codex at the fake Responses API, a throw-away HOME so
 * the developer's real ~/.codex is never read or written, a scrubbed environment, and a hard timeout
 * that kills the whole process tree.
 *
 * Sandbox: Codex runs with `sandbox_mode = "workspace-write"`, what users and the fixtures use, so
 * scripted commands really run inside Codex's bubblewrap sandbox (see defaultSandboxMode()).
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ModelTurn, TurnUsage } from './fake-responses-api';

/** The launcher of the pinned @openai/codex, relative to a repository root. */
const LAUNCHER = path.join('node_modules', '@openai', 'codex', 'bin', 'codex.js');

/**
 * The nearest ancestor with the pinned Codex installed: test/support from sources (vitest), and
 * out/test/support when the bench or `npm run compat` imports the compiled copy.
 */
function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, LAUNCHER))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(__dirname, '..', '..');
  }
}
const REPO_ROOT = findRepoRoot(__dirname);

/**
 * The npm launcher of @openai/codex (package.json pins it); it execs (or spawns, on Node 20) the
 * native musl binary of @openai/codex-linux-x64. Named by package, NOT node_modules/.bin/codex:
 * the old-release devDependency (`codex-0.50`, an alias of @openai/codex) declares the same bin
 * name, and which package that link ends up pointing at depends on how npm last touched the tree.
 */
export const CODEX_BIN = path.join(REPO_ROOT, LAUNCHER);

/** The launcher of the Codex 0.50.0 devDependency (`"codex-0.50": "npm:@openai/codex@0.50.0"`). */
export const CODEX_0_50_BIN = path.join(REPO_ROOT, 'node_modules', 'codex-0.50', 'bin', 'codex.js');

export type SandboxMode = 'read-only' | 'workspace-write' | 'danger-full-access';

/**
 * `workspace-write` by default: on our Linux dev/CI VMs Codex 0.169.0's bundled bubblewrap sandbox
 * starts fine as root and as an unprivileged user (measured: writes outside the workspace fail with
 * "Read-only file system", writes inside succeed, exit codes pass through). Hosts that forbid
 * unprivileged user namespaces (Docker's default seccomp profile, Ubuntu 24.04's AppArmor
 * `apparmor_restrict_unprivileged_userns=1`) break that sandbox: every command's tool output then
 * reports a bwrap error instead of the command's result. There, set
 * BEACON_TEST_CODEX_SANDBOX=danger-full-access (commands are scripted and run in a temp workspace).
 */
export function defaultSandboxMode(): SandboxMode {
  const v = process.env.BEACON_TEST_CODEX_SANDBOX;
  if (v === undefined || v === '') return 'workspace-write';
  if (v === 'read-only' || v === 'workspace-write' || v === 'danger-full-access') return v;
  throw new Error(`BEACON_TEST_CODEX_SANDBOX must be read-only, workspace-write or danger-full-access, got "${v}"`);
}

/** Default model slug. gpt-5.5 gets the freeform (custom tool) apply_patch + exec_command toolset. */
export const DEFAULT_MODEL = 'gpt-5.5';

export interface MakeCodexHomeOptions {
  /** Base URL of the fake Responses API, e.g. "http://127.0.0.1:PORT/v1". */
  modelUrl: string;
  /** Raw TOML appended at the end, typically an `[otel]` table. */
  otel?: string;
  /** Raw TOML for top-level keys, inserted BEFORE any table so it stays top-level. */
  extraToml?: string;
  model?: string;
  /** Override sandbox_mode (default: defaultSandboxMode()). */
  sandboxMode?: SandboxMode;
}

/** Temp dirs created by this module, removed by cleanupCodexTemp(). */
const createdDirs = new Set<string>();

function mkTemp(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  createdDirs.add(dir);
  return dir;
}

/** The config.toml text makeCodexHome writes (exported so tests can build variants of it). */
export function codexConfigToml(opts: MakeCodexHomeOptions): string {
  const lines = [
    `model = ${tomlString(opts.model ?? DEFAULT_MODEL)}`,
    'model_provider = "mock"',
    'approval_policy = "never"',
    `sandbox_mode = ${tomlString(opts.sandboxMode ?? defaultSandboxMode())}`,
  ];
  if (opts.extraToml) lines.push(opts.extraToml.trimEnd());
  lines.push(
    '',
    // Keeps Codex from shipping metrics to Statsig when a test has no [otel] metrics_exporter
    // (no internet here: it would only cost exit time). Local OTLP exporters still work.
    '[analytics]',
    'enabled = false',
    '',
    '[model_providers.mock]',
    'name = "mock"',
    `base_url = ${tomlString(opts.modelUrl)}`,
    'wire_api = "responses"',
    // A scripted fake never recovers on retry; fail fast instead of backing off.
    'request_max_retries = 0',
    'stream_max_retries = 0',
  );
  if (opts.otel) lines.push('', opts.otel.trimEnd());
  return lines.join('\n') + '\n';
}

/**
 * Creates a fresh CODEX_HOME (Codex refuses one that does not exist) holding only config.toml.
 * No auth.json: the mock provider needs no credentials.
 */
export async function makeCodexHome(opts: MakeCodexHomeOptions): Promise<string> {
  const home = mkTemp('beacon-codex-home-');
  await fs.promises.writeFile(path.join(home, 'config.toml'), codexConfigToml(opts), { mode: 0o600 });
  return home;
}

/** A temp directory with `git init` done, the usual place a user runs Codex in. */
export async function makeWorkspace(): Promise<string> {
  const dir = mkTemp('beacon-codex-ws-');
  execFileSync('git', ['init', '-q', dir], { stdio: 'ignore', env: { ...scrubbedBaseEnv(), HOME: dir } });
  return dir;
}

export interface RunCodexExecOptions {
  codexHome: string;
  cwd: string;
  prompt: string;
  /** Extra env vars (e.g. CODEX_INTERNAL_ORIGINATOR_OVERRIDE, OTEL_RESOURCE_ATTRIBUTES). */
  env?: Record<string, string>;
  /** Default 60 s: generous for a 2-core CI box; a normal scenario takes a few seconds. */
  timeoutMs?: number;
  /** Extra `codex exec` arguments, placed before the prompt (e.g. ["--json"]). */
  args?: string[];
  /** Another Codex release's launcher (e.g. node_modules/codex-0.50/bin/codex.js); default CODEX_BIN. */
  codexBin?: string;
}

export interface CodexRunResult {
  /** Pid of the spawned process, which also leads its own process group. */
  pid: number;
  /** Exit code; -1 when killed by a signal (including our timeout). */
  code: number;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/**
 * Variables from the parent that must never reach Codex: OTEL_* would change its exporters
 * (headers, resource attributes, timeouts, compression), proxies would route loopback traffic,
 * and CODEX_* / OPENAI_* could point it at real credentials or a real home.
 */
function scrubbedBaseEnv(): Record<string, string> {
  const keep = ['PATH', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR'];
  const env: Record<string, string> = {};
  for (const k of keep) {
    const v = process.env[k];
    if (v !== undefined) env[k] = v;
  }
  return env;
}

/** The exact environment runCodexExec gives Codex (exported for tests of the harness itself). */
export function codexEnv(codexHome: string, home: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...scrubbedBaseEnv(),
    HOME: home,
    CODEX_HOME: codexHome,
    OPENAI_API_KEY: 'sk-test',
    NO_PROXY: '127.0.0.1,localhost,::1',
    no_proxy: '127.0.0.1,localhost,::1',
    // Never ask about or print colour/TTY things.
    NO_COLOR: '1',
    TERM: 'dumb',
    ...extra,
  };
}

/**
 * Runs `codex exec --skip-git-repo-check <args> <prompt>` in `cwd` and resolves when it exits
 * (never rejects on a non-zero exit: the result says what happened). On timeout the whole process
 * group gets SIGKILL. Note that SIGKILL loses Codex's buffered telemetry, which is why the timeout
 * is a safety net and not a way to end a run.
 */
export function runCodexExec(opts: RunCodexExecOptions): Promise<CodexRunResult> {
  // A fresh HOME per run, removed when the run ends: nothing of interest is written there (Codex
  // uses CODEX_HOME), it only keeps the developer's real ~/.codex and dotfiles out of reach.
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-codex-userhome-'));
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const argv = ['exec', '--skip-git-repo-check', ...(opts.args ?? []), '--', opts.prompt];
  const started = Date.now();

  return new Promise((resolve, reject) => {
    const child = spawn(opts.codexBin ?? CODEX_BIN, argv, {
      cwd: opts.cwd,
      env: codexEnv(opts.codexHome, home, opts.env),
      // Own process group, so a timeout can kill the shim, the native binary and its shells.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (child.pid) liveGroups.add(child.pid);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));

    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);

    child.once('error', (e) => {
      clearTimeout(timer);
      fs.rmSync(home, { recursive: true, force: true });
      reject(e);
    });
    child.once('close', async (code, signal) => {
      clearTimeout(timer);
      const durationMs = Date.now() - started; // Codex's own wall time, without our cleanup below
      // Leftover grandchildren (a shell the model started) must not outlive the test, and the
      // caller may assert that: resolve only once the group is really gone (bounded wait).
      killGroup(child.pid);
      await waitGroupGone(child.pid, 5_000);
      if (child.pid) liveGroups.delete(child.pid);
      await fs.promises.rm(home, { recursive: true, force: true });
      resolve({
        pid: child.pid ?? -1,
        code: code ?? -1,
        signal,
        timedOut,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        durationMs,
      });
    });
  });
}

/**
 * Process groups of runs still in flight. Codex runs detached (its own group), so if the test
 * worker itself is torn down mid-run (vitest timeout, crash) they would outlive it: kill them on exit.
 */
const liveGroups = new Set<number>();
process.on('exit', () => {
  for (const pid of liveGroups) killGroup(pid);
});

/**
 * Polls until no process of the group is left. Killed grandchildren are re-parented to PID 1, and
 * this VM's PID 1 reaps them lazily (~1.5 s measured), so zombies can keep the group "alive" a bit.
 */
async function waitGroupGone(pid: number | undefined, maxMs: number): Promise<void> {
  if (!pid) return;
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    try {
      process.kill(-pid, 0);
    } catch {
      return; // ESRCH: no process left in the group
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone.
  }
}

/**
 * Removes every CODEX_HOME and workspace that makeCodexHome()/makeWorkspace() created in this test
 * process. Call it from afterAll; do not share one file's homes with tests still running in it.
 */
export async function cleanupCodexTemp(): Promise<void> {
  const dirs = [...createdDirs];
  createdDirs.clear();
  await Promise.all(dirs.map((d) => fs.promises.rm(d, { recursive: true, force: true })));
}

function tomlString(s: string): string {
  return JSON.stringify(s); // a JSON string literal is a valid TOML basic string
}

// ---------------------------------------------------------------------------------------------
// The standard scenario used by the collector acceptance tests.
// ---------------------------------------------------------------------------------------------

export const STANDARD_CALL_IDS = {
  echoOk: 'call_echo_ok',
  failing: 'call_ls_missing',
  patch: 'call_patch_hello',
} as const;

export const STANDARD_FILE = { path: 'hello.txt', content: 'hello from beacon\n' } as const;

export const STANDARD_FINAL_TEXT = 'Done: ran two commands and created hello.txt.';

/** Distinct usage per model response so per-turn and total numbers can be told apart. */
export const STANDARD_USAGES: readonly TurnUsage[] = [
  { input_tokens: 1000, cached_tokens: 100, output_tokens: 50, reasoning_tokens: 10 },
  { input_tokens: 1200, cached_tokens: 300, output_tokens: 60, reasoning_tokens: 20 },
  { input_tokens: 1500, cached_tokens: 700, output_tokens: 70, reasoning_tokens: 30 },
  { input_tokens: 1800, cached_tokens: 1100, output_tokens: 80, reasoning_tokens: 40 },
];

/** Sums of STANDARD_USAGES, in Codex/API terms (input includes cached, output includes reasoning). */
export interface TokenTotals extends TurnUsage {
  total_tokens: number;
}

export const STANDARD_TOKEN_TOTALS: Readonly<TokenTotals> = STANDARD_USAGES.reduce<TokenTotals>(
  (t, u) => ({
    input_tokens: t.input_tokens + u.input_tokens,
    cached_tokens: t.cached_tokens + u.cached_tokens,
    output_tokens: t.output_tokens + u.output_tokens,
    reasoning_tokens: t.reasoning_tokens + u.reasoning_tokens,
    total_tokens: t.total_tokens + u.input_tokens + u.output_tokens,
  }),
  { input_tokens: 0, cached_tokens: 0, output_tokens: 0, reasoning_tokens: 0, total_tokens: 0 },
);
// = { input 5500, cached 2200, output 260, reasoning 100, total 5760 }

export interface StandardScenario {
  prompt: string;
  turns: ModelTurn[];
}

/**
 * The collector acceptance scenario: a prompt carrying `secret`, then
 *  1. exec_command `echo ok`            -> succeeds (exit 0)
 *  2. exec_command `ls /nonexistent-beacon-path` -> fails (ls exits 2)
 *  3. apply_patch (freeform) adding hello.txt
 *  4. final answer.
 * Each model response has its own usage (STANDARD_USAGES).
 */
export function standardScenario(secret: string): StandardScenario {
  const patch = [
    '*** Begin Patch',
    `*** Add File: ${STANDARD_FILE.path}`,
    ...STANDARD_FILE.content.replace(/\n$/, '').split('\n').map((l) => `+${l}`),
    '*** End Patch',
  ].join('\n');
  return {
    prompt: `please deploy with token=${secret} and then create hello.txt`,
    turns: [
      {
        kind: 'function_call',
        name: 'exec_command',
        arguments: { cmd: 'echo ok' },
        callId: STANDARD_CALL_IDS.echoOk,
        usage: STANDARD_USAGES[0],
      },
      {
        kind: 'function_call',
        name: 'exec_command',
        arguments: { cmd: 'ls /nonexistent-beacon-path' },
        callId: STANDARD_CALL_IDS.failing,
        usage: STANDARD_USAGES[1],
      },
      {
        kind: 'custom_tool_call',
        name: 'apply_patch',
        input: patch,
        callId: STANDARD_CALL_IDS.patch,
        usage: STANDARD_USAGES[2],
      },
      { kind: 'message', text: STANDARD_FINAL_TEXT, phase: 'final_answer', usage: STANDARD_USAGES[3] },
    ],
  };
}
