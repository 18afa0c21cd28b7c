import { appendFileSync, renameSync, rmSync, truncateSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EventRecord } from '../../electron/shared/api';
import { LogReader } from '../../electron/log/reader';
import { baseEvent, toJsonl } from './make-events';
import { tempDir, waitFor } from './helpers';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

let clock = Date.UTC(2026, 0, 15, 9, 0, 0);
function ev(message: string, session = 's-1') {
  const e = baseEvent('response.completed', 'response', (clock += 1000), session);
  e.message = message;
  return e;
}

async function follow(initial?: string) {
  const t = tempDir();
  cleanups.push(t.cleanup);
  const dir = t.dir;
  const log = join(dir, 'runtime.jsonl');
  if (initial !== undefined) writeFileSync(log, initial);
  const reader = await LogReader.open({ logPath: log });
  cleanups.push(() => reader.close());
  const received: EventRecord[] = [];
  reader.subscribe((recs) => received.push(...recs));
  const messages = () => received.map((r) => r.event.message);
  return { reader, log, dir, received, messages };
}

describe('LogReader live tail', () => {
  it('delivers appended events to subscribers and adds them to the index', async () => {
    const { reader, log, received, messages } = await follow(toJsonl([ev('old')]));
    expect(reader.index.size).toBe(1);
    appendFileSync(log, toJsonl([ev('one'), ev('two')]));
    await waitFor(() => received.length >= 2, 'two appended events');
    expect(messages()).toEqual(['one', 'two']);
    expect(received.map((r) => r.seq)).toEqual([1, 2]);
    expect(reader.index.query({ q: 'two', limit: 5 }).total).toBe(1);
    expect(reader.index.sessions()[0].events).toBe(3);
  });

  it('holds a partial last line until its newline arrives', async () => {
    const { reader, log, received, messages } = await follow('');
    const line = JSON.stringify(ev('split across writes'));
    const cut = Math.floor(line.length / 2);
    appendFileSync(log, line.slice(0, cut));
    // Force a read of the half line; nothing may come out of it.
    await reader.refresh();
    expect(received).toEqual([]);
    expect(reader.position()?.pendingBytes).toBe(cut);
    appendFileSync(log, line.slice(cut) + '\n' + JSON.stringify(ev('next')) + '\n');
    await waitFor(() => received.length >= 2, 'the completed line');
    expect(messages()).toEqual(['split across writes', 'next']);
    expect(reader.skippedLines).toBe(0);
  });

  it('keeps multi-byte characters intact when a write splits them', async () => {
    const { reader, log, messages } = await follow('');
    const bytes = Buffer.from(JSON.stringify(ev('naïve café ✓ 日本')) + '\n', 'utf8');
    const mid = bytes.indexOf(Buffer.from('✓')) + 1; // inside the 3-byte check mark
    appendFileSync(log, bytes.subarray(0, mid));
    await reader.refresh();
    appendFileSync(log, bytes.subarray(mid));
    await waitFor(() => messages().length === 1, 'the unicode event');
    expect(messages()).toEqual(['naïve café ✓ 日本']);
  });

  it('follows rotation: finishes the renamed file, then reads the new one from the start', async () => {
    const { reader, log, messages } = await follow(toJsonl([ev('before')]));
    // A writer that appended its last lines just before rotating...
    appendFileSync(log, toJsonl([ev('last in old file')]));
    renameSync(log, `${log}.1`);
    writeFileSync(log, toJsonl([ev('first in new file')]));
    await waitFor(() => messages().length >= 2, 'events from both files');
    expect(messages()).toEqual(['last in old file', 'first in new file']);
    appendFileSync(log, toJsonl([ev('second in new file')]));
    await waitFor(() => messages().length >= 3, 'an append after rotation');
    expect(messages()[2]).toBe('second in new file');
    expect(reader.index.size).toBe(4);
  });

  it('restarts at offset 0 when the file is truncated in place', async () => {
    const { reader, log, messages } = await follow(toJsonl([ev('a'), ev('b'), ev('c')]));
    truncateSync(log, 0);
    await reader.refresh();
    appendFileSync(log, toJsonl([ev('after truncation')]));
    await waitFor(() => messages().length >= 1, 'the event after truncation');
    expect(messages()).toEqual(['after truncation']);
    // what was read before truncation stays in the index: those events happened
    expect(reader.index.size).toBe(4);
  });

  it('picks up a log that is created after the reader started, and one deleted and recreated', async () => {
    const { log, messages } = await follow(undefined);
    writeFileSync(log, toJsonl([ev('created later')]));
    await waitFor(() => messages().length >= 1, 'the new file');
    rmSync(log);
    writeFileSync(log, toJsonl([ev('recreated')]));
    await waitFor(() => messages().length >= 2, 'the recreated file');
    expect(messages()).toEqual(['created later', 'recreated']);
  });

  it('skips garbage appended by other tools and keeps going', async () => {
    const { reader, log, messages } = await follow('');
    appendFileSync(log, 'plain text from something else\n{"broken": \n' + toJsonl([ev('fine')]));
    await waitFor(() => messages().length >= 1, 'the valid event');
    expect(reader.skippedLines).toBe(2);
  });

  it('reads a log whose directory appears later (fallback poll re-arms the watcher)', async () => {
    const t = tempDir();
    cleanups.push(t.cleanup);
    const dir = join(t.dir, 'logs');
    const log = join(dir, 'runtime.jsonl');
    // A short poll only so this test does not wait 10 s for the fallback; the default is 10 s.
    const reader = await LogReader.open({ logPath: log, pollIntervalMs: 200 });
    cleanups.push(() => reader.close());
    const got: string[] = [];
    reader.subscribe((recs) => got.push(...recs.map((r) => r.event.message ?? '')));
    mkdirSync(dir);
    writeFileSync(log, toJsonl([ev('in new dir')]));
    await waitFor(() => got.length >= 1, 'the event in the new directory');
    appendFileSync(log, toJsonl([ev('appended')]));
    await waitFor(() => got.length >= 2, 'the appended event');
    expect(got).toEqual(['in new dir', 'appended']);
  });
});
