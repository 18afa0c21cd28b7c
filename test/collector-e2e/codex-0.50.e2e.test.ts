/**
 * An old Codex release in `npm test`: 0.50.0 (the devDependency `codex-0.50`, an npm alias of
 * @openai/codex@0.50.0 whose one package carries every platform's binary) runs the release
 * scenario against the REAL compiled collector and the fake Responses API. With the block Beacon
 * writes it starts, exports and gets every event right; with the block Beacon wrote before
 * `headers = {}` it refuses to start, which is why the block has it (docs/compatibility.md).
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_OTEL_SETTINGS, renderOtelBlock } from '../../electron/codex/config-otel-block';
import { requireBuiltCli } from '../support/beacon-cli';
import { CODEX_0_50_BIN, CODEX_BIN, cleanupCodexTemp } from '../support/codex-runner';
import { runReleaseScenario, type ReleaseRunResult } from '../support/release-run';
import { checkReleaseEvents } from '../support/release-scenario-check';

const block = (port: number) => renderOtelBlock({ ...DEFAULT_OTEL_SETTINGS, port });
const oldBlock = (port: number) => renderOtelBlock({ ...DEFAULT_OTEL_SETTINGS, port }, '\n', 'pre-headers');

beforeAll(() => requireBuiltCli());
afterAll(() => cleanupCodexTemp());

describe('Codex 0.50.0 end to end', () => {
  it('the launchers are the releases the tests mean (node_modules/.bin/codex is ambiguous with two)', () => {
    expect(execFileSync(CODEX_0_50_BIN, ['--version'], { encoding: 'utf8' })).toMatch(/^codex-cli 0\.50\.0\b/);
    expect(execFileSync(CODEX_BIN, ['--version'], { encoding: 'utf8' })).toMatch(/^codex-cli 0\.169\.0\b/);
  });

  describe("with Beacon's block", () => {
    let r: ReleaseRunResult;
    beforeAll(async () => {
      r = await runReleaseScenario({ codexBin: CODEX_0_50_BIN, otelBlock: block });
    }, 150_000);

    it('starts and runs the whole scenario with the tools 0.50 offers', () => {
      expect(r.started, r.startError).toBe(true);
      expect(r.exitCode).toBe(0);
      expect(r.choice).toEqual({ command: 'shell', patch: 'apply_patch (freeform)' });
      expect(r.truth).toMatchObject({ echo: { exit: 0 }, ls: { exit: 2 }, patchApplied: true, turns: 4, notRun: [] });
    });

    it('exports its logs to the collector', () => {
      expect(r.exported.logs).toBeGreaterThan(0);
      expect(r.events.length).toBeGreaterThan(0);
    });

    it('gets every event right: session, redacted prompt, both commands, the file, the tokens', () => {
      expect(r.wrong).toEqual([]);
      const cmds = r.events.filter((e) => e.event.action === 'command.executed');
      expect(cmds.map((c) => [c.command?.command, c.command?.success])).toEqual([
        ["bash -lc 'echo ok'", true],
        ["bash -lc 'ls /nonexistent-beacon-path'", false],
      ]);
      expect(r.events.filter((e) => e.event.action === 'file.modified').map((e) => e.file)).toEqual([expect.objectContaining({ path: 'hello.txt', operation: 'add' })]);
      expect(r.events.filter((e) => e.event.action === 'token.usage')).toHaveLength(4);
    });

    it('control: the same check flags a wrong event in these very events', () => {
      const flipped = r.events.map((e) => (e.command?.command === "bash -lc 'echo ok'" ? { ...e, command: { ...e.command, success: false } } : e));
      expect(checkReleaseEvents({ ...r.facts, events: flipped })).toEqual(['echo ok: success=false but it exited 0']);
    });
  });

  it('with the block of Beacons before the headers fix it refuses to start, and nothing reaches the collector', async () => {
    const r = await runReleaseScenario({ codexBin: CODEX_0_50_BIN, otelBlock: oldBlock });
    expect(r.started).toBe(false);
    expect(r.exitCode).not.toBe(0);
    expect(r.startError).toContain('missing field `headers`');
    expect(r.exported).toEqual({ logs: 0, metrics: 0 });
    expect(r.events).toEqual([]);
  }, 150_000);
});
