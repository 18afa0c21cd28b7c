/**
 * Codex overhead: `codex exec` wall time with Beacon as its OTLP receiver vs a null receiver
 * that answers 200 at once, the real Codex 0.169.0 binary against the harness's fake Responses
 * API running the standard 4-turn scenario (two commands, a patch, an answer). Codex waits for
 * the answers to its exports before it exits, so a slow collector shows up here directly.
 *
 * Runs alternate A B B A ... so that drift in the machine's load hits both sides alike, and the
 * ratio is the median of the per-pair ratios (each pair ran back to back, so a slow minute on
 * this shared machine cancels out). One run varies by about 5 %, so a pair ratio by about 6 %,
 * and even the median of 40 pairs is only good to about +-1.2 %: read the row with its note.
 * (Measured from the collector's side, what Beacon adds is the answer to Codex's final metrics
 * and logs exports at exit: 1 to 3 ms more than the null receiver, out of about 550 ms.)
 * Setup (fake API, CODEX_HOME, git workspace) is outside the timed part.
 *
 * The harness's own runCodexExec is not used: it locates the binary relative to its source
 * file, which is wrong once compiled into out/test/support. The spawn below mirrors it
 * (scrubbed env via codexEnv, own process group, hard timeout).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupCodexTemp, codexEnv, makeCodexHome, makeWorkspace, standardScenario } from '../test/support/codex-runner';
import { startFakeResponsesApi } from '../test/support/fake-responses-api';
import { otelTomlFor } from '../test/support/otlp-capture';
import { CODEX_BIN } from './paths';
import { startCollectorProcess, startNullProcess, type ServerProcess } from './servers';
import { progress } from './progress';
import { verdict } from './report';
import { median, relativeMad } from './stats';
import type { Section, SectionContext } from './section';

const LIMIT = 1.02;
const TIMEOUT_MS = 60_000;

function killGroup(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/** One timed `codex exec`; resolves with its wall time (spawn to exit) and exit code. */
function timedCodexExec(codexHome: string, cwd: string, prompt: string): Promise<{ ms: number; code: number | null; stderr: string }> {
  const home = mkdtempSync(join(tmpdir(), 'beacon-bench-codex-userhome-'));
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(CODEX_BIN, ['exec', '--skip-git-repo-check', '--', prompt], {
      cwd,
      env: codexEnv(codexHome, home),
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => killGroup(child.pid), TIMEOUT_MS);
    child.once('error', (err) => {
      clearTimeout(timer);
      rmSync(home, { recursive: true, force: true });
      reject(err);
    });
    child.once('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      clearTimeout(timer);
      killGroup(child.pid); // a shell the model started must not outlive the run
      rmSync(home, { recursive: true, force: true });
      resolve({ ms, code, stderr });
    });
  });
}

async function oneRun(receiver: ServerProcess): Promise<number> {
  const scenario = standardScenario('ghp_' + 'x'.repeat(36));
  const api = await startFakeResponsesApi(scenario.turns);
  try {
    const codexHome = await makeCodexHome({ modelUrl: api.url, otel: otelTomlFor(receiver.url) });
    const cwd = await makeWorkspace();
    const run = await timedCodexExec(codexHome, cwd, scenario.prompt);
    if (run.code !== 0) throw new Error(`codex exec exited ${run.code} with the ${receiver.kind} receiver: ${run.stderr.slice(-500)}`);
    return run.ms;
  } finally {
    await api.close();
  }
}

async function eventsWritten(collector: ServerProcess): Promise<number> {
  const res = await fetch(`${collector.url}/healthz`);
  const body = (await res.json()) as { stats?: { eventsWritten?: number } };
  return body.stats?.eventsWritten ?? 0;
}

export const codexSection: Section = {
  name: 'codex',
  describe: '`codex exec` wall time with the Beacon collector vs a null OTLP receiver (real Codex binary, interleaved runs)',
  async run(ctx: SectionContext) {
    const perSide = ctx.quick ? 2 : 40;
    const collector = await startCollectorProcess(ctx.dir);
    const nul = await startNullProcess();
    const times: Record<'collector' | 'null', number[]> = { collector: [], null: [] };
    const pairRatios: number[] = [];
    try {
      // Untimed warm-up of each side: first-run costs (page cache, the sandbox helper) land here.
      progress('codex: warm-up runs (not counted)');
      await oneRun(collector);
      await oneRun(nul);
      const before = await eventsWritten(collector);
      for (let i = 0; i < perSide; i++) {
        // A B B A: each pair starts with the other side.
        const order = i % 2 === 0 ? [collector, nul] : [nul, collector];
        const pair: Record<string, number> = {};
        for (const receiver of order) {
          const ms = await oneRun(receiver);
          pair[receiver.kind] = ms;
          times[receiver.kind === 'collector' ? 'collector' : 'null'].push(ms);
          progress(`codex: run ${i + 1}/${perSide} with the ${receiver.kind} receiver: ${ms.toFixed(0)} ms`);
        }
        pairRatios.push(pair.collector / pair.null);
      }
      const written = (await eventsWritten(collector)) - before;
      const mb = median(times.collector);
      const mn = median(times.null);
      const ratio = median(pairRatios);
      const noise = Math.max(relativeMad(times.collector), relativeMad(times.null));
      const diff = Math.abs(ratio - 1);
      ctx.add({
        section: 'codex',
        metric: `codex exec wall time with Beacon, median of ${times.collector.length}`,
        value: mb,
        unit: 'ms',
        baseline: { value: mn, unit: 'ms', label: `null receiver, median of ${times.null.length}` },
        ratio,
        target: `<= ${LIMIT}x`,
        verdict: written > 0 ? verdict(ratio <= LIMIT) : 'FAIL',
        note:
          `ratio = median of ${pairRatios.length} back-to-back pairs (medians alone: ${(mb / mn).toFixed(3)}x); ` +
          `Beacon runs ${times.collector.map((t) => t.toFixed(0)).join(', ')} ms; null runs ${times.null.map((t) => t.toFixed(0)).join(', ')} ms; ` +
          `spread (median abs. deviation) ${(noise * 100).toFixed(1)} %: the ${(diff * 100).toFixed(1)} % difference is ` +
          `${diff < noise ? 'below the noise floor of this run' : 'above the noise floor'}; ${written} events written by the collector during the timed runs`,
      });
    } finally {
      await collector.stop();
      await nul.stop();
      await cleanupCodexTemp();
    }
  },
};
