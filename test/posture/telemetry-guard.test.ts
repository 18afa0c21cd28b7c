/**
 * The Codex telemetry guard on real files: what counts as Beacon's block being intact (values,
 * not bytes), what each kind of tamper says, and which system layers override it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { renderOtelBlock } from '../../electron/codex/config-otel-block';
import { codexHarness } from '../../electron/codex/harness';
import type { ExpectedTelemetry } from '../../electron/shared/harness';

const expected: ExpectedTelemetry = { port: 4999, environment: 'dev', logUserPrompt: true, includeSpans: false };
const settings = { port: 4999, environment: 'dev', logUserPrompt: true, includeSpans: false };
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function setup(config: string | null) {
  const root = mkdtempSync(join(tmpdir(), 'beacon-guard-'));
  dirs.push(root);
  const home = join(root, 'codex');
  mkdirSync(home);
  const configPath = join(home, 'config.toml');
  if (config !== null) writeFileSync(configPath, config);
  const env = { CODEX_HOME: home, BEACON_SYSTEM_ROOT: join(root, 'sys'), HOME: root };
  const guard = codexHarness.lifecycle.telemetryGuard!({ configPath, mode: 'user', env, expected });
  const sys = join(root, 'sys/etc/codex');
  return { guard, configPath, sys, writeSys: (name: string, text: string) => (mkdirSync(sys, { recursive: true }), writeFileSync(join(sys, name), text)) };
}

describe('codex telemetry guard', () => {
  it("is intact for Beacon's block in either format it has written, with a lost marker or reformatted", async () => {
    expect((await setup('model = "x"\n' + renderOtelBlock(settings)).guard.check()).state).toBe('intact');
    expect((await setup(renderOtelBlock(settings, '\n', 'pre-headers')).guard.check()).state).toBe('intact');
    const noMarker = renderOtelBlock(settings).split('\n').filter((l) => !l.startsWith('#')).join('\n');
    expect((await setup(noMarker).guard.check()).state).toBe('intact');
  });

  it('names what was removed or changed, key by key, with the installed value', async () => {
    const gone = await setup(null).guard.check();
    expect(gone).toMatchObject({ state: 'removed' });
    expect(gone.detail).toMatch(/config\.toml is gone/);
    expect((await setup('model = "x"\n').guard.check()).state).toBe('removed');

    const edited = renderOtelBlock(settings).replace('log_user_prompt = true', 'log_user_prompt = false').replace('trace_exporter = "none"', 'trace_exporter = "none"\nenvironment_extra = 1');
    const c = await setup(edited).guard.check();
    expect(c.state).toBe('changed');
    expect(c.detail).toContain('otel.log_user_prompt is false (installed: true)');
    expect(c.detail).toContain('otel.environment_extra was added (1)');

    const broken = await setup(renderOtelBlock(settings) + 'oops = \n').guard.check();
    expect(broken.state).toBe('changed');
    expect(broken.detail).toMatch(/is not valid TOML \(line \d+/);
  });

  it('is overridden by a requirements.toml or managed_config.toml [otel] that sends elsewhere, not by one that also reaches the collector', async () => {
    const s = setup(renderOtelBlock(settings));
    s.writeSys('requirements.toml', renderOtelBlock(settings));
    expect((await s.guard.check()).state).toBe('intact');
    s.writeSys('managed_config.toml', '[otel]\nexporter = "none"\n');
    const o = await s.guard.check();
    expect(o).toMatchObject({ state: 'overridden', overridden_by: join(s.sys, 'managed_config.toml') });
    expect(o.detail).toContain('overrides Beacon\'s block');
    // What the watcher must watch: the config's directory and the system layers' one.
    expect(s.guard.watchDirs).toEqual([join(s.configPath, '..'), s.sys]);
    expect(s.guard.watchFiles).toEqual([s.configPath, join(s.sys, 'requirements.toml'), join(s.sys, 'managed_config.toml')]);
  });
});
