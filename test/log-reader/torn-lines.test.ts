/**
 * No reader ever hands on a torn line. A torn line is the end of a write that a SIGKILL (or a
 * power cut) stopped part way: here it is made the way the kernel leaves it, by writing part of
 * a line at the end of the file, and the real writer's restart repair (torn-tail.ts) cuts it.
 */
import { appendFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { drainFile, openLogFile } from '../../electron/log/log-tail';
import { LogReader } from '../../electron/log/reader';
import { completeLines } from '../../electron/log/reader-lines';
import { RuntimeLogWriter } from '../../electron/log/writer';
import type { EventRecord } from '../../electron/shared/api';
import { baseEvent, toJsonl } from './make-events';
import { tempDir, waitFor } from './helpers';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

let clock = Date.UTC(2026, 0, 15, 9, 0, 0);
function ev(message: string) {
  const e = baseEvent('response.completed', 'response', (clock += 1000), 's-1');
  e.message = message;
  return e;
}
const line = (message: string) => JSON.stringify(ev(message));

function logIn(): { dir: string; log: string } {
  const t = tempDir();
  cleanups.push(t.cleanup);
  return { dir: t.dir, log: join(t.dir, 'runtime.jsonl') };
}

describe('torn lines', () => {
  it('a fragment cut off by the restarted writer is never glued to the lines written in its place', async () => {
    const { log } = logIn();
    // (A prefix of a different shape than the events that follow: glued to the cut-off middle of
    // one of them it would make garbage. Glued to a look-alike prefix it could even parse, as a
    // wrong event.)
    const fragment = `{"timestamp":"2026-01-15T09:00:00.000Z","prompt":{"text":"${'p'.repeat(120)}`;
    writeFileSync(log, toJsonl([ev('before')]) + fragment);
    const file = (await openLogFile(log))!;
    cleanups.push(() => file.handle.close());
    const got: string[] = [];
    await drainFile(file, (lines) => got.push(...lines));
    expect(got.map((l) => JSON.parse(l).message)).toEqual(['before']);
    expect(file.splitter.pendingBytes).toBe(fragment.length);

    // The collector starts again: its writer cuts the fragment and appends new events, more
    // bytes than the fragment, before this reader looks again.
    const w = await RuntimeLogWriter.open({ path: log, healthFile: false });
    await w.append([ev('after 1'), ev('after 2')]);
    await w.close();
    expect(w.warnings.some((m) => m.includes('torn by an earlier crash'))).toBe(true);

    await drainFile(file, (lines) => got.push(...lines));
    expect(got.map((l) => JSON.parse(l).message)).toEqual(['before', 'after 1', 'after 2']);
  });

  it('the live reader indexes each event once across a repair it sees in steps (cut first, new lines later)', async () => {
    const { log } = logIn();
    writeFileSync(log, toJsonl([ev('one'), ev('two')]) + line('torn').slice(0, 200));
    const reader = await LogReader.open({ logPath: log });
    cleanups.push(() => reader.close());
    const received: EventRecord[] = [];
    reader.subscribe((r) => received.push(...r));
    expect(reader.index.size).toBe(2);

    const w = await RuntimeLogWriter.open({ path: log, healthFile: false });
    cleanups.push(() => w.close());
    await reader.refresh(); // the file shrank by the fragment only: nothing was truncated away
    expect(reader.index.size).toBe(2);
    await w.append([ev('three')]);
    await w.flush();
    await waitFor(() => received.length >= 1, 'the event written after the repair');
    await reader.refresh();
    expect(received.map((r) => r.event.message)).toEqual(['three']);
    expect(reader.index.size).toBe(3);
    expect(reader.skippedLines).toBe(0);
  });

  it('the unterminated end of a file rotated away is dropped, even when it parses', async () => {
    const { log } = logIn();
    writeFileSync(log, toJsonl([ev('kept')]));
    const reader = await LogReader.open({ logPath: log });
    cleanups.push(() => reader.close());
    const received: EventRecord[] = [];
    reader.subscribe((r) => received.push(...r));
    // Torn just before its newline: the JSON is whole, the line is not (never acknowledged).
    appendFileSync(log, line('no newline'));
    await reader.refresh();
    renameSync(log, `${log}.1`);
    writeFileSync(log, toJsonl([ev('new file')]));
    await waitFor(() => received.length >= 1, 'the new file');
    await reader.refresh();
    expect(received.map((r) => r.event.message)).toEqual(['new file']);
    expect(reader.skippedLines).toBe(1);
  });

  it('an archive that ends without a newline: its last line is not an event', async () => {
    const { log } = logIn();
    writeFileSync(`${log}.1`, toJsonl([ev('archived')]) + line('torn at its newline'));
    writeFileSync(log, toJsonl([ev('current')]));
    const reader = await LogReader.open({ logPath: log, follow: false });
    cleanups.push(() => reader.close());
    expect(reader.index.query({ limit: 10 }).records.map((r) => r.event.message)).toEqual(['current', 'archived']);
    expect(reader.skippedLines).toBe(1);
  });

  it('completeLines: what follows the last newline is not a line', () => {
    expect(completeLines('')).toEqual([]);
    expect(completeLines('{"a":1}')).toEqual([]);
    expect(completeLines('{"a":1}\n{"b"')).toEqual(['{"a":1}']);
    expect(completeLines('{"a":1}\n\n{"b":2}\n')).toEqual(['{"a":1}', '', '{"b":2}']);
  });
});
