/**
 * The bench's building blocks: the statistics it reports, its argument parsing and table, the
 * payload record counts it divides by, and a short real run of one section through the compiled
 * entry point (npm test builds first). Speed itself is never asserted here: that is what
 * `npm run bench` is for.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { median, percentile, relativeMad, summarize } from '../../bench/stats';
import { parseArgs } from '../../bench/index';
import { renderTable, type ResultRow } from '../../bench/report';
import { loadCodexPayloads } from '../../bench/payloads';
import { measureDecodeRate, protobufjsDecode } from '../../bench/decode-rate';
import type { BenchReport } from '../../bench/report';

const REPO = resolve(__dirname, '../..');
const BENCH_JS = join(REPO, 'out', 'bench', 'index.js');
const tmp = mkdtempSync(join(tmpdir(), 'beacon-bench-test-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('statistics', () => {
  it('takes nearest-rank percentiles that are always measured values', () => {
    const xs = [5, 1, 4, 2, 3, 10, 9, 8, 7, 6];
    expect(percentile(xs, 50)).toBe(5);
    expect(percentile(xs, 90)).toBe(9);
    expect(percentile(xs, 99)).toBe(10);
    expect(percentile(xs, 100)).toBe(10);
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile([7], 99)).toBe(7);
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile(xs, 101)).toThrow(RangeError);
  });

  it('p99 of 1000 latencies with ten slow ones is a fast value; with eleven it is slow', () => {
    const fast = Array.from({ length: 990 }, () => 1);
    expect(percentile([...fast, ...Array(10).fill(100)], 99)).toBe(1);
    expect(percentile([...fast.slice(1), ...Array(11).fill(100)], 99)).toBe(100);
  });

  it('medians, summaries and a spread measure that one outlier cannot inflate', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    const s = summarize([1, 2, 3, 4]);
    expect(s).toMatchObject({ n: 4, min: 1, max: 4, mean: 2.5, p50: 2 });
    expect(relativeMad([100, 100, 100, 100, 5000])).toBe(0);
    expect(relativeMad([90, 100, 110])).toBeCloseTo(0.1);
  });
});

describe('command line and table', () => {
  const known = ['ingest', 'idle'];
  it('parses --quick, --only (comma list) and --json, and rejects what it does not know', () => {
    const a = parseArgs(['--quick', '--only', 'ingest,idle', '--json', '/tmp/x.json'], known);
    expect(a).toMatchObject({ quick: true, only: ['ingest', 'idle'], json: '/tmp/x.json', strict: false });
    expect(() => parseArgs(['--only', 'nope'], known)).toThrow(/unknown section\(s\): nope/);
    expect(() => parseArgs(['--only'], known)).toThrow(/needs a value/);
    expect(() => parseArgs(['--fast'], known)).toThrow(/unknown argument/);
  });

  it('prints measured value, baseline, ratio, target and verdict on one line, notes below', () => {
    const rows: ResultRow[] = [
      { section: 'ingest', metric: 'throughput', value: 1234, unit: 'rec/s', baseline: { value: 5000, unit: 'rec/s', label: 'bare decode' }, ratio: 0.2468, target: '>= 0.5x', verdict: 'FAIL', note: 'client ceiling 9x' },
      { section: 'idle', metric: 'rss', value: 42, unit: 'MB', target: '< 100 MB', verdict: 'PASS' },
    ];
    const lines = renderTable(rows).split('\n');
    const fail = lines.find((l) => l.includes('throughput'))!;
    expect(fail).toMatch(/1234 rec\/s .*5000 rec\/s \(bare decode\) .*0\.247x .*>= 0\.5x .*FAIL \[1\]/);
    expect(lines.find((l) => l.includes('rss'))).toMatch(/42\.0 MB .*- .*< 100 MB .*PASS$/);
    expect(lines).toContain('[1] client ceiling 9x');
  });
});

describe('payloads and the decode baseline', () => {
  it('counts the records of the real Codex payloads and decodes them at a positive rate', () => {
    const payloads = loadCodexPayloads();
    expect(payloads.map((p) => p.records)).toEqual([20, 38]);
    const r = measureDecodeRate(payloads, protobufjsDecode, 10, 50);
    expect(r.records).toBeGreaterThan(0);
    // Records are counted in whole payloads of 20 or 38.
    expect(r.records % 2).toBe(0);
    expect(r.recordsPerS).toBeGreaterThan(0);
  });
});

function runBench(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  if (!existsSync(BENCH_JS)) throw new Error(`${BENCH_JS} is missing: run \`npm run build\` first (npm test does)`);
  return new Promise((resolveP, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', BENCH_JS, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolveP({ code: code ?? 1, stdout, stderr });
    });
  });
}

describe('compiled bench', () => {
  it('a quick run of the idle section prints the table, progress on stderr, and writes the JSON', async () => {
    const json = join(tmp, 'results.json');
    const r = await runBench(['--quick', '--only', 'idle', '--json', json]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/\[bench .*\] == idle/);
    expect(r.stdout).toMatch(/shortest periodic timer, collector .*(PASS|FAIL)/);
    const report = JSON.parse(readFileSync(json, 'utf8')) as BenchReport;
    expect(report.mode).toBe('quick');
    expect(report.sections).toEqual(['idle']);
    expect(report.errors).toEqual([]);
    expect(report.rows.map((row) => row.metric)).toEqual([
      expect.stringContaining('shortest periodic timer, collector ('),
      expect.stringContaining('shortest periodic timer, collector+dashboard ('),
    ]);
    // The collector always holds Node's HTTP connection-check interval: a timer was seen.
    for (const row of report.rows) expect(row.value).toBeGreaterThan(0);
  });

  it('refuses an unknown section with exit code 2 and the list of sections', async () => {
    const r = await runBench(['--only', 'nosuch']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown section\(s\): nosuch/);
    expect(r.stderr).toMatch(/ingest .*\n.*idle/s);
  });
});
