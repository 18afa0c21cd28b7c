/**
 * Torn lines with the real collector: it is killed (SIGKILL) in the middle of a burst of ~3 KB
 * events, again and again, with the dashboard's reader following the log all along. A kill that
 * lands inside a write spanning pages leaves part of a line at the end of the file (an outside
 * attack saw it once in 38 kills); so that every round has one, the test leaves such a part line
 * after each kill itself, the way the kernel does. Then:
 * - no reader Beacon ships sees it as a line: the live index and tail (LogReader), `beacon ci
 *   validate` (the CI summary's reader) and status's last-event reader;
 * - the collector's next start cuts it off, and the reader indexes each event exactly once
 *   across that cut;
 * - every acknowledged event is in the log, once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLastEvent } from '../../electron/endpoint/log-source';
import { LogReader } from '../../electron/log/reader';
import { runBeacon, startEndpointRun, type RunningCli } from '../support/beacon-cli';
import { countIds, OtlpLoad, sessionIdsIn, until, type Posted } from '../support/otlp-load';
import { scrubbedEnv } from '../support/test-env';

const ROUNDS = 5;

let dir: string | undefined;
let run: RunningCli | undefined;
let load: OtlpLoad | undefined;
let reader: LogReader | undefined;
afterEach(async () => {
  await load?.stop();
  await run?.stop('SIGKILL');
  await reader?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('collector killed mid-write, again and again, with ~3 KB events', () => {
  it('no reader sees a torn line, each start repairs it, nothing acknowledged is lost or indexed twice', async () => {
    dir = mkdtempSync(join(tmpdir(), 'beacon-torn-'));
    const log = join(dir, 'runtime.jsonl');
    const env = { ...scrubbedEnv(), HOME: dir };
    const acked: Posted[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      run = await startEndpointRun(['--log-path', log], env);
      reader ??= await LogReader.open({ logPath: log });
      load = new OtlpLoad(run.port, { exporters: 6, recordsPerRequest: 3, promptBytes: 1400, tag: `k${round}` });
      await until(() => load!.acknowledged >= 40, 'a burst');
      run.child.kill('SIGKILL');
      await run.stop('SIGKILL');
      run = undefined;
      acked.push(...(await load.stop()).filter((p) => p.status === 200));
      load = undefined;

      // What a kill inside a page-spanning write leaves: the first pages of a line, no newline.
      // The kill itself may have left one already (it lands inside a write now and then): the
      // whole lines are what counts, and the part line below continues it.
      const whole = sessionIdsIn(log, { tornTail: 'skip' }).length;
      appendFileSync(log, `{"timestamp":"${new Date().toISOString()}","vendor":"beacon","product":"endpoint-agent","prompt":{"text":"${'t'.repeat(2500)}`);
      await reader.refresh();
      expect(reader.skippedLines, 'the live reader took a torn line for one').toBe(0);
      expect(reader.index.size).toBe(whole);
      const ci = await runBeacon(['ci', 'validate', '--log', log, '--min-events', '1', '--json'], { env });
      expect(ci.code, ci.stdout).toBe(0);
      expect(JSON.parse(ci.stdout)).toMatchObject({ status: 'ok', event_count: whole, bad_lines: [] });
      expect((await readLastEvent(log))?.action).toBe('prompt.submitted');
    }

    // A last, clean start: it cuts the part line off, as every start before it did.
    run = await startEndpointRun(['--log-path', log], env);
    load = new OtlpLoad(run.port, { exporters: 2, recordsPerRequest: 3, promptBytes: 1400, tag: 'last' });
    await until(() => load!.acknowledged >= 5, 'events after the last start');
    acked.push(...(await load.stop()).filter((p) => p.status === 200));
    load = undefined;
    expect(await run.stop('SIGTERM')).toBe(0);
    run = undefined;

    const inFile = countIds([log]); // throws on any line that is not whole JSON
    expect(acked.flatMap((p) => p.ids).filter((id) => !inFile.has(id))).toEqual([]);
    expect([...inFile.values()].every((n) => n === 1)).toBe(true);
    await until(async () => {
      await reader!.refresh();
      return reader!.index.size === sessionIdsIn(log).length;
    }, 'the reader to catch up');
    const r = reader!;
    const indexed = r.index.query({ limit: 1_000_000 }).records.map((r) => r.event.session?.id);
    expect(new Set(indexed).size, 'an event indexed twice').toBe(indexed.length);
    expect(new Set(indexed)).toEqual(new Set(inFile.keys()));
    expect(r.skippedLines).toBe(0);
  }, 180_000); // five collector starts and five CLI runs: slow on a loaded machine, not a timing check
});
