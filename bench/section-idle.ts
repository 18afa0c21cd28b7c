/**
 * Idle: the collector must not wake up more often than every 10 s when nothing arrives (a
 * laptop's battery, a fleet's CPU). Two hosts are checked side by side, each in its own
 * process: the collector alone (`beacon endpoint run`, the LaunchAgent) and the collector plus
 * the dashboard and its log reader (the menu-bar app). Memory and idle CPU of the collector
 * process under load are measured in the ingest section.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import type { IdleTimersReport, TimerInfo } from './idle-timers-child';
import { progress } from './progress';
import { verdict } from './report';
import type { Section, SectionContext } from './section';

const MIN_PERIOD_MS = 10_000;

function runChild(dir: string, mode: string, idleMs: number): Promise<IdleTimersReport> {
  mkdirSync(dir, { recursive: true });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, 'idle-timers-child.js'), dir, mode, String(idleMs)], {
      env: { PATH: process.env.PATH, HOME: dir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), idleMs + 30_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`idle-timers-child (${mode}) exited ${code}: ${err.trim()}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop() ?? '') as IdleTimersReport);
      } catch {
        reject(new Error(`idle-timers-child (${mode}) printed no report: ${out} ${err}`));
      }
    });
  });
}

const describeTimer = (t: TimerInfo & { count?: number }): string =>
  `${t.repeat ? 'every' : 'once after'} ${t.delayMs} ms from ${t.origin}${t.count !== undefined ? ` (fired ${t.count}x)` : ''}`;

export const idleSection: Section = {
  name: 'idle',
  describe: 'timers armed and fired while the collector (alone, and with the dashboard) sits idle',
  async run(ctx: SectionContext) {
    const idleMs = ctx.quick ? 4000 : 12_000;
    progress(`idle: collector and collector+dashboard in two processes, ${idleMs} ms idle after one export`);
    const reports = await Promise.all([runChild(join(ctx.dir, 'a'), 'collector', idleMs), runChild(join(ctx.dir, 'b'), 'collector+dashboard', idleMs)]);
    for (const r of reports) {
      const candidates = [...r.fired, ...r.intervals];
      const smallest = candidates.length > 0 ? Math.min(...candidates.map((t) => t.delayMs)) : NaN;
      const firedFast = r.fired.filter((t) => t.delayMs < MIN_PERIOD_MS);
      const ok = firedFast.length === 0 && r.intervals.every((t) => t.delayMs >= MIN_PERIOD_MS);
      ctx.add({
        section: 'idle',
        metric: `shortest idle timer, ${r.mode} (${(idleMs / 1000).toFixed(0)} s idle)`,
        value: smallest,
        unit: 'ms',
        target: `>= ${MIN_PERIOD_MS} ms`,
        verdict: verdict(ok),
        note:
          `${r.fired.length === 0 ? 'no timer fired while idle' : `fired while idle: ${r.fired.map(describeTimer).join('; ')}`}; ` +
          `repeating timers armed: ${r.intervals.length === 0 ? 'none' : r.intervals.map(describeTimer).join('; ')}; ` +
          `active handles: ${Object.entries(r.activeResources).map(([k, v]) => `${k} x${v}`).join(', ')}`,
      });
    }
  },
};
