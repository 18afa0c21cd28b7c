/**
 * The forward cursor on real files: an unterminated last line waits for its newline, a torn
 * line at the end of a rotated file is skipped, a checkpoint survives renames, and a
 * checkpoint whose file is gone (or whose inode now belongs to another file) is reported as
 * lost instead of being resumed at a wrong offset.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LogCursor, type CursorPosition } from '../../electron/forward/log-cursor';
import { prepareItems } from '../../electron/forward/forward-items';
import { makeEvent } from './helpers';

const line = (i: number) => JSON.stringify(makeEvent(i)) + '\n';

describe('LogCursor', () => {
  let dir: string;
  let log: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'beacon-cursor-'));
    log = join(dir, 'runtime.jsonl');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function drain(c: LogCursor): Promise<string[]> {
    const out: string[] = [];
    for (;;) {
      await c.refresh();
      const b = await c.read(1000, 1 << 20);
      if (!b) return out;
      out.push(...b.lines);
      await c.commit(b);
    }
  }

  it('holds back an unterminated last line until its newline is written', async () => {
    writeFileSync(log, line(0) + line(1).slice(0, 40));
    const { cursor } = await LogCursor.open({ logPath: log }, null);
    expect((await drain(cursor)).map((l) => JSON.parse(l).command.command)).toEqual(['echo 0 ']);
    appendFileSync(log, line(1).slice(40));
    expect((await drain(cursor)).map((l) => JSON.parse(l).command.command)).toEqual(['echo 1 x']);
    expect(cursor.backlog()).toEqual({ events: 0, bytes: 0 });
    await cursor.close();
  });

  it('follows a rename (rotation) without losing the old file\'s end, and skips a torn last line there', async () => {
    writeFileSync(log, line(0) + line(1));
    const { cursor } = await LogCursor.open({ logPath: log }, null);
    await cursor.refresh();
    appendFileSync(log, line(2) + '{"torn":');
    renameSync(log, `${log}.1`);
    writeFileSync(log, line(3));
    const got = (await drain(cursor)).map((l) => JSON.parse(l).command.command);
    expect(got).toEqual(['echo 0 ', 'echo 1 x', 'echo 2 xx', 'echo 3 xxx']);
    expect(cursor.skippedBytes).toBe('{"torn":'.length);
    await cursor.close();
  });

  it('reads and counts an archive an earlier listing missed (listed while the writer shifted archives), once', async () => {
    // The cursor opens holding .2 and the active file; .1 appears between them afterwards, as a
    // file a listing taken mid-rotation did not see.
    writeFileSync(`${log}.2`, line(0));
    writeFileSync(log, line(2));
    const missed = join(dir, 'elsewhere.jsonl');
    writeFileSync(missed, line(1));
    const { cursor } = await LogCursor.open({ logPath: log }, null);
    await cursor.refresh();
    renameSync(missed, `${log}.1`);
    const got = (await drain(cursor)).map((l) => JSON.parse(l).command.command);
    expect(got).toEqual(['echo 0 ', 'echo 1 x', 'echo 2 xx']);
    expect(cursor.backlog()).toEqual({ events: 0, bytes: 0 });
    // Finished files are not taken in again.
    expect(await drain(cursor)).toEqual([]);
    await cursor.close();
  });

  it('resumes from a checkpoint after the file it names was rotated', async () => {
    writeFileSync(log, line(0) + line(1));
    let { cursor } = await LogCursor.open({ logPath: log }, null);
    await cursor.refresh();
    const b = (await cursor.read(1, 1 << 20))!;
    await cursor.commit(b);
    const pos = (await cursor.position())!;
    await cursor.close();
    renameSync(log, `${log}.1`);
    writeFileSync(log, line(2));
    const reopened = await LogCursor.open({ logPath: log }, pos);
    expect(reopened.lost).toBeNull();
    cursor = reopened.cursor;
    expect((await drain(cursor)).map((l) => JSON.parse(l).command.command)).toEqual(['echo 1 x', 'echo 2 xx']);
    await cursor.close();
  });

  it('reports a checkpoint whose file is gone as lost (count unknown), and one whose inode was reused as well', async () => {
    writeFileSync(log, line(0));
    const { cursor } = await LogCursor.open({ logPath: log }, null);
    const pos = (await cursor.position()) as CursorPosition;
    await cursor.close();
    unlinkSync(log);
    writeFileSync(log, line(5));
    const a = await LogCursor.open({ logPath: log }, pos);
    // Same inode number may come back for the new file: the head digest tells them apart.
    expect(a.lost).toMatchObject({ events: null, until: makeEvent(5).timestamp });
    expect((await drain(a.cursor)).length).toBe(1);
    await a.cursor.close();
    const b = await LogCursor.open({ logPath: log }, { ...pos, dev: 'x', ino: 'y' });
    expect(b.lost).not.toBeNull();
    await b.cursor.close();
  });

  it('start_at end: only what is written after the first start', async () => {
    writeFileSync(log, line(0) + line(1));
    const { cursor } = await LogCursor.open({ logPath: log, startAt: 'end' }, null);
    expect(await drain(cursor)).toEqual([]);
    appendFileSync(log, line(2));
    expect((await drain(cursor)).map((l) => JSON.parse(l).command.command)).toEqual(['echo 2 xx']);
    await cursor.close();
  });
});

describe('prepareItems', () => {
  it('skips lines that are not Beacon events and applies a stricter content policy before anything leaves', () => {
    const ev = makeEvent(1, { prompt: { text: 'deploy with the key in ~/.ssh/id_rsa please' } });
    const { items, skipped } = prepareItems(['not json', '{"a":1}', JSON.stringify(ev), ''], 'metadata');
    expect(skipped).toBe(2);
    expect(items).toHaveLength(1);
    const sent = JSON.parse(items[0].line);
    expect(sent.prompt.text).toBeUndefined();
    expect(sent.command.command).toBeUndefined();
    expect(sent.content.retention).toBe('metadata');
    expect(sent.content.withheld['prompt.text'].length).toBe(ev.prompt!.text!.length);
    expect(sent.event.id).toBe(ev.event.id);
    // No stricter policy asked: the line goes out byte for byte as written.
    expect(prepareItems([JSON.stringify(ev)], undefined).items[0].line).toBe(JSON.stringify(ev));
    expect(prepareItems([JSON.stringify(ev)], 'redacted').items[0].line).toBe(JSON.stringify(ev));
  });
});
