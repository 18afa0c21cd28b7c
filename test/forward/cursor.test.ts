/**
 * The forward cursor on real files: an unterminated last line waits for its newline, a torn
 * line at the end of a rotated file is skipped, a checkpoint survives renames, and a
 * checkpoint whose file is gone (or whose inode now belongs to another file) is reported as
 * lost instead of being resumed at a wrong offset.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendFileSync, fstatSync, mkdtempSync, openSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
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
    // relistMs 0: the file shows up without a rotation here, so only a fresh listing can see it
    // (in the collector it is found by the listing after the one that missed it).
    const { cursor } = await LogCursor.open({ logPath: log, relistMs: 0 }, null);
    await cursor.refresh();
    renameSync(missed, `${log}.1`);
    const got = (await drain(cursor)).map((l) => JSON.parse(l).command.command);
    expect(got).toEqual(['echo 0 ', 'echo 1 x', 'echo 2 xx']);
    expect(cursor.backlog()).toEqual({ events: 0, bytes: 0 });
    // Finished files are not taken in again.
    expect(await drain(cursor)).toEqual([]);
    await cursor.close();
  });

  /** What the collector's thread hands the cursor at rotation time (rotation-capture.ts). */
  function capture(path: string) {
    const fd = openSync(path, 'r');
    const st = fstatSync(fd, { bigint: true });
    return { fd, dev: String(st.dev), ino: String(st.ino) };
  }

  const commands = (lines: string[]) => lines.map((l) => JSON.parse(l).command.command);

  it('never treats the active file as finished when an older archive turns up late (it is read first, and the active file to its end)', async () => {
    // The cursor holds only the active file; an older archive a listing missed turns up later.
    // It must not end up queued AFTER the active file: the cursor would take the active file
    // for a finished archive, skip what is written to it next and, after the next rotation,
    // never look at it again (the 2026-12-04 at-least-once miss after kill -9).
    writeFileSync(log, line(1));
    const older = join(dir, 'elsewhere.jsonl');
    writeFileSync(older, line(0));
    const { cursor } = await LogCursor.open({ logPath: log, relistMs: 0 }, null);
    expect(commands(await drain(cursor))).toEqual(['echo 1 x']);
    renameSync(older, `${log}.1`);
    expect(commands(await drain(cursor))).toEqual(['echo 0 ']);
    appendFileSync(log, line(2));
    // The writer rotates: .1 -> .2, the active file -> .1, a new active file (captured at once).
    renameSync(`${log}.1`, `${log}.2`);
    renameSync(log, `${log}.1`);
    writeFileSync(log, line(3));
    cursor.adopt(capture(log));
    expect(commands(await drain(cursor))).toEqual(['echo 2 xx', 'echo 3 xxx']);
    expect(cursor.backlog()).toEqual({ events: 0, bytes: 0 });
    await cursor.close();
  });

  it('does not read a finished file again when its rotation capture arrives late, nor when the listing loses sight of the newest file held', async () => {
    writeFileSync(log, line(0));
    const { cursor } = await LogCursor.open({ logPath: log }, null);
    const late = capture(log);
    expect(commands(await drain(cursor))).toEqual(['echo 0 ']);
    renameSync(log, `${log}.1`);
    writeFileSync(log, line(1));
    expect(commands(await drain(cursor))).toEqual(['echo 1 x']);
    // The capture of the first file arrives after the cursor finished it.
    cursor.adopt(late);
    renameSync(`${log}.1`, `${log}.2`);
    renameSync(log, `${log}.1`);
    writeFileSync(log, line(2));
    expect(commands(await drain(cursor))).toEqual(['echo 2 xx']);
    // The newest file held is briefly not listed (renamed away, as in the middle of a shift):
    // the finished archives are not taken in again.
    renameSync(log, join(dir, 'moving'));
    expect(await drain(cursor)).toEqual([]);
    renameSync(join(dir, 'moving'), log);
    appendFileSync(log, line(3));
    expect(commands(await drain(cursor))).toEqual(['echo 3 xxx']);
    await cursor.close();
  });

  it('takes a file that got the inode of a deleted finished archive for a new file', async () => {
    writeFileSync(`${log}.1`, line(0));
    writeFileSync(log, line(1));
    const { cursor } = await LogCursor.open({ logPath: log }, null);
    expect(commands(await drain(cursor))).toEqual(['echo 0 ', 'echo 1 x']);
    // The writer expires .1 and rotates; ext4 hands the freed inode to the next new file.
    unlinkSync(`${log}.1`);
    renameSync(log, `${log}.1`);
    writeFileSync(log, line(2));
    expect(commands(await drain(cursor))).toEqual(['echo 2 xx']);
    await cursor.close();
  });

  it('does not report a held archive as lost while a listing does not show it, only once it is deleted', async () => {
    writeFileSync(`${log}.1`, line(0));
    writeFileSync(log, line(1));
    const { cursor } = await LogCursor.open({ logPath: log }, null);
    await cursor.refresh();
    // The active file leaves the listing for a moment (renamed away, then back).
    renameSync(log, join(dir, 'moving'));
    expect(await cursor.refresh()).toEqual([]);
    renameSync(join(dir, 'moving'), log);
    expect(commands(await drain(cursor))).toEqual(['echo 0 ', 'echo 1 x']);
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
