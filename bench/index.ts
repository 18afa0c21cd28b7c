/**
 * `npm run bench`: measures the design's targets (design.md section 5) as ratios against
 * baselines measured in the same run, prints one table (stdout) and writes
 * out/bench/results.json. Progress goes to stderr.
 *
 *   node --expose-gc out/bench/index.js [--quick] [--only <section>[,<section>...]] [--json <file>] [--strict]
 *
 * --quick   shorter windows and fewer repetitions (~45 s in all on our 2-core VM); same measurements
 * --only    run only the named sections (see --help)
 * --json    where to write the results (default out/bench/results.json)
 * --strict  exit 1 when any line FAILs (default: exit 1 only when a section could not run)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, platform, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { RESULTS_JSON } from './paths';
import { progress } from './progress';
import { renderTable, writeJson, type BenchReport, type ResultRow, type SectionError } from './report';
import type { Section } from './section';
import { SECTIONS } from './sections';

export interface BenchArgs {
  quick: boolean;
  only: string[] | null;
  json: string;
  strict: boolean;
  help: boolean;
}

export function parseArgs(argv: readonly string[], known: readonly string[]): BenchArgs {
  const args: BenchArgs = { quick: false, only: null, json: RESULTS_JSON, strict: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') args.quick = true;
    else if (a === '--strict') args.strict = true;
    else if (a === '--help' || a === '-h') args.help = true;
    else if (a === '--json') args.json = value();
    else if (a === '--only') {
      const names = value()
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = names.filter((n) => !known.includes(n));
      if (unknown.length > 0) throw new Error(`unknown section(s): ${unknown.join(', ')} (known: ${known.join(', ')})`);
      args.only = [...(args.only ?? []), ...names];
    } else throw new Error(`unknown argument: ${a} (try --help)`);
  }
  return args;
}

function usage(sections: readonly Section[]): string {
  return [
    'usage: node --expose-gc out/bench/index.js [--quick] [--only <section>[,...]] [--json <file>] [--strict]',
    '',
    'sections:',
    ...sections.map((s) => `  ${s.name.padEnd(10)} ${s.describe}`),
  ].join('\n');
}

async function main(): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseArgs(process.argv.slice(2), SECTIONS.map((s) => s.name));
  } catch (err) {
    process.stderr.write(`bench: ${(err as Error).message}\n\n${usage(SECTIONS)}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(usage(SECTIONS) + '\n');
    return 0;
  }
  const selected = SECTIONS.filter((s) => !args.only || args.only.includes(s.name));
  const rows: ResultRow[] = [];
  const errors: SectionError[] = [];
  const t0 = Date.now();
  const loadStart = loadavg()[0];
  progress(`${args.quick ? 'quick' : 'full'} run: ${selected.map((s) => s.name).join(', ')}`);
  for (const section of selected) {
    const dir = mkdtempSync(join(tmpdir(), `beacon-bench-${section.name}-`));
    progress(`== ${section.name}: ${section.describe}`);
    try {
      await section.run({ quick: args.quick, dir, add: (r) => rows.push(r) });
    } catch (err) {
      const message = (err as Error).stack ?? String(err);
      errors.push({ section: section.name, error: (err as Error).message ?? String(err) });
      progress(`!! ${section.name} could not run: ${message}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    (globalThis as { gc?: () => void }).gc?.();
  }

  const report: BenchReport = {
    date: new Date().toISOString(),
    machine: { nproc: cpus().length, cpu: cpus()[0]?.model ?? 'unknown', node: process.version, platform: platform(), totalMemMB: Math.round(totalmem() / 2 ** 20), loadavgStart: loadStart, loadavgEnd: loadavg()[0] },
    mode: args.quick ? 'quick' : 'full',
    sections: selected.map((s) => s.name),
    durationS: Math.round((Date.now() - t0) / 100) / 10,
    rows,
    errors,
  };
  writeJson(args.json, report);
  const m = report.machine;
  process.stdout.write(
    `Beacon bench (${report.mode}) ${report.date}  nproc=${m.nproc} node=${m.node} ${m.platform} cpu="${m.cpu}" mem=${m.totalMemMB} MB  load average ${m.loadavgStart.toFixed(1)} -> ${m.loadavgEnd.toFixed(1)}  took ${report.durationS} s\n\n`,
  );
  process.stdout.write(renderTable(rows) + '\n');
  for (const e of errors) process.stdout.write(`\nSECTION ERROR ${e.section}: ${e.error}\n`);
  const failed = rows.filter((r) => r.verdict === 'FAIL').length;
  const passed = rows.filter((r) => r.verdict === 'PASS').length;
  process.stdout.write(`\n${passed} PASS, ${failed} FAIL, ${errors.length} section error(s); JSON: ${args.json}\n`);
  if (errors.length > 0) return 1;
  return args.strict && failed > 0 ? 1 : 0;
}

if (require.main === module) {
  main().then(
    (code) => process.exit(code),
    (err: Error) => {
      process.stderr.write(`bench: ${err.stack ?? err.message}\n`);
      process.exit(1);
    },
  );
}
