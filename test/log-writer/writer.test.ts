import { access, chmod, mkdir, readdir, readFile, rename, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readHealthState } from '../../electron/log/health-state';
import { listLogFiles } from '../../electron/log/rotation';
import { LogUnavailableError, RuntimeLogWriter } from '../../electron/log/writer';
import { activeTimers, makeTempDir, readJsonl, removeDir, seqOf, testEvent } from './helpers';

let dir: string;
let logPath: string;
const writers: RuntimeLogWriter[] = [];

async function openWriter(opts: Partial<Parameters<typeof RuntimeLogWriter.open>[0]> = {}): Promise<RuntimeLogWriter> {
  const w = await RuntimeLogWriter.open({ path: logPath, ...opts });
  writers.push(w);
  return w;
}

beforeEach(async () => {
  dir = await makeTempDir();
  logPath = join(dir, 'logs', 'runtime.jsonl');
});

afterEach(async () => {
  await Promise.all(writers.splice(0).map((w) => w.close()));
  await removeDir(dir);
});

describe('RuntimeLogWriter: concurrency', () => {
  it('keeps every line whole and every event exactly once under thousands of concurrent appends', async () => {
    const w = await openWriter({ rotateBytes: 1024 * 1024 * 1024 });
    const callers = 40;
    const appendsPerCaller = 50;
    const expected = new Map<string, number>();
    const results = await Promise.all(
      Array.from({ length: callers }, async (_, c) => {
        let written = 0;
        for (let i = 0; i < appendsPerCaller; i++) {
          const n = 1 + ((c + i) % 4);
          // Mixed sizes, some lines of several KiB, so writes are big enough to be split by the OS.
          const events = Array.from({ length: n }, (_, k) => testEvent(c * 1_000_000 + i * 10 + k, { caller: c, message: 'x'.repeat(((c * 7 + i * 13 + k) % 5) * 2000) }));
          const r = await w.append(events);
          expect(r.written).toBe(n);
          expect(r.truncated).toBe(0);
          written += r.written;
        }
        expected.set(String(c), written);
        return written;
      }),
    );
    const total = results.reduce((a, b) => a + b, 0);
    const lines = await readJsonl(logPath);
    expect(lines).toHaveLength(total);
    expect(w.health.eventsWritten).toBe(total);
    // Each caller's events appear once each and in the order it appended them.
    const perCaller = new Map<number, number[]>();
    for (const e of lines) {
      const c = e.caller as number;
      perCaller.set(c, [...(perCaller.get(c) ?? []), seqOf(e)]);
    }
    for (const [c, seqs] of perCaller) {
      expect(seqs.length).toBe(expected.get(String(c)));
      expect(new Set(seqs).size).toBe(seqs.length);
      expect([...seqs].sort((a, b) => a - b)).toEqual(seqs);
    }
  });

  it('groups appends fired all at once and resolves each with its own counts', async () => {
    const w = await openWriter();
    const promises = Array.from({ length: 3000 }, (_, i) => w.append([testEvent(i)]));
    const results = await Promise.all(promises);
    expect(results.every((r) => r.written === 1 && r.truncated === 0)).toBe(true);
    const lines = await readJsonl(logPath);
    expect(lines.map(seqOf)).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    // Exactly the 3000 lines, nothing more: no byte written twice or left half-written.
    const bytes = Array.from({ length: 3000 }, (_, i) => Buffer.byteLength(JSON.stringify(testEvent(i)) + '\n')).reduce((a, b) => a + b, 0);
    expect((await stat(logPath)).size).toBe(bytes);
  });

  it('rejects a bad event before writing anything of that call, and keeps serving others', async () => {
    const w = await openWriter();
    await w.append([testEvent(0)]);
    await expect(w.append([testEvent(1), null as unknown as object])).rejects.toThrow(TypeError);
    await w.append([testEvent(2)]);
    expect((await readJsonl(logPath)).map(seqOf)).toEqual([0, 2]);
  });
});

describe('RuntimeLogWriter: truncation', () => {
  it('writes an oversized event truncated and counts it', async () => {
    const w = await openWriter();
    const text = '漢字😀'.repeat(20_000); // ~200 KiB of multi-byte text
    const r = await w.append([testEvent(0), testEvent(1, { prompt: { text } }), testEvent(2)]);
    expect(r).toMatchObject({ written: 3, truncated: 1 });
    const raw = await readFile(logPath, 'utf8');
    const lines = raw.split('\n').slice(0, -1);
    expect(lines).toHaveLength(3);
    expect(Buffer.byteLength(lines[1]) + 1).toBeLessThanOrEqual(64 * 1024);
    const ev = JSON.parse(lines[1]);
    expect(ev.field_truncated).toBe(true);
    expect(ev.prompt.text).toMatch(/…\[truncated by beacon\]$/);
    expect(JSON.parse(lines[0]).field_truncated).toBeUndefined();
  });
});

describe('RuntimeLogWriter: rotation', () => {
  it('rotates between whole lines, keeps N archives, deletes the oldest', async () => {
    const rotateBytes = 4096;
    const w = await openWriter({ rotateBytes, rotateArchives: 3 });
    for (let i = 0; i < 200; i++) await w.append([testEvent(i, { message: 'm'.repeat(i % 300) })]);
    await w.flush();
    const files = await listLogFiles(logPath);
    expect(files).toEqual([`${logPath}.3`, `${logPath}.2`, `${logPath}.1`, logPath]);
    await expect(access(`${logPath}.4`)).rejects.toThrow();
    // The archive that fell off the end is deleted after the rotation, not left behind.
    expect((await readdir(join(dir, 'logs'))).filter((n) => n.includes('expired'))).toEqual([]);
    const seqs: number[] = [];
    for (const f of files) {
      expect((await stat(f)).size).toBeLessThanOrEqual(rotateBytes);
      expect((await stat(f)).mode & 0o777).toBe(0o600);
      seqs.push(...(await readJsonl(f)).map(seqOf));
    }
    // Oldest first across files: a contiguous run ending with the last event, nothing missing.
    expect(seqs[seqs.length - 1]).toBe(199);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => 200 - seqs.length + i));
  });

  it('loses nothing across files under concurrent appends (archives kept)', async () => {
    const w = await openWriter({ rotateBytes: 8192, rotateArchives: 10_000 });
    await Promise.all(Array.from({ length: 1500 }, (_, i) => w.append([testEvent(i)])));
    await w.close();
    const files = await listLogFiles(logPath);
    expect(files.length).toBeGreaterThan(20);
    const seqs: number[] = [];
    for (const f of files) {
      expect((await stat(f)).size).toBeLessThanOrEqual(8192);
      seqs.push(...(await readJsonl(f)).map(seqOf));
    }
    expect(seqs).toEqual(Array.from({ length: 1500 }, (_, i) => i));
  });

  it('with no archives kept, starts the log afresh at each rotation and keeps only the newest lines', async () => {
    const w = await openWriter({ rotateBytes: 2048, rotateArchives: 0 });
    for (let i = 0; i < 60; i++) await w.append([testEvent(i)]);
    await w.close();
    expect(await listLogFiles(logPath)).toEqual([logPath]);
    expect((await readdir(join(dir, 'logs'))).filter((n) => n.includes('expired'))).toEqual([]);
    const seqs = (await readJsonl(logPath)).map(seqOf);
    expect(seqs[seqs.length - 1]).toBe(59);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => 60 - seqs.length + i));
  });

  it('gives a line bigger than rotateBytes a file of its own instead of splitting it', async () => {
    const w = await openWriter({ rotateBytes: 2048, rotateArchives: 5 });
    await w.append([testEvent(0), testEvent(1, { message: 'y'.repeat(5000) }), testEvent(2)]);
    await w.flush();
    const files = await listLogFiles(logPath);
    const perFile = await Promise.all(files.map(async (f) => (await readJsonl(f)).map(seqOf)));
    expect(perFile).toEqual([[0], [1], [2]]);
  });

  it('continues an existing log and rotates it by its real size', async () => {
    await mkdir(join(dir, 'logs'), { recursive: true });
    await writeFile(logPath, JSON.stringify(testEvent(-1, { message: 'z'.repeat(3000) })) + '\n');
    const w = await openWriter({ rotateBytes: 4000, rotateArchives: 2 });
    await w.append([testEvent(0, { message: 'z'.repeat(1500) })]);
    await w.flush();
    expect((await readJsonl(`${logPath}.1`)).map(seqOf)).toEqual([-1]);
    expect((await readJsonl(logPath)).map(seqOf)).toEqual([0]);
  });
});

describe('RuntimeLogWriter: logs rotated by someone else', () => {
  it('follows a log moved away (logrotate "create"): new lines go to a new file at the path', async () => {
    const w = await openWriter();
    await w.append([testEvent(0)]);
    await rename(logPath, `${logPath}.old`);
    await w.flush(); // (not needed any more: the path is compared with the open file before each write)
    await w.append([testEvent(1)]);
    expect((await readJsonl(`${logPath}.old`)).map(seqOf)).toEqual([0]);
    expect((await readJsonl(logPath)).map(seqOf)).toEqual([1]);
    expect((await stat(logPath)).mode & 0o777).toBe(0o600);
  });

  it('deleted, moved or replaced between two appends: the second goes to the file at the path, with no fsync or timer in between', async () => {
    const w = await openWriter({ fsyncIntervalMs: 60_000 });
    await w.append([testEvent(0)]);
    await rm(logPath);
    await w.append([testEvent(1)]);
    expect((await readJsonl(logPath)).map(seqOf)).toEqual([1]);
    await rename(logPath, `${logPath}.moved`);
    await w.append([testEvent(2)]);
    expect((await readJsonl(logPath)).map(seqOf)).toEqual([2]);
    await writeFile(`${logPath}.new`, JSON.stringify(testEvent(-1)) + '\n');
    await rename(`${logPath}.new`, logPath);
    await w.append([testEvent(3)]);
    // 2 went into a file the writer had just created at the empty path, and that file was then
    // replaced within seconds (what newsyslog does): the writer put the acknowledged 2 back.
    expect((await readJsonl(logPath)).map(seqOf)).toEqual([-1, 2, 3]);
    expect((await readJsonl(`${logPath}.moved`)).map(seqOf)).toEqual([1]);
    expect(w.warnings.filter((m) => m.includes('continuing in the file at that path'))).toHaveLength(3);
  });

  it('moved away, then emptied at the path (`mv; : >`) after the writer had re-created it: nothing acknowledged is lost', async () => {
    const w = await openWriter();
    await w.append([testEvent(0)]);
    await rename(logPath, `${logPath}.1`);
    await w.append([testEvent(1)]); // into the file the writer creates at the empty path
    await truncate(logPath, 0); // the script's `: > runtime.jsonl`, a moment late
    await w.append([testEvent(2)]);
    expect((await readJsonl(`${logPath}.1`)).map(seqOf)).toEqual([0]);
    expect((await readJsonl(logPath)).map(seqOf)).toEqual([1, 2]);
  });

  it('its directory removed: the next append creates it again, private', async () => {
    const w = await openWriter();
    await w.append([testEvent(0)]);
    await rm(join(dir, 'logs'), { recursive: true });
    await w.append([testEvent(1)]);
    expect((await readJsonl(logPath)).map(seqOf)).toEqual([1]);
    expect((await stat(join(dir, 'logs'))).mode & 0o777).toBe(0o700);
    expect((await stat(logPath)).mode & 0o777).toBe(0o600);
  });

  it('follows a log truncated in place (logrotate "copytruncate") without rotating early', async () => {
    const w = await openWriter({ rotateBytes: 2000, rotateArchives: 2 });
    await w.append([testEvent(0, { message: 'c'.repeat(1500) })]);
    await truncate(logPath, 0);
    await w.flush();
    await w.append([testEvent(1, { message: 'c'.repeat(1500) })]);
    await w.flush();
    expect(await listLogFiles(logPath)).toEqual([logPath]);
    expect((await readJsonl(logPath)).map(seqOf)).toEqual([1]);
  });
});

describe('RuntimeLogWriter: crash leftovers', () => {
  it('cuts off a line torn by a crash before appending, so every line parses', async () => {
    await mkdir(join(dir, 'logs'), { recursive: true });
    const whole = [testEvent(0), testEvent(1)].map((e) => JSON.stringify(e) + '\n').join('');
    await writeFile(logPath, whole + JSON.stringify(testEvent(2)).slice(0, 57));
    const w = await openWriter();
    await w.append([testEvent(3)]);
    expect((await readJsonl(logPath)).map(seqOf)).toEqual([0, 1, 3]);
    expect(w.warnings.some((m) => m.includes('torn by an earlier crash'))).toBe(true);
  });

  it('does not cut a long newline-less tail that cannot be one of its lines; ends it instead', async () => {
    await mkdir(join(dir, 'logs'), { recursive: true });
    const foreign = 'x'.repeat(3000);
    await writeFile(logPath, foreign);
    const w = await openWriter({ maxEventBytes: 1024 });
    await w.append([testEvent(0)]);
    const text = await readFile(logPath, 'utf8');
    expect(text.startsWith(foreign + '\n')).toBe(true);
    expect(JSON.parse(text.slice(foreign.length + 1))).toMatchObject({ run: { seq: 0 } });
  });
});

describe('RuntimeLogWriter: file modes', () => {
  for (const umask of [0o000, 0o022, 0o077]) {
    it(`creates 0600 files in 0700 directories with umask ${umask.toString(8).padStart(3, '0')}`, async () => {
      const old = process.umask(umask);
      try {
        const deep = join(dir, 'a', 'b', 'logs', 'runtime.jsonl');
        const w = await RuntimeLogWriter.open({ path: deep, rotateBytes: 1024, rotateArchives: 2 });
        writers.push(w);
        for (let i = 0; i < 20; i++) await w.append([testEvent(i)]);
        await w.flush();
        for (const d of [join(dir, 'a'), join(dir, 'a', 'b'), join(dir, 'a', 'b', 'logs')]) {
          expect((await stat(d)).mode & 0o777).toBe(0o700);
        }
        for (const f of [deep, `${deep}.1`, `${deep}.lock`, join(dir, 'a', 'b', 'logs', 'collector-health.json')]) {
          expect({ f, mode: (await stat(f)).mode & 0o777 }).toEqual({ f, mode: 0o600 });
        }
        expect(w.warnings).toEqual([]);
      } finally {
        process.umask(old);
      }
    });
  }

  it('uses the configured modes for system mode (group-readable, never world)', async () => {
    const old = process.umask(0o077);
    try {
      const w = await openWriter({ fileMode: 0o640, dirMode: 0o750 });
      await w.append([testEvent(0)]);
      expect((await stat(join(dir, 'logs'))).mode & 0o777).toBe(0o750);
      expect((await stat(logPath)).mode & 0o777).toBe(0o640);
    } finally {
      process.umask(old);
    }
  });

  it('leaves an existing loose directory alone but warns; tightens a 0666 log left by the old product', async () => {
    const logs = join(dir, 'logs');
    await mkdir(logs);
    await chmod(logs, 0o777);
    await writeFile(logPath, JSON.stringify(testEvent(-1)) + '\n');
    await chmod(logPath, 0o666);
    const warnings: string[] = [];
    const w = await openWriter({ onWarning: (m) => warnings.push(m) });
    expect((await stat(logs)).mode & 0o777).toBe(0o777);
    expect((await stat(logPath)).mode & 0o777).toBe(0o600);
    expect(warnings.some((m) => m.includes('world-writable') && m.includes(logs))).toBe(true);
    expect(warnings.some((m) => m.includes('restricted') && m.includes('0666'))).toBe(true);
    expect(w.warnings).toEqual(warnings);
    await w.append([testEvent(0)]);
    expect((await readJsonl(logPath)).map(seqOf)).toEqual([-1, 0]);
  });
});

describe('RuntimeLogWriter: close, flush and timers', () => {
  it('close() writes everything queued, removes the lock, and refuses later appends', async () => {
    const w = await openWriter();
    const pending = Array.from({ length: 500 }, (_, i) => w.append([testEvent(i)]));
    await w.close();
    await Promise.all(pending);
    expect((await readJsonl(logPath)).map(seqOf)).toEqual(Array.from({ length: 500 }, (_, i) => i));
    await expect(access(`${logPath}.lock`)).rejects.toThrow();
    await expect(w.append([testEvent(999)])).rejects.toBeInstanceOf(LogUnavailableError);
    const h = await readHealthState(join(dir, 'logs', 'collector-health.json'));
    expect(h).toMatchObject({ status: 'ok', running: false, eventsWritten: 500 });
    expect(h?.closedAt).toBeDefined();
    await w.close(); // idempotent
  });

  it('has no timer while idle, and none left after close', async () => {
    const before = activeTimers();
    const w = await openWriter();
    expect(w.pendingTimers).toBe(0);
    await w.append([testEvent(0)]);
    expect(w.pendingTimers).toBeGreaterThan(0); // the fsync that follows the write
    await w.close();
    expect(w.pendingTimers).toBe(0);
    expect(activeTimers()).toBeLessThanOrEqual(before);
  });

  it('its timers go away on their own once writes stop (fsync done, health persisted)', async () => {
    const before = activeTimers();
    const w = await openWriter({ fsyncIntervalMs: 50, healthIntervalMs: 2000 });
    await w.append([testEvent(0)]);
    await w.append([testEvent(1)]); // within the health interval: waits for a trailing update
    expect(w.pendingTimers).toBe(2);
    while (w.pendingTimers > 0) await new Promise<void>((r) => setTimeout(r, 20));
    // Our timers are unref'd: they never kept the process alive in the first place.
    expect(activeTimers()).toBeLessThanOrEqual(before);
    const healthFile = join(dir, 'logs', 'collector-health.json');
    await w.flush(); // waits for the trailing health update that the timer started
    const h = await readHealthState(healthFile);
    expect(h).toMatchObject({ status: 'ok', running: true, eventsWritten: 2, lastWriteAt: w.health.lastWriteAt });
  });
});
