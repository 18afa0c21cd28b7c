import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogLockedError, RuntimeLogWriter } from '../../electron/log/writer';
import { deadPid, makeTempDir, readJsonl, removeDir, seqOf, spawnSleeper, testEvent, waitExit } from './helpers';

let dir: string;
let logPath: string;
let lockPath: string;
let sleeper: ChildProcess | undefined;
const writers: RuntimeLogWriter[] = [];

beforeEach(async () => {
  dir = await makeTempDir();
  await mkdir(join(dir, 'logs'));
  logPath = join(dir, 'logs', 'runtime.jsonl');
  lockPath = `${logPath}.lock`;
});

afterEach(async () => {
  await Promise.all(writers.splice(0).map((w) => w.close()));
  if (sleeper) {
    sleeper.kill('SIGKILL');
    await waitExit(sleeper);
    sleeper = undefined;
  }
  await removeDir(dir);
});

const writeLock = (pid: number, purpose = 'beacon-collector', host = hostname()) =>
  writeFile(lockPath, JSON.stringify({ pid, hostname: host, started_at: new Date().toISOString(), purpose, nonce: 'other' }));

describe('runtime log lock', () => {
  it('refuses a log held by another live process, then takes it over once that process is dead', async () => {
    sleeper = spawnSleeper();
    const pid = sleeper.pid!;
    await writeLock(pid);
    const err = await RuntimeLogWriter.open({ path: logPath }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LogLockedError);
    expect((err as LogLockedError).holderPid).toBe(pid);
    expect((err as Error).message).toBe(`runtime log ${logPath} is already written by pid ${pid} (beacon-collector); stop it or choose another --log-path`);
    // The refused open touched nothing: the holder's lock is intact and no log was created.
    expect(JSON.parse(await readFile(lockPath, 'utf8')).pid).toBe(pid);
    await expect(access(logPath)).rejects.toThrow();

    sleeper.kill('SIGKILL');
    await waitExit(sleeper);
    sleeper = undefined;
    const w = await RuntimeLogWriter.open({ path: logPath, purpose: 'beacon-collector' });
    writers.push(w);
    const lock = JSON.parse(await readFile(lockPath, 'utf8'));
    expect(lock).toMatchObject({ pid: process.pid, hostname: hostname(), purpose: 'beacon-collector' });
    expect(typeof lock.started_at).toBe('string');
    await w.append([testEvent(0)]);
    await w.close();
    await expect(access(lockPath)).rejects.toThrow();
    expect((await readJsonl(logPath)).map(seqOf)).toEqual([0]);
  });

  it('refuses a second writer on the same log in the same process, and allows it after close', async () => {
    const first = await RuntimeLogWriter.open({ path: logPath });
    writers.push(first);
    await expect(RuntimeLogWriter.open({ path: logPath })).rejects.toMatchObject({ name: 'LogLockedError', holderPid: process.pid });
    await first.close();
    const second = await RuntimeLogWriter.open({ path: logPath });
    writers.push(second);
    await second.append([testEvent(1)]);
  });

  it('takes over a stale lock from a dead pid and a garbled lock file', async () => {
    await writeLock(await deadPid());
    const a = await RuntimeLogWriter.open({ path: logPath });
    await a.close();
    await writeFile(lockPath, 'not json{');
    const b = await RuntimeLogWriter.open({ path: logPath });
    writers.push(b);
    expect(JSON.parse(await readFile(lockPath, 'utf8')).pid).toBe(process.pid);
  });

  it('treats a lock from another host as held (its pid cannot be checked from here)', async () => {
    await writeLock(1, 'beacon-collector', 'some-other-host.example');
    await expect(RuntimeLogWriter.open({ path: logPath })).rejects.toThrow(/pid 1 \(beacon-collector\) on some-other-host\.example/);
  });

  it('close() leaves a lock alone that is no longer ours', async () => {
    const w = await RuntimeLogWriter.open({ path: logPath });
    sleeper = spawnSleeper();
    await writeLock(sleeper.pid!); // e.g. an admin forced another collector in
    await w.close();
    expect(JSON.parse(await readFile(lockPath, 'utf8')).pid).toBe(sleeper.pid);
  });
});
