/**
 * Real write failures, no fakes: /dev/full (every write fails with ENOSPC, a genuine disk-full
 * answer from the kernel) and a file-size limit set with prlimit on a child process (the kernel
 * then accepts part of a write and refuses the rest with EFBIG: a real short write).
 */
import { execFileSync } from 'node:child_process';
import { readFile, rm, stat, symlink, unlink, mkdir, access, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { readHealthState } from '../../electron/log/health-state';
import { LogLockedError, LogUnavailableError, RuntimeLogWriter } from '../../electron/log/writer';
import { bundleChild, WriterChild } from './child-driver';
import { makeTempDir, readJsonl, removeDir, seqOf, testEvent } from './helpers';

let buildDir: string;
let childScript: string;
let dir: string;
let logPath: string;
let healthPath: string;
const children: WriterChild[] = [];
const writers: RuntimeLogWriter[] = [];

beforeAll(async () => {
  buildDir = await makeTempDir();
  childScript = await bundleChild(buildDir);
});
afterAll(() => removeDir(buildDir));

beforeEach(async () => {
  dir = await makeTempDir();
  await mkdir(join(dir, 'logs'), { mode: 0o700 });
  logPath = join(dir, 'logs', 'runtime.jsonl');
  healthPath = join(dir, 'logs', 'collector-health.json');
});
afterEach(async () => {
  await Promise.all(children.splice(0).map((c) => c.kill()));
  await Promise.all(writers.splice(0).map((w) => w.close()));
  await removeDir(dir);
});

const hasPrlimit = (() => {
  try {
    execFileSync('prlimit', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const hasDevFull = (() => {
  try {
    execFileSync('test', ['-c', '/dev/full']);
    return true;
  } catch {
    return false;
  }
})();

describe('write failures', () => {
  // /dev/full exists on Linux only; macOS developers still run the prlimit-free tests.
  it.skipIf(!hasDevFull)('disk full (/dev/full): append rejects with LogUnavailableError, health turns unavailable, then recovers', async () => {
    const devFullMode = (await stat('/dev/full')).mode;
    await symlink('/dev/full', logPath);
    const changes: string[] = [];
    const w = await RuntimeLogWriter.open({ path: logPath, onHealthChange: (h) => changes.push(h.status) });
    writers.push(w);
    const err = await w.append([testEvent(0)]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogUnavailableError);
    expect(err).toMatchObject({ code: 'EUNAVAILABLE', causeCode: 'ENOSPC', retryAfterSeconds: 5 });
    expect(w.health).toMatchObject({ status: 'unavailable', eventsWritten: 0 });
    expect(w.health.reason).toMatch(/ENOSPC/);
    const onDisk = await readHealthState(healthPath);
    expect(onDisk).toMatchObject({ status: 'unavailable', running: true, pid: process.pid, logPath });
    expect(onDisk?.reason).toMatch(/ENOSPC/);
    // /dev/full was not chmod'ed or otherwise touched.
    expect((await stat('/dev/full')).mode).toBe(devFullMode);

    // The admin fixes it: the log is a regular file again. The next append reopens and succeeds.
    await unlink(logPath);
    const ok = await w.append([testEvent(1)]);
    expect(ok.written).toBe(1);
    expect(w.health.status).toBe('ok');
    expect(changes).toEqual(['unavailable', 'ok']);
    await w.flush();
    expect(await readHealthState(healthPath)).toMatchObject({ status: 'ok', reason: undefined, eventsWritten: 1 });
    expect((await readJsonl(logPath)).map(seqOf)).toEqual([1]);
    expect((await stat(logPath)).mode & 0o777).toBe(0o600);
  });

  it.skipIf(!hasPrlimit)('a write cut short by the kernel leaves no partial line; earlier lines intact; recovers', async () => {
    const limit = 8192;
    // Soft limit 8 KiB, hard limit unlimited: we raise it later as "space freed".
    const child = WriterChild.start(childScript, [logPath], [`--fsize=${limit}:unlimited`]);
    children.push(child);
    expect(await child.next()).toMatchObject({ ready: true });
    const ev = (seq: number) => testEvent(seq, { message: 'p'.repeat(700) });
    const first = await child.send({ op: 'append', events: [0, 1, 2, 3, 4].map(ev) });
    expect(first).toMatchObject({ ok: true, result: { written: 5 } });
    const before = await readFile(logPath);
    expect(before.length).toBeLessThan(limit);

    // This batch crosses the limit: the kernel writes part of it, then refuses (EFBIG).
    const failed = await child.send({ op: 'append', events: [5, 6, 7, 8, 9, 10, 11, 12, 13, 14].map(ev) });
    expect(failed).toMatchObject({ ok: false, name: 'LogUnavailableError', code: 'EUNAVAILABLE', causeCode: 'EFBIG', retryAfterSeconds: 5 });
    expect(failed.health.status).toBe('unavailable');
    // Exactly what was there before: no fragment of the failed batch remains.
    expect((await readFile(logPath)).equals(before)).toBe(true);
    const health = await readHealthState(healthPath);
    expect(health).toMatchObject({ status: 'unavailable', running: true, pid: child.proc.pid });
    expect(health?.reason).toMatch(/EFBIG|too large/i);

    // Space is freed: the same process writes again, health goes back to ok.
    execFileSync('prlimit', ['--pid', String(child.proc.pid), '--fsize=unlimited:unlimited']);
    const again = await child.send({ op: 'append', events: [15, 16].map(ev) });
    expect(again).toMatchObject({ ok: true, result: { written: 2 }, health: { status: 'ok' } });
    expect((await readJsonl(logPath)).map(seqOf)).toEqual([0, 1, 2, 3, 4, 15, 16]);

    expect(await child.send({ op: 'close' })).toEqual({ closed: true });
    expect(await readHealthState(healthPath)).toMatchObject({ status: 'ok', running: false });
    await expect(access(`${logPath}.lock`)).rejects.toThrow();
  });

  it('a second writer in another process is refused while the first runs, and may take over after a crash', async () => {
    const child = WriterChild.start(childScript, [logPath]);
    children.push(child);
    const ready = await child.next();
    expect(ready).toMatchObject({ ready: true });
    await child.send({ op: 'append', events: [testEvent(0)] });
    const err = await RuntimeLogWriter.open({ path: logPath }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogLockedError);
    expect((err as LogLockedError).holderPid).toBe(child.proc.pid);
    expect((err as Error).message).toContain(`is already written by pid ${child.proc.pid} (beacon-collector)`);

    await child.kill(); // SIGKILL: no cleanup, the lock stays behind with a dead pid
    expect(JSON.parse(await readFile(`${logPath}.lock`, 'utf8')).pid).toBe(child.proc.pid);
    expect(await readHealthState(healthPath)).toMatchObject({ running: false });
    const w = await RuntimeLogWriter.open({ path: logPath });
    writers.push(w);
    await w.append([testEvent(1)]);
    expect((await readJsonl(logPath)).map(seqOf)).toEqual([0, 1]);
  });
});

describe('write failures in rotation', () => {
  it('keeps appending to the current file when the archives cannot be renamed, reports it, and rotates again once it can', async () => {
    // The oldest archive must move aside to be deleted; a non-empty directory in the way makes
    // that rename fail (even for root), and with it the rotation.
    await mkdir(dirname(logPath), { recursive: true });
    await writeFile(`${logPath}.1`, '');
    await mkdir(`${logPath}.expired/blocker`, { recursive: true });
    const warnings: string[] = [];
    const w = await RuntimeLogWriter.open({ path: logPath, rotateBytes: 1024, rotateArchives: 1, onWarning: (m) => warnings.push(m) });
    writers.push(w);
    for (let i = 0; i < 10; i++) await w.append([testEvent(i, { message: 'r'.repeat(200) })]);
    expect(w.health.status).toBe('ok');
    expect(warnings.some((m) => m.startsWith(`could not rotate ${logPath}`))).toBe(true);
    expect((await readJsonl(logPath)).map(seqOf)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    // Written, but the size limit is not held: that is a failure for every reader of the health file.
    expect(w.health.rotation).toMatchObject({ limitBytes: 1024 });
    expect(w.health.rotation!.reason).toMatch(/^cannot rotate: E[A-Z]+ \(rename\)$/);
    await w.flush();
    expect((await readHealthState(healthPath))?.rotation).toMatchObject({ reason: w.health.rotation!.reason, limitBytes: 1024 });
    expect(w.health.rotation!.logBytes).toBeGreaterThan(2 * 1024); // the file gets it at its next (throttled) update

    // The obstacle goes; the first append after the back-off (1 s) rotates.
    await rm(`${logPath}.expired`, { recursive: true });
    await new Promise((r) => setTimeout(r, 1100));
    await w.append([testEvent(10, { message: 'r'.repeat(200) })]);
    expect(w.health.rotation).toBeUndefined();
    await w.flush();
    expect((await readHealthState(healthPath))?.rotation).toBeUndefined();
    expect((await readJsonl(`${logPath}.1`)).map(seqOf)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect((await readJsonl(logPath)).map(seqOf)).toEqual([10]);
  });
});
