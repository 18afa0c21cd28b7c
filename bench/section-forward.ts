/**
 * Forwarding (design.md section 5: "at least 20,000 events/s on one core; ingest with forwarding
 * on at least 0.9x of without"):
 *  1. throughput: the forward engine in this process (one core: the engine runs on this
 *     thread) sends a backlog of real normalizer output (~2 KB per event, event ids included)
 *     from a runtime.jsonl on disk to the null receiver in its own process, once per type;
 *     read, parse, encode (OTLP protobuf via @opentelemetry/otlp-transformer, HEC envelopes,
 *     NDJSON), gzip, POST, checkpoint after every batch, all included;
 *  2. ingest ratio: the same closed-loop load against two collector processes, one without
 *     forwarding and one forwarding its log (otlp-http) to the null receiver, in alternating
 *     rounds; then how long the forwarder took to catch up after the load.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { ForwardEngine } from '../electron/forward/forward-engine';
import { MAX_HOLD_MS, QUIET_MS } from '../electron/forward/ingest-pacer';
import type { ForwardDestinationHealth, ForwardType } from '../electron/shared/forwarding';
import { newEventId } from '../electron/shared/event-id';
import { loadCodexPayloads } from './payloads';
import { runLoad, type LoadResult } from './load';
import { readCpuSeconds } from './procfs';
import { startCollectorProcess, startNullProcess, type ServerProcess } from './servers';
import { progress, sleep } from './progress';
import { verdict } from './report';
import { median } from './stats';
import { writeSyntheticLog } from './synthetic-log';
import type { Section, SectionContext } from './section';

const TARGET_EVENTS_PER_S = 20_000;
const EXPORTERS = 8;
/** Both collectors rotate alike, and rarely: the comparison is about CPU, not about disk. */
const ROTATE = ['--rotate-bytes', String(256 << 20), '--rotate-archives', '20'];

async function backlogOf(url: string): Promise<ForwardDestinationHealth[]> {
  const res = await fetch(`${url}/healthz`);
  const h = (await res.json()) as { consumers?: ForwardDestinationHealth[] };
  return (h.consumers ?? []).filter((c) => c.kind === 'forwarder');
}

/** A runtime.jsonl of `n` real-shaped events, each with its event.id as the collector writes it. */
async function backlogLog(dir: string, n: number): Promise<string> {
  const path = join(dir, 'logs', 'runtime.jsonl');
  await writeSyntheticLog(path, n, Math.max(1, Math.round(n / 40)));
  const lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  const out = lines.map((l) => {
    const e = JSON.parse(l) as { event: { id?: string } };
    e.event.id = newEventId();
    return JSON.stringify(e);
  });
  writeFileSync(path, out.join('\n') + '\n', { mode: 0o600 });
  return path;
}

async function forwardOnce(type: ForwardType, logPath: string, stateDir: string, url: string, events: number): Promise<{ rate: number; cpuUsPerEvent: number; ms: number }> {
  const engine = new ForwardEngine({
    logPath,
    stateDir,
    destinations: [{ cfg: { name: `bench-${type}`, type, url, token_env: 'UNUSED' }, token: type === 'splunk-hec' ? 'bench-token' : undefined }],
    emit: () => undefined,
    warn: (m) => progress(`forward: ${m}`),
  });
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  engine.start();
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && engine.health()[0].delivered_events < events) await sleep(5);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const delivered = engine.health()[0].delivered_events;
  await engine.close();
  if (delivered < events) throw new Error(`${type}: only ${delivered} of ${events} events delivered within 120 s`);
  return { rate: (events / ms) * 1000, cpuUsPerEvent: (cpu.user + cpu.system) / events, ms };
}

/** Wait (at most 120 s) until the forwarder has delivered everything; how long that took. */
async function drain(url: string): Promise<{ seconds: number; health: ForwardDestinationHealth[] }> {
  const t0 = Date.now();
  const pending = (hs: ForwardDestinationHealth[]): boolean => hs.length === 0 || hs.some((h) => h.backlog.events > 0 || h.state !== 'idle');
  // A holding forwarder has not looked at the log yet, so its backlog can read 0: wait out a
  // hold's quiet time and a health snapshot first, and trust only two empty readings in a row.
  await sleep(QUIET_MS + 300);
  let health = await backlogOf(url);
  let empty = 0;
  while (Date.now() - t0 < 120_000 && empty < 2) {
    empty = pending(health) ? 0 : empty + 1;
    if (empty < 2) await sleep(150);
    health = await backlogOf(url);
  }
  return { seconds: (Date.now() - t0) / 1000, health };
}

function rate(r: LoadResult): number {
  return (r.records / r.windowMs) * 1000;
}

export const forwardSection: Section = {
  name: 'forward',
  describe: 'forwarding throughput per type (1 core, to the null receiver), collector ingest with forwarding on vs off',
  async run(ctx: SectionContext) {
    const q = ctx.quick;
    const nul = await startNullProcess();
    try {
      // 1. Throughput per destination type.
      const events = q ? 20_000 : 60_000;
      progress(`forward: writing a backlog of ${events} events`);
      const logPath = await backlogLog(ctx.dir, events);
      const types: ForwardType[] = ['otlp-http', 'splunk-hec', 'http-ndjson'];
      for (const type of types) {
        const runs: { rate: number; cpuUsPerEvent: number; ms: number }[] = [];
        for (let r = 0; r < (q ? 1 : 2); r++) {
          progress(`forward: ${type} round ${r + 1}`);
          runs.push(await forwardOnce(type, logPath, join(ctx.dir, `state-${type}-${r}`), nul.url, events));
        }
        // Judged on CPU time: events per second of one core's CPU. On a shared machine this
        // process rarely gets a whole core, so the wall-clock rate (in the note) says more about
        // the neighbours than about the forwarder; CPU time per event does not.
        const capacity = 1e6 / median(runs.map((x) => x.cpuUsPerEvent));
        ctx.add({
          section: 'forward',
          metric: `forwarding throughput, ${type} (${type === 'otlp-http' ? 'protobuf + gzip' : type === 'splunk-hec' ? 'HEC envelopes + gzip' : 'NDJSON'}), events per CPU-second of 1 core`,
          value: capacity,
          unit: 'ev/s',
          target: `>= ${TARGET_EVENTS_PER_S.toLocaleString('en-US')} ev/s`,
          verdict: verdict(capacity >= TARGET_EVENTS_PER_S),
          note: `${events.toLocaleString('en-US')} events (~2 KB each) from disk to the null receiver (its own process), checkpoint after every 1000, all on this thread; per round: ${runs.map((x) => `${x.cpuUsPerEvent.toFixed(1)} us CPU/event, wall ${Math.round(x.rate).toLocaleString('en-US')} ev/s`).join('; ')}; load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`,
        });
      }

      // 2. Collector ingest with and without forwarding.
      const payloads = loadCodexPayloads();
      const rounds = q ? 1 : 5;
      const window = { warmupMs: q ? 500 : 700, durationMs: q ? 2000 : 2500 };
      let plain: ServerProcess | undefined;
      let fwd: ServerProcess | undefined;
      try {
        plain = await startCollectorProcess(join(ctx.dir, 'plain'), ROTATE);
        fwd = await startCollectorProcess(join(ctx.dir, 'fwd'), [...ROTATE, '--forward', `otlp-http=${nul.url}`]);
        await sleep(500);
        const off: number[] = [];
        const on: number[] = [];
        // The collector's main thread (tid = pid) does the ingest; its CPU time per record is
        // what forwarding could add to it, and does not depend on what the neighbours do.
        const offCpu: number[] = [];
        const onCpu: number[] = [];
        const mainCpuPerRecord = async (srv: ServerProcess): Promise<{ r: LoadResult; us: number }> => {
          const c0 = readCpuSeconds(srv.pid, srv.pid);
          const r = await runLoad({ port: srv.port, payloads, exporters: EXPORTERS, ...window });
          return { r, us: ((readCpuSeconds(srv.pid, srv.pid) - c0) * 1e6) / Math.max(1, r.records) };
        };
        let errors = 0;
        const caughtUp: number[] = [];
        let left: ForwardDestinationHealth[] = [];
        for (let r = 1; r <= rounds; r++) {
          progress(`forward: ingest round ${r}/${rounds}: without forwarding, then with`);
          const a = await mainCpuPerRecord(plain);
          const b = await mainCpuPerRecord(fwd);
          off.push(rate(a.r));
          on.push(rate(b.r));
          offCpu.push(a.us);
          onCpu.push(b.us);
          errors += a.r.errors + b.r.errors;
          // The forwarder catches up before the next round without forwarding: catching up
          // during it would take CPU from that baseline and flatter the ratio.
          const drained = await drain(fwd.url);
          caughtUp.push(drained.seconds);
          left = drained.health;
        }
        // Sustained saturation, longer than the forwarder's hold: what it costs ingest then.
        const longWindow = { warmupMs: window.warmupMs, durationMs: q ? 2 * MAX_HOLD_MS : 3 * MAX_HOLD_MS };
        progress(`forward: one sustained round of ${longWindow.durationMs / 1000} s each, without forwarding, then with`);
        const longOff = await runLoad({ port: plain.port, payloads, exporters: EXPORTERS, ...longWindow });
        const longOn = await runLoad({ port: fwd.port, payloads, exporters: EXPORTERS, ...longWindow });
        errors += longOff.errors + longOn.errors;
        const longDrain = await drain(fwd.url);
        const caughtUpS = median(caughtUp);
        const h = left[0];
        const ratio = median(on) / median(off);
        ctx.add({
          section: 'forward',
          metric: `collector ingest with forwarding on (otlp-http), ${EXPORTERS} exporters`,
          value: median(on),
          unit: 'rec/s',
          baseline: { value: median(off), unit: 'rec/s', label: 'same collector, no forwarding' },
          ratio,
          target: '>= 0.9x',
          verdict: errors > 0 ? 'FAIL' : verdict(ratio >= 0.9),
          note: `load average ${loadavg()[0].toFixed(1)}; median of ${rounds} alternating round(s): on ${on.map((x) => Math.round(x).toLocaleString('en-US')).join(', ')}; off ${off.map((x) => Math.round(x).toLocaleString('en-US')).join(', ')}${errors ? `; ${errors} request(s) failed` : ''}`,
        });
        ctx.add({
          section: 'forward',
          metric: `collector ingest with forwarding on, sustained ${longWindow.durationMs / 1000} s (past the ${MAX_HOLD_MS / 1000} s hold)`,
          value: rate(longOn),
          unit: 'rec/s',
          baseline: { value: rate(longOff), unit: 'rec/s', label: 'same collector, no forwarding' },
          ratio: rate(longOn) / rate(longOff),
          target: 'info',
          verdict: 'INFO',
          note: `one round each; the forwarder then caught up in ${longDrain.seconds.toFixed(1)} s; lost ${longDrain.health[0]?.lost_events ?? '?'}`,
        });
        ctx.add({
          section: 'forward',
          metric: "collector main-thread CPU per record with forwarding on (records the load counted; the forwarder's own work is in its worker)",
          value: median(onCpu),
          unit: 'us/rec',
          baseline: { value: median(offCpu), unit: 'us/rec', label: 'no forwarding' },
          ratio: median(onCpu) / median(offCpu),
          target: 'info',
          verdict: 'INFO',
          note: `per round on ${onCpu.map((x) => x.toFixed(1)).join(', ')}; off ${offCpu.map((x) => x.toFixed(1)).join(', ')} (warm-up records included in the CPU, not in the count)`,
        });
        ctx.add({
          section: 'forward',
          metric: 'forwarder caught up after each round of load (worker thread, lower priority, holds while the collector is saturated)',
          value: caughtUpS,
          unit: 's',
          target: 'info',
          verdict: 'INFO',
          note: h ? `median of ${caughtUp.map((x) => x.toFixed(1)).join(', ')} s; after the last: ${h.delivered_events.toLocaleString('en-US')} events delivered, backlog ${h.backlog.events}, lost ${h.lost_events}, state ${h.state}, thread ${h.thread}` : 'no forwarder health in /healthz',
        });
      } finally {
        await plain?.stop();
        await fwd?.stop();
      }
    } finally {
      await nul.stop();
    }
  },
};
