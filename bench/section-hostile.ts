/**
 * Hostile input (design.md section 5: "peak RSS at most 150 MB during a 20,000-request fuzz run;
 * under 100 MB idle after"; issue 11 item 8): the compiled collector in its own process, as users
 * run it, takes 20,000 requests of the hostile mix (hostile-requests.ts) from 32 connections at
 * once. Its memory is judged by the kernel's own peak (VmHWM: nothing between two samples can
 * hide), with the sampled maximum beside it, and then idle, after its quiet period has passed.
 * The run also proves it stayed up and wrote only whole lines.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HostileMix } from './hostile-requests';
import { runHostile } from './hostile-load';
import { readMem } from './procfs';
import { progress, sleep } from './progress';
import { verdict } from './report';
import { startCollectorProcess } from './servers';
import type { Section, SectionContext } from './section';
import { QUIET_MS } from '../electron/collector/idle-heap-compactor';

const SEED = 0x5eed11;
const PEAK_LIMIT_MB = 150;
const IDLE_LIMIT_MB = 100;

/** Lines of the log (and its rotated archives) that are not whole JSON. */
function tornLines(dir: string): { lines: number; bad: number } {
  let lines = 0;
  let bad = 0;
  for (const name of ['runtime.jsonl', ...Array.from({ length: 5 }, (_, i) => `runtime.jsonl.${i + 1}`)]) {
    let text: string;
    try {
      text = readFileSync(join(dir, 'logs', name), 'utf8');
    } catch {
      continue;
    }
    if (text.length > 0 && !text.endsWith('\n')) bad++;
    for (const line of text.split('\n')) {
      if (line === '') continue;
      lines++;
      try {
        JSON.parse(line);
      } catch {
        bad++;
      }
    }
  }
  return { lines, bad };
}

export const hostileSection: Section = {
  name: 'hostile',
  describe: 'collector memory (peak and idle after) under 20,000 hostile requests: mutations, bombs, huge counts, deep nesting',
  async run(ctx: SectionContext) {
    const requests = ctx.quick ? 5000 : 20_000;
    progress('hostile: building the request mix (gzip bombs, huge bodies)');
    const mix = new HostileMix(SEED);
    const collector = await startCollectorProcess(ctx.dir);
    try {
      await sleep(500);
      const start = readMem(collector.pid);
      progress(`hostile: ${requests} requests, 32 connections, collector pid ${collector.pid} (RSS ${start.rssMB.toFixed(1)} MB)`);
      const run = await runHostile({ port: collector.port, pid: collector.pid, mix, requests, concurrency: 32, deadlineMs: ctx.quick ? 120_000 : 400_000 });
      const end = run.died ? undefined : readMem(collector.pid);
      const statuses = Object.entries(run.statuses)
        .map(([s, n]) => `${s} x${n}`)
        .join(', ');
      const unanswered = Object.entries(run.unanswered)
        .map(([k, n]) => `${k} x${n}`)
        .join(', ');
      const complete = !run.died && run.requests === requests;
      ctx.add({
        section: 'hostile',
        metric: `collector peak RSS (VmHWM) over ${run.requests.toLocaleString('en-US')} hostile requests`,
        value: end?.hwmMB ?? NaN,
        unit: 'MB',
        target: `<= ${PEAK_LIMIT_MB} MB`,
        verdict: verdict(complete && end !== undefined && end.hwmMB <= PEAK_LIMIT_MB),
        note: `${(run.ms / 1000).toFixed(1)} s; answers: ${statuses}${unanswered ? `; unanswered: ${unanswered}` : ''}${run.died ? '; THE COLLECTOR DIED' : ''}; RSS at start ${start.rssMB.toFixed(1)} MB`,
      });
      ctx.add({
        section: 'hostile',
        metric: 'collector RSS, highest sample (every 10 ms) during that run',
        value: run.sampledPeakMB,
        unit: 'MB',
        target: 'info',
        verdict: 'INFO',
      });
      if (run.died) return;
      const idleMs = QUIET_MS + (ctx.quick ? 3000 : 5000);
      progress(`hostile: collector idle for ${idleMs} ms`);
      await sleep(idleMs);
      const idle = readMem(collector.pid);
      ctx.add({
        section: 'hostile',
        metric: `collector RSS idle after that run (${(idleMs / 1000).toFixed(0)} s without a request)`,
        value: idle.rssMB,
        unit: 'MB',
        target: `< ${IDLE_LIMIT_MB} MB`,
        verdict: verdict(idle.rssMB < IDLE_LIMIT_MB),
      });
      const torn = tornLines(ctx.dir);
      ctx.add({
        section: 'hostile',
        metric: 'log lines that are not whole JSON after that run',
        value: torn.bad,
        unit: 'lines',
        target: '0',
        verdict: verdict(torn.bad === 0 && torn.lines > 0),
        note: `${torn.lines.toLocaleString('en-US')} lines in runtime.jsonl and its archives`,
      });
    } finally {
      await collector.stop();
    }
  },
};
