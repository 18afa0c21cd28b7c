/**
 * The forward cursor against the real writer rotating hard in another process: a rotation every
 * few dozen lines, each shifting up to hundreds of archive names, while the cursor lists, reads
 * and commits, takes in the files a rotation capture hands it (rotation-capture.ts, as the
 * collector's thread does), and is restarted from its checkpoint now and then without
 * acknowledging its last batch (a kill -9). This is the race behind the at-least-once misses of
 * 2026-12-04 (a listing taken mid-shift), hit thousands of times in seconds: every line of the
 * log must be read, none more than twice, and nothing reported lost (no archive expires here).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { LogCursor, type CursorPosition, type LostRange } from '../../electron/forward/log-cursor';
import { RotationCapture } from '../../electron/forward/rotation-capture';
import { listLogFiles } from '../../electron/log/rotation';
import { localEvents, sleep } from './helpers';

const EVENTS = 3_000;
const ROTATE_BYTES = 6 * 1024;
const ARCHIVES = 5000;

/** For a failure: the files on disk, and whether the checkpoint's inode is among them with the same first bytes. */
function describeDir(dir: string, p: CursorPosition | null): string {
  const names = readdirSync(dir);
  const match = names.find((n) => String(statSync(join(dir, n)).ino) === p?.ino);
  let head = 'no file has its inode';
  if (match && p) {
    const fd = openSync(join(dir, match), 'r');
    const b = Buffer.alloc(p.head_len);
    const n = readSync(fd, b, 0, b.length, 0);
    closeSync(fd);
    head = `${match} has it, first bytes ${createHash('sha256').update(b.subarray(0, n)).digest('hex') === p.head_sha256 ? 'match' : 'differ'}`;
  }
  return `${names.length} files; ${head}`;
}

describe('LogCursor under a writer rotating hard', () => {
  let dir: string;
  let log: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'beacon-cursor-stress-'));
    log = join(dir, 'runtime.jsonl');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every line once or twice, through restarts from the checkpoint, and reports nothing lost', async () => {
    const script = join(dir, 'rotating-writer.cjs');
    await build({ entryPoints: [join(__dirname, 'fixtures', 'rotating-writer.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: script, logLevel: 'silent' });
    const child = spawn(process.execPath, [script, log, String(EVENTS), String(ROTATE_BYTES), String(ARCHIVES)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let writerDone = false;
    void exited.then(() => (writerDone = true));

    const seen = new Map<string, number>();
    const lost: LostRange[] = [];
    let position: CursorPosition | null = null;
    let cursor = (await LogCursor.open({ logPath: log }, null)).cursor;
    // The collector's thread hands over each new active file the moment it sees it.
    const capture = new RotationCapture(log, 1);
    const captureTimer = setInterval(() => {
      const files = capture.check();
      if (files) cursor.adopt(files[0]);
    }, 1);
    let restarts = 0;
    let batches = 0;
    try {
      for (let idle = 0; idle < 3; ) {
        lost.push(...(await cursor.refresh()));
        const batch = await cursor.read(40, 16 * 1024);
        if (cursor.moved) {
          cursor.moved = false;
          position = await cursor.position();
        }
        if (!batch) {
          // Finished once the writer has exited and two more looks find nothing.
          if (writerDone) idle++;
          await sleep(2);
          continue;
        }
        idle = 0;
        batches++;
        for (const l of batch.lines) {
          const id = (JSON.parse(l) as { event: { id: string } }).event.id;
          seen.set(id, (seen.get(id) ?? 0) + 1);
        }
        if (batches % 37 === 0) {
          // kill -9 after sending, before the acknowledgement: start over from the checkpoint.
          await cursor.close();
          const reopened = await LogCursor.open({ logPath: log }, position);
          if (reopened.lost) throw new Error(`restart ${restarts}: the checkpoint's file was not found: ${JSON.stringify(position)}; ${describeDir(dir, position)}`);
          cursor = reopened.cursor;
          restarts++;
          continue;
        }
        await cursor.commit(batch);
        position = await cursor.position();
      }
    } finally {
      clearInterval(captureTimer);
      await cursor.close();
      child.kill('SIGKILL');
    }
    expect(await exited).toBe(0);
    expect(out).toContain('done');

    const local = await localEvents(log);
    expect(local).toHaveLength(EVENTS);
    expect((await listLogFiles(log)).length).toBeGreaterThan(200);
    expect(restarts).toBeGreaterThan(5);
    expect(lost).toEqual([]);
    const missed = local.filter((e) => !seen.has(e.event.id!));
    expect(missed.length, `missed ${missed.length} of ${EVENTS}`).toBe(0);
    expect(Math.max(...seen.values())).toBeLessThanOrEqual(2);
    expect(seen.size).toBe(EVENTS);
  }, 120_000);
});
