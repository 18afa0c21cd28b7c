/**
 * What the detection rules cost (issue 15: at most 10 % of ingest throughput with every shipped
 * rule on): the same collector (`beacon endpoint run`) with its rules and with
 * `--no-detections`, under the same load of real Codex payloads, in short runs alternating
 * which goes first. Judged on the median of the paired ratios of records per collector
 * CPU-second (other load on a shared machine disturbs CPU time less than wall-clock rates).
 */
import { loadCodexPayloads } from './payloads';
import { runLoad, type LoadResult } from './load';
import { readCpuSeconds } from './procfs';
import { startCollectorProcess, type ServerProcess } from './servers';
import { progress } from './progress';
import { verdict } from './report';
import { median } from './stats';
import type { Section, SectionContext } from './section';
import { join } from 'node:path';

const EXPORTERS = 8;

interface DetectionHealth {
  consumers?: Array<{ name: string; rules?: number; findings?: number }>;
}

async function detections(server: ServerProcess): Promise<{ rules?: number; findings?: number } | undefined> {
  const h = (await (await fetch(`${server.url}/healthz`)).json()) as DetectionHealth;
  return h.consumers?.find((c) => c.name === 'detections');
}

const rate = (r: LoadResult): number => (r.records / r.windowMs) * 1000;

export const detectionSection: Section = {
  name: 'detection',
  describe: 'ingest throughput with every shipped detection rule on vs --no-detections (same run, paired)',
  async run(ctx: SectionContext) {
    const q = ctx.quick;
    const payloads = loadCodexPayloads();
    const pairs = q ? 3 : 8;
    const window = { warmupMs: q ? 200 : 300, durationMs: q ? 800 : 1500 };
    let on: ServerProcess | undefined;
    let off: ServerProcess | undefined;
    try {
      on = await startCollectorProcess(join(ctx.dir, 'with-rules'));
      off = await startCollectorProcess(join(ctx.dir, 'without-rules'), ['--no-detections']);
      const d = await detections(on);
      if (!d?.rules) throw new Error('the collector under test reports no detection rules in /healthz');
      if (await detections(off)) throw new Error('the --no-detections collector still runs detections');
      progress(`detection: ${d.rules} rules on pid ${on.pid}, none on pid ${off.pid}; warming both, then ${pairs} alternating pairs`);
      for (const s of [on, off]) await runLoad({ port: s.port, payloads, exporters: EXPORTERS, warmupMs: 0, durationMs: q ? 1000 : 4000 });
      const list = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');
      let errors = 0;
      let firstError: string | undefined;
      /** Alternating pairs on one payload set: records per CPU-second and per wall second, on / off. */
      const pairRuns = async (set: typeof payloads, n: number): Promise<{ cpu: number[]; wall: number[]; findings: number }> => {
        const before = (await detections(on!))?.findings ?? 0;
        const cpuRatios: number[] = [];
        const wallRatios: number[] = [];
        for (let i = 0; i < n; i++) {
          const measured = new Map<ServerProcess, { cpu: number; wall: number }>();
          for (const s of i % 2 === 0 ? [on!, off!] : [off!, on!]) {
            const cpu0 = readCpuSeconds(s.pid);
            const run = await runLoad({ port: s.port, payloads: set, exporters: EXPORTERS, ...window });
            const cpu = Math.max(readCpuSeconds(s.pid) - cpu0, 0.01);
            errors += run.errors;
            firstError ??= run.firstError;
            // Records sent (not events written): findings written by the rules must not count as work done.
            measured.set(s, { cpu: run.records / cpu, wall: rate(run) });
          }
          cpuRatios.push(measured.get(on!)!.cpu / measured.get(off!)!.cpu);
          wallRatios.push(measured.get(on!)!.wall / measured.get(off!)!.wall);
        }
        return { cpu: cpuRatios, wall: wallRatios, findings: ((await detections(on!))?.findings ?? 0) - before };
      };
      const all = await pairRuns(payloads, pairs);
      const cpuRatio = median(all.cpu);
      ctx.add({
        section: 'detection',
        metric: `detection cost: records per collector CPU-second with ${d.rules} rules / --no-detections`,
        value: cpuRatio,
        unit: 'x',
        target: '>= 0.9x',
        verdict: errors > 0 ? 'FAIL' : verdict(cpuRatio >= 0.9),
        note: `median of ${pairs} alternating pairs (${list(all.cpu)}); real Codex payloads (bench/payloads.ts: ${payloads.map((p) => p.name).join(', ')}); ${all.findings} finding(s) written (the exec run's prompt carries a token: secret-in-prompt on every replay of it)${errors > 0 ? `; ${errors} request(s) failed (first: ${firstError})` : ''}`,
      });
      ctx.add({
        section: 'detection',
        metric: `detection cost: pipeline throughput with rules / without, ${EXPORTERS} exporters`,
        value: median(all.wall),
        unit: 'x',
        target: 'info',
        verdict: 'INFO',
        note: `wall-clock, the same pairs (${list(all.wall)})`,
      });
      // The rules' evaluation alone: a payload on which no rule fires, so no finding is written.
      progress('detection: the same on a payload that triggers no rule (evaluation cost without finding writes)');
      const quiet = await pairRuns([payloads[0]], pairs);
      ctx.add({
        section: 'detection',
        metric: `detection cost without findings: records per CPU-second, rules / --no-detections (${payloads[0].name})`,
        value: median(quiet.cpu),
        unit: 'x',
        target: 'info',
        verdict: 'INFO',
        note: `median of ${pairs} alternating pairs (${list(quiet.cpu)}); ${quiet.findings} finding(s) written`,
      });
    } finally {
      await on?.stop();
      await off?.stop();
    }
  },
};
