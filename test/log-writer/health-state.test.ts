import { mkdir, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readHealthState, writeHealthFile, type HealthFileContent } from '../../electron/log/health-state';
import { deadPid, makeTempDir, removeDir } from './helpers';

let dir: string;
let file: string;

beforeEach(async () => {
  dir = await makeTempDir();
  file = join(dir, 'collector-health.json');
});
afterEach(() => removeDir(dir));

const content = (over: Partial<HealthFileContent> = {}): HealthFileContent => ({
  status: 'ok',
  since: '2026-11-24T05:55:14.123Z',
  pid: process.pid,
  hostname: hostname(),
  logPath: '/x/runtime.jsonl',
  updatedAt: '2026-11-24T05:55:15.000Z',
  eventsWritten: 3,
  ...over,
});

describe('health state file', () => {
  it('reads back what was written, private mode, running while the pid lives', async () => {
    await writeHealthFile(file, content({ status: 'unavailable', reason: 'ENOSPC: no space left on device, write' }), 0o600);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readHealthState(file)).toMatchObject({
      status: 'unavailable',
      reason: 'ENOSPC: no space left on device, write',
      since: '2026-11-24T05:55:14.123Z',
      pid: process.pid,
      updatedAt: '2026-11-24T05:55:15.000Z',
      running: true,
    });
  });

  it('says "not running" for a dead pid or a clean close, whatever the status', async () => {
    await writeHealthFile(file, content({ pid: await deadPid() }), 0o600);
    expect(await readHealthState(file)).toMatchObject({ status: 'ok', running: false });
    await writeHealthFile(file, content({ closedAt: '2026-11-24T06:00:00.000Z' }), 0o600);
    expect(await readHealthState(file)).toMatchObject({ running: false, closedAt: '2026-11-24T06:00:00.000Z' });
  });

  it('returns undefined for a missing, empty or foreign file instead of throwing', async () => {
    expect(await readHealthState(file)).toBeUndefined();
    await writeFile(file, '');
    expect(await readHealthState(file)).toBeUndefined();
    await writeFile(file, '{"status":"great"}');
    expect(await readHealthState(file)).toBeUndefined();
  });

  it('falls back to overwriting in place when a new file cannot be created (no room for it)', async () => {
    await writeHealthFile(file, content(), 0o600);
    const size = (await stat(file)).size;
    // Occupy the temp name with a directory: creating the temp file fails as it would on a full disk.
    await mkdir(`${file}.${process.pid}.tmp/x`, { recursive: true });
    await writeHealthFile(file, content({ status: 'unavailable', reason: 'EIO: i/o error' }), 0o600);
    expect((await stat(file)).size).toBe(size);
    expect(await readHealthState(file)).toMatchObject({ status: 'unavailable', reason: 'EIO: i/o error' });
  });
});
