/**
 * Collector spine, item 7: real Codex protobuf log payloads through the whole pipeline (HTTP,
 * decode, normalize, redact, write) in a separate collector process, against
 *  - the bare protobuf decode rate of the same payloads (throughput baseline),
 *  - the null receiver (the load generator's own ceiling, and the latency baseline);
 * then the collector's memory after the load and its CPU use while idle.
 */
import { loadCodexPayloads, loadStreamingPayload, type Payload } from './payloads';
import { beaconWireDecode, measureDecodeRate, protobufjsDecode } from './decode-rate';
import { runLoad, type LoadResult } from './load';
import { readCpuSeconds, readMem } from './procfs';
import { startCollectorProcess, startNullProcess, type ServerProcess } from './servers';
import { progress, sleep } from './progress';
import { verdict } from './report';
import { median, summarize } from './stats';
import type { Section, SectionContext } from './section';
import { QUIET_MS } from '../electron/collector/idle-heap-compactor';
import { join } from 'node:path';

/** Closed-loop exporters for the throughput run: enough to keep a one-core server always busy. */
const THROUGHPUT_EXPORTERS = 8;
const LATENCY_LEVELS = [1, 10, 100] as const;
/**
 * Paced run: 100 exporters each exporting once per PACED_PERIOD_MS. Codex's batch exporter
 * sends about once per second per process, so this is 10x the load of 100 real Codex processes.
 */
const PACED_EXPORTERS = 100;
const PACED_PERIOD_MS = 100;
const RSS_LIMIT_MB = 100;

interface Healthz {
  stats?: { eventsWritten?: number; requests?: { logs?: number } };
}

async function healthz(server: ServerProcess): Promise<Healthz> {
  const res = await fetch(`${server.url}/healthz`);
  return (await res.json()) as Healthz;
}

interface CpuMark {
  cpu: number;
  events: number;
}

async function cpuMark(server: ServerProcess): Promise<CpuMark> {
  return { cpu: readCpuSeconds(server.pid), events: (await healthz(server)).stats?.eventsWritten ?? 0 };
}

async function eventsPerCpuSecond(server: ServerProcess, before: CpuMark): Promise<number> {
  const after = await cpuMark(server);
  return (after.events - before.events) / Math.max(after.cpu - before.cpu, 0.01);
}

function rate(r: LoadResult): number {
  return (r.records / r.windowMs) * 1000;
}

function describeErrors(r: LoadResult): string | undefined {
  return r.errors > 0 ? `${r.errors} request(s) failed (first: ${r.firstError})` : undefined;
}

export const ingestSection: Section = {
  name: 'ingest',
  describe: 'collector throughput vs bare protobuf decode, response latency at 1/10/100 exporters, RSS, idle CPU',
  async run(ctx: SectionContext) {
    const q = ctx.quick;
    const payloads: Payload[] = loadCodexPayloads();
    const streaming = loadStreamingPayload();
    progress(`ingest: payloads ${payloads.map((p) => `${p.name} ${p.body.length} B`).join(', ')}`);

    // 1-2. Throughput, in alternating rounds so that a neighbour's load on this shared machine
    // hits the baseline and the measurement alike: bare decode (this process, nothing else
    // running), the load generator against the null receiver (its own ceiling), then the
    // same load against the collector. Medians of the per-round rates are compared.
    const rounds = q ? 1 : 3;
    const decodeMs = q ? 1000 : 1500;
    const window = { warmupMs: q ? 500 : 700, durationMs: q ? 2000 : 2500 };
    const bareRates: number[] = [];
    const wireRates: number[] = [];
    const clientRates: number[] = [];
    const pipeRates: number[] = [];
    const streamBareRates: number[] = [];
    const streamPipeRates: number[] = [];
    const nul = await startNullProcess();
    let collector: ServerProcess | undefined;
    let noDetection: ServerProcess | undefined;
    try {
      collector = await startCollectorProcess(ctx.dir);
      // The same collector without secret detection: what redaction costs (design.md: <= 10 %).
      noDetection = await startCollectorProcess(join(ctx.dir, 'without-secret-detection'), [], { withoutSecretDetection: true });
      progress(`ingest: collector pid ${collector.pid} on port ${collector.port}`);
      await sleep(500);
      const fresh = readMem(collector.pid);
      ctx.add({
        section: 'idle',
        metric: 'collector RSS at start (nothing received yet)',
        value: fresh.rssMB,
        unit: 'MB',
        target: `< ${RSS_LIMIT_MB} MB`,
        verdict: verdict(fresh.rssMB < RSS_LIMIT_MB),
      });
      const before = await healthz(collector);
      let pipeErrors = 0;
      let firstPipeError: string | undefined;
      let clientErrors = 0;
      let pipeRecords = 0;
      let pipeRequests = 0;
      for (let r = 1; r <= rounds; r++) {
        progress(`ingest: throughput round ${r}/${rounds}: bare decode, client -> null receiver, client -> collector (${THROUGHPUT_EXPORTERS} exporters), then the streamed answer`);
        bareRates.push(measureDecodeRate(payloads, protobufjsDecode, 300, decodeMs).recordsPerS);
        wireRates.push(measureDecodeRate(payloads, beaconWireDecode, 300, decodeMs).recordsPerS);
        const clientRun = await runLoad({ port: nul.port, payloads, exporters: THROUGHPUT_EXPORTERS, ...window });
        clientRates.push(rate(clientRun));
        clientErrors += clientRun.errors;
        const pipeRun = await runLoad({ port: collector.port, payloads, exporters: THROUGHPUT_EXPORTERS, ...window });
        pipeRates.push(rate(pipeRun));
        pipeErrors += pipeRun.errors;
        firstPipeError ??= pipeRun.firstError;
        pipeRecords += pipeRun.records;
        pipeRequests += pipeRun.ok;
        // The same comparison on a streamed answer (information, see below).
        streamBareRates.push(measureDecodeRate([streaming], protobufjsDecode, 300, decodeMs).recordsPerS);
        const streamRun = await runLoad({ port: collector.port, payloads: [streaming], exporters: THROUGHPUT_EXPORTERS, ...window });
        streamPipeRates.push(rate(streamRun));
        pipeErrors += streamRun.errors;
        firstPipeError ??= streamRun.firstError;
      }
      const after = await healthz(collector);
      const written = (after.stats?.eventsWritten ?? 0) - (before.stats?.eventsWritten ?? 0);
      const bare = median(bareRates);
      const wire = median(wireRates);
      const clientRate = median(clientRates);
      const pipeRate = median(pipeRates);
      const spread = (xs: number[]) => (xs.length > 1 ? ` (rounds: ${xs.map((x) => Math.round(x).toLocaleString('en-US')).join(', ')})` : '');

      ctx.add({
        section: 'ingest',
        metric: 'bare decode (protobufjs), 1 core',
        value: bare,
        unit: 'rec/s',
        target: 'baseline',
        verdict: 'INFO',
        note: `median of ${rounds} round(s)${spread(bareRates)}`,
      });
      ctx.add({
        section: 'ingest',
        metric: "bare decode (collector's wire reader)",
        value: wire,
        unit: 'rec/s',
        baseline: { value: bare, unit: 'rec/s', label: 'protobufjs' },
        ratio: wire / bare,
        target: 'info',
        verdict: 'INFO',
      });
      const clientBound = pipeRate > 0.8 * clientRate;
      const notes = [
        pipeErrors > 0 ? `${pipeErrors} request(s) failed (first: ${firstPipeError})` : undefined,
        `median of ${rounds} round(s)${spread(pipeRates)}`,
        `${written.toLocaleString('en-US')} events written in all (warm-ups included); ${pipeRequests} requests carrying ${pipeRecords.toLocaleString('en-US')} records were counted`,
        clientBound
          ? 'the load generator may be the bottleneck: the collector reached >80% of the rate the client achieves against the null receiver'
          : `the client's ceiling is ${(clientRate / pipeRate).toFixed(1)}x the collector's rate, so the collector is the bottleneck`,
      ].filter(Boolean);
      ctx.add({
        section: 'ingest',
        metric: `pipeline throughput (HTTP+decode+normalize+redact+write), ${THROUGHPUT_EXPORTERS} exporters`,
        value: pipeRate,
        unit: 'rec/s',
        baseline: { value: bare, unit: 'rec/s', label: 'bare protobufjs decode' },
        ratio: pipeRate / bare,
        target: '>= 0.5x',
        verdict: pipeErrors > 0 || written <= 0 ? 'FAIL' : verdict(pipeRate / bare >= 0.5),
        note: notes.join('; '),
      });
      // Redaction's cost: the same load on the same collector without secret detection, in
      // short runs alternating which goes first, judged on the median of the paired ratios
      // (a neighbour's burst then hits one pair, not a whole side of the comparison).
      const pairs = q ? 2 : 8;
      const cpuRatios: number[] = [];
      const wallRatios: number[] = [];
      const pairWindow = { warmupMs: q ? 200 : 300, durationMs: q ? 800 : 1200 };
      progress(`ingest: redaction cost, ${pairs} alternating pairs of runs with and without secret detection`);
      // The collector without detection has had no traffic yet: warm its JIT as the rounds above warmed the other's.
      await runLoad({ port: noDetection.port, payloads, exporters: THROUGHPUT_EXPORTERS, warmupMs: 0, durationMs: q ? 1000 : 6000 });
      for (let i = 0; i < pairs; i++) {
        const measured = new Map<ServerProcess, { cpu: number; wall: number }>();
        for (const server of i % 2 === 0 ? [collector, noDetection] : [noDetection, collector]) {
          const mark = await cpuMark(server);
          const run = await runLoad({ port: server.port, payloads, exporters: THROUGHPUT_EXPORTERS, ...pairWindow });
          pipeErrors += run.errors;
          firstPipeError ??= run.firstError;
          measured.set(server, { cpu: await eventsPerCpuSecond(server, mark), wall: rate(run) });
        }
        const on = measured.get(collector)!;
        const off = measured.get(noDetection)!;
        cpuRatios.push(on.cpu / off.cpu);
        wallRatios.push(on.wall / off.wall);
      }
      const cpuRatio = median(cpuRatios);
      const ratios = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(', ');
      ctx.add({
        section: 'ingest',
        metric: 'redaction cost: collector events per CPU-second with secret detection / without',
        value: cpuRatio,
        unit: 'x',
        target: '>= 0.9x',
        verdict: pipeErrors > 0 ? 'FAIL' : verdict(cpuRatio >= 0.9),
        note: `median of ${pairs} alternating pairs (${ratios(cpuRatios)}); the collector's own CPU time (utime+stime), which other load on a shared machine disturbs less than wall-clock rates; without = the same collector with the detector off (bench/collector-without-secret-detection.ts)`,
      });
      ctx.add({
        section: 'ingest',
        metric: `redaction cost: pipeline throughput with secret detection / without, ${THROUGHPUT_EXPORTERS} exporters`,
        value: median(wallRatios),
        unit: 'x',
        target: 'info',
        verdict: 'INFO',
        note: `wall-clock, the same pairs (${ratios(wallRatios)})`,
      });
      const streamBare = median(streamBareRates);
      const streamPipe = median(streamPipeRates);
      ctx.add({
        section: 'ingest',
        metric: `pipeline throughput on a streamed answer (${streaming.records} rec, one per delta), ${THROUGHPUT_EXPORTERS} exporters`,
        value: streamPipe,
        unit: 'rec/s',
        baseline: { value: streamBare, unit: 'rec/s', label: 'bare protobufjs decode' },
        ratio: streamPipe / streamBare,
        target: 'info',
        verdict: 'INFO',
        note: `median of ${rounds} round(s)${spread(streamPipeRates)}; the target row above replays the harness captures, whose answers come in one delta each, so a third of their records become events; a real model streams its answer over HTTP a few characters per delta and Codex logs a record per delta, which the decoder skips (over Codex's WebSocket transport those records are not sent, and the target row is the realistic one)`,
      });
      ctx.add({
        section: 'ingest',
        metric: 'load generator ceiling (same client -> null receiver)',
        value: clientRate,
        unit: 'rec/s',
        baseline: { value: pipeRate, unit: 'rec/s', label: 'collector' },
        ratio: clientRate / pipeRate,
        target: 'info',
        verdict: 'INFO',
        note: clientErrors > 0 ? `${clientErrors} request(s) to the null receiver failed` : undefined,
      });

      // 3. Response latency, closed loop, null vs collector at each level (interleaved).
      const latWindow = { warmupMs: q ? 200 : 500, durationMs: q ? 800 : 2500 };
      for (const n of LATENCY_LEVELS) {
        progress(`ingest: closed-loop latency at ${n} exporter(s)`);
        const base = await runLoad({ port: nul.port, payloads, exporters: n, ...latWindow });
        const run = await runLoad({ port: collector.port, payloads, exporters: n, ...latWindow });
        const b = summarize(base.latencies);
        const s = summarize(run.latencies);
        const saturated = n === 100;
        ctx.add({
          section: 'ingest',
          metric: `p50 latency, ${n} exporter(s) back-to-back`,
          value: s.p50,
          unit: 'ms',
          baseline: { value: b.p50, unit: 'ms', label: 'null receiver' },
          ratio: s.p50 / b.p50,
          target: 'info',
          verdict: 'INFO',
        });
        ctx.add({
          section: 'ingest',
          metric: `p99 latency, ${n} exporter(s) back-to-back`,
          value: s.p99,
          unit: 'ms',
          baseline: { value: b.p99, unit: 'ms', label: 'null receiver' },
          ratio: s.p99 / b.p99,
          // Not the target: 100 exporters re-posting the instant they are answered is a saturation
          // test, which no receiver passes (the null receiver's own p99 is over 5 ms here). The
          // target is judged on the paced run below: 100 concurrent exporters at 10x Codex's rate.
          target: 'info',
          verdict: 'INFO',
          note: [
            describeErrors(run),
            `${s.n} requests (${((run.ok / run.windowMs) * 1000).toFixed(0)} req/s)`,
            saturated
              ? `saturation test: every exporter re-posts the instant it is answered, so by Little's law latency ~= ${n} / throughput for any server; the null receiver's p99 here is ${b.p99.toFixed(1)} ms`
              : undefined,
          ]
            .filter(Boolean)
            .join('; '),
        });
      }

      // 4. Paced exporters: 100 of them, each exporting once per period, like Codex does.
      progress(`ingest: paced latency, ${PACED_EXPORTERS} exporters each posting every ${PACED_PERIOD_MS} ms`);
      const pacedWindow = { warmupMs: q ? 300 : 1000, durationMs: q ? 1500 : 5000, periodMs: PACED_PERIOD_MS };
      const pacedBase = await runLoad({ port: nul.port, payloads, exporters: PACED_EXPORTERS, ...pacedWindow });
      const paced = await runLoad({ port: collector.port, payloads, exporters: PACED_EXPORTERS, ...pacedWindow });
      const pb = summarize(pacedBase.latencies);
      const ps = summarize(paced.latencies);
      ctx.add({
        section: 'ingest',
        metric: `p50 latency, ${PACED_EXPORTERS} exporters paced (1 POST/${PACED_PERIOD_MS} ms each)`,
        value: ps.p50,
        unit: 'ms',
        baseline: { value: pb.p50, unit: 'ms', label: 'null receiver' },
        ratio: ps.p50 / pb.p50,
        target: 'info',
        verdict: 'INFO',
      });
      ctx.add({
        section: 'ingest',
        metric: `p99 latency, ${PACED_EXPORTERS} exporters paced (1 POST/${PACED_PERIOD_MS} ms each)`,
        value: ps.p99,
        unit: 'ms',
        baseline: { value: pb.p99, unit: 'ms', label: 'null receiver' },
        ratio: ps.p99 / pb.p99,
        target: '< 5 ms',
        verdict: verdict(ps.p99 < 5 && paced.errors === 0),
        note: [describeErrors(paced), `${ps.n} requests (${((paced.ok / paced.windowMs) * 1000).toFixed(0)} req/s offered by ${PACED_EXPORTERS} exporters, 10x what 100 Codex processes send); max ${ps.max.toFixed(1)} ms`]
          .filter(Boolean)
          .join('; '),
      });

      // 5. Memory right after all that load, then CPU and memory over an idle window long enough
      // for the collector to notice it went quiet and give back what the burst took
      // (idle-heap-compactor.ts). design.md's RSS target is an idle one.
      const loaded = readMem(collector.pid);
      const idleMs = QUIET_MS + (q ? 1500 : 5000);
      progress(`ingest: collector idle for ${idleMs} ms (CPU time, RSS)`);
      await sleep(1500); // let the last fsync timer and GC settle before measuring idle
      const cpu0 = readCpuSeconds(collector.pid);
      const t0 = Date.now();
      await sleep(idleMs);
      const cpuS = readCpuSeconds(collector.pid) - cpu0;
      const idleWall = (Date.now() - t0) / 1000;
      const idle = readMem(collector.pid);
      ctx.add({
        section: 'idle',
        metric: 'collector RSS right after the load above (not idle yet)',
        value: loaded.rssMB,
        unit: 'MB',
        target: 'info',
        verdict: 'INFO',
        note: `peak (VmHWM) during the run: ${loaded.hwmMB.toFixed(1)} MB, after ${((after.stats?.eventsWritten ?? 0)).toLocaleString('en-US')}+ events, 100 exporters at saturation included`,
      });
      ctx.add({
        section: 'idle',
        metric: `collector RSS idle after that load (${(idleMs / 1000).toFixed(0)} s without a request)`,
        value: idle.rssMB,
        unit: 'MB',
        target: `< ${RSS_LIMIT_MB} MB`,
        verdict: verdict(idle.rssMB < RSS_LIMIT_MB),
      });
      const cpuPct = (cpuS / idleWall) * 100;
      ctx.add({
        section: 'idle',
        metric: `collector CPU while idle (${idleWall.toFixed(1)} s window)`,
        value: cpuPct,
        unit: '% of a core',
        target: '< 1 % (no spinning)',
        verdict: verdict(cpuPct < 1),
        note: `${(cpuS * 1000).toFixed(0)} ms of CPU (utime+stime, 10 ms resolution)`,
      });
    } finally {
      await collector?.stop();
      await noDetection?.stop();
      await nul.stop();
    }
  },
};
