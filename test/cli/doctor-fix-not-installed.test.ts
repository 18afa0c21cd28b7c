import { describe, expect, it, afterEach } from 'vitest';
import { makeCliSandbox, type CliSandbox } from './sandbox';
import { probeCollector } from '../../electron/collector/probe';

describe('doctor --fix when Beacon is not installed', () => {
  let sb: CliSandbox;
  afterEach(async () => sb?.cleanup());

  it('starts no untracked background collector and says what to run instead', async () => {
    sb = await makeCliSandbox({ withBeaconConfig: true });
    const r = await sb.beacon(['endpoint', 'doctor', '--fix', '--json']);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as { fixes: { fix: string; result: string; message: string }[] };
    const start = report.fixes.find((f) => f.fix === 'start-collector');
    expect(start).toMatchObject({ result: 'skipped' });
    expect(start!.message).toMatch(/beacon endpoint install/);
    expect((await probeCollector(sb.port)).kind).toBe('none');
  });
});
