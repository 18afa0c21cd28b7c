/**
 * One end-to-end run of the release scenario against a given Codex launcher: the real compiled
 * collector (`beacon endpoint run`), the fake Responses API, a throw-away CODEX_HOME holding the
 * given [otel] block, then the verdicts a user would care about: did Codex start, did it export
 * to the collector, did Beacon write the right events. Shared by `npm run compat` (every release)
 * and the old-release test in `npm test`, so both judge the same way.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { probeCollector } from '../../electron/collector/probe';
import type { BeaconEvent } from '../../electron/shared/event';
import { startEndpointRun } from './beacon-cli';
import { makeCodexHome, makeWorkspace, runCodexExec, type SandboxMode } from './codex-runner';
import { startFakeResponsesApi } from './fake-responses-api';
import { checkReleaseEvents, groundTruth, type GroundTruth, type ReleaseRunFacts } from './release-scenario-check';
import { DEFAULT_RELEASE_FEATURES, featuresToml, releaseScenario, STANDARD_FILE, type ToolChoice } from './release-scenario';

const SECRET = 'ghp_' + 'Z9y8X7w6V5u4T3s2R1q0P9o8N7m6L5k4J3i2';

export interface ReleaseRunOptions {
  /** The release's npm launcher (bin/codex.js). */
  codexBin: string;
  /** The [otel] table for a collector on `port` (e.g. Beacon's block as install writes it). */
  otelBlock(port: number): string;
  timeoutMs?: number;
  sandboxMode?: SandboxMode;
  /** `[features]` flags to turn on (default DEFAULT_RELEASE_FEATURES). */
  features?: readonly string[];
  /** Which tools the fake model calls (see releaseScenario). */
  tools?: 'offered' | 'standard';
}

export interface ReleaseRunResult {
  /** Codex got as far as asking the model (a config it refuses stops it before that). */
  started: boolean;
  /** Why it did not start: the first lines of its error output. */
  startError?: string;
  exitCode: number;
  /** OTLP requests the collector received from this run, per signal. */
  exported: { logs: number; metrics: number };
  events: BeaconEvent[];
  truth: GroundTruth;
  /** What is wrong with the events (empty: correct). */
  wrong: string[];
  choice?: ToolChoice;
  offered: string[];
  durationMs: number;
  /** What the verdicts were computed from (the log, the model's requests, the workspace). */
  facts: ReleaseRunFacts;
}

/** The first meaningful lines of a failed start, without Rust's backtrace. */
function startErrorOf(stderr: string, stdout: string): string {
  const lines = `${stderr}\n${stdout}`.split('\n').map((l) => l.trim());
  const cut = lines.findIndex((l) => /^Stack backtrace:/.test(l));
  const useful = (cut >= 0 ? lines.slice(0, cut) : lines).filter((l) => l !== '');
  return useful.slice(0, 3).join(' ').slice(0, 200) || '(no output)';
}

export async function runReleaseScenario(opts: ReleaseRunOptions): Promise<ReleaseRunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'beacon-release-run-'));
  const log = join(dir, 'logs', 'runtime.jsonl');
  const collector = await startEndpointRun(['--log-path', log], { PATH: process.env.PATH, LANG: process.env.LANG, HOME: dir });
  const scenario = releaseScenario(SECRET, opts.tools);
  const model = await startFakeResponsesApi(scenario.script);
  try {
    const features = featuresToml(opts.features ?? DEFAULT_RELEASE_FEATURES);
    const otel = `${features ? `${features}\n\n` : ''}${opts.otelBlock(collector.port)}`;
    const codexHome = await makeCodexHome({ modelUrl: model.url, otel, sandboxMode: opts.sandboxMode });
    const workspace = await makeWorkspace();
    const run = await runCodexExec({ codexHome, cwd: workspace, prompt: scenario.prompt, codexBin: opts.codexBin, timeoutMs: opts.timeoutMs ?? 90_000 });
    // Codex has exited: what it exported was answered (so written) before that.
    const health = await probeCollector(collector.port);
    const requests = health.kind === 'beacon' ? health.health.stats?.requests : undefined;
    await collector.stop('SIGTERM');
    const rawLog = existsSync(log) ? readFileSync(log, 'utf8') : '';
    const events = rawLog
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as BeaconEvent);
    const patchPath = join(workspace, STANDARD_FILE.path);
    const facts: ReleaseRunFacts = { events, rawLog, secret: SECRET, requests: model.requests, patchedFile: existsSync(patchPath) ? readFileSync(patchPath, 'utf8') : null };
    const truth = groundTruth(facts);
    const started = model.turnRequests().length > 0;
    return {
      started,
      startError: started ? undefined : startErrorOf(run.stderr, run.stdout),
      exitCode: run.code,
      exported: { logs: requests?.logs ?? 0, metrics: requests?.metrics ?? 0 },
      events,
      truth,
      wrong: events.length > 0 ? checkReleaseEvents(facts, truth) : [],
      choice: scenario.choice(),
      offered: scenario.offered(),
      durationMs: run.durationMs,
      facts,
    };
  } finally {
    await collector.stop('SIGKILL');
    await model.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
