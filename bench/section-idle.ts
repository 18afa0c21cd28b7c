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
      // A periodic wake-up is a repeating timer, or a one-shot re-armed while idle (a poll
      // loop built from setTimeout). A one-shot armed by the last write before the window
      // (e.g. the trailing health-file persist) fires once and is gone: listed, not counted.
      const periodic = [...r.fired.filter((t) => t.repeat || t.armedWhileIdle), ...r.intervals];
      const trailing = r.fired.filter((t) => !t.repeat && !t.armedWhileIdle);
      const smallest = periodic.length > 0 ? Math.min(...periodic.map((t) => t.delayMs)) : NaN;
      const ok = periodic.every((t) => t.delayMs >= MIN_PERIOD_MS);
      ctx.add({
        section: 'idle',
        metric: `shortest periodic timer, ${r.mode} (${(idleMs / 1000).toFixed(0)} s idle)`,
        value: smallest,
        unit: 'ms',
        target: `>= ${MIN_PERIOD_MS} ms`,
        verdict: verdict(ok),
        note:
          `${r.fired.length === 0 ? 'no timer fired while idle' : `fired while idle: ${r.fired.map(describeTimer).join('; ')}`}; ` +
          `${trailing.length > 0 ? `${trailing.length} of them one-shot(s) armed by the last write before the window (not periodic); ` : ''}` +
          `repeating timers armed: ${r.intervals.length === 0 ? 'none' : r.intervals.map(describeTimer).join('; ')}; ` +
          `active handles: ${Object.entries(r.activeResources).map(([k, v]) => `${k} x${v}`).join(', ')}`,
      });
    }
  },
};
