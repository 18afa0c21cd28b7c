/**
 * The real Codex binaries, 0.169.0 and the old 0.50.0, must accept what the editor writes: any
 * config error stops every Codex command. `codex features list` loads the full config and exits
 * without network; the control cases prove the check can fail (an invalid config exits non-zero
 * with a config error; 0.50.0 refuses the block Beacon wrote before `headers = {}`).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planInstall } from '../../electron/codex/config-editor';
import { DEFAULT_OTEL_SETTINGS, renderOtelBlock, type OtelSettings } from '../../electron/codex/config-otel-block';
import { CODEX_0_50_BIN, CODEX_BIN } from '../support/codex-runner';

const FIXTURES = join(__dirname, '..', 'fixtures', 'codex-configs');
const homes: string[] = [];

afterAll(() => {
  for (const h of homes) rmSync(h, { recursive: true, force: true });
});

function codexWith(configText: string, codex = CODEX_BIN): { status: number | null; output: string } {
  const home = mkdtempSync(join(tmpdir(), 'beacon-codex-home-'));
  homes.push(home);
  writeFileSync(join(home, 'config.toml'), configText);
  const r = spawnSync(codex, ['features', 'list'], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, CODEX_HOME: home, NO_PROXY: '*' },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: r.status, output: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

function installed(fixture: string, settings: OtelSettings = DEFAULT_OTEL_SETTINGS): string {
  const plan = planInstall(readFileSync(join(FIXTURES, fixture), 'utf8'), settings, { force: true });
  if (plan.kind !== 'write') throw new Error(`${fixture}: ${JSON.stringify(plan)}`);
  return plan.newText;
}

describe('the real Codex binary accepts the edited config', () => {
  it('control: a config Codex cannot load makes the command fail with a config error', () => {
    const missingProtocol = codexWith(readFileSync(join(FIXTURES, '34-otel-localhost-missing-protocol-broken.toml'), 'utf8'));
    expect(missingProtocol.status).not.toBe(0);
    expect(missingProtocol.output).toMatch(/config/i);
    expect(missingProtocol.output).toMatch(/protocol/);
    const invalid = codexWith(readFileSync(join(FIXTURES, 'invalid-03-duplicate-otel-table.toml'), 'utf8'));
    expect(invalid.status).not.toBe(0);
  });

  it.each([
    ['03-crlf.toml'],
    ['04-bom.toml'],
    ['06-dotted-otel-keys.toml'],
    ['08-otel-subtables-with-headers.toml'],
    ['23-otel-in-middle-with-comments.toml'],
    ['34-otel-localhost-missing-protocol-broken.toml'],
  ])('%s after install', (fixture) => {
    const r = codexWith(installed(fixture));
    expect(r.output).not.toMatch(/error loading config|failed to load/i);
    expect(r.status).toBe(0);
  });

  it('the block with spans on another port and prompts off', () => {
    const r = codexWith(installed('28-multiline-arrays-inline-tables.toml', { port: 14318, includeSpans: true, logUserPrompt: false, environment: 'prod' }));
    expect(r.status).toBe(0);
  });
});

describe('Codex 0.50.0 accepts the edited config too', () => {
  const spans: OtelSettings = { port: 14318, includeSpans: true, logUserPrompt: false, environment: 'prod' };

  it('control: the block Beacon wrote before `headers = {}` stops it (missing field `headers`)', () => {
    const r = codexWith(renderOtelBlock(DEFAULT_OTEL_SETTINGS, '\n', 'pre-headers'), CODEX_0_50_BIN);
    expect(r.status).not.toBe(0);
    expect(r.output).toContain('missing field `headers`');
  });

  it.each([['01-minimal-model.toml'], ['03-crlf.toml'], ['23-otel-in-middle-with-comments.toml'], ['36-ours-before-headers.toml']])('%s after install', (fixture) => {
    const r = codexWith(installed(fixture), CODEX_0_50_BIN);
    expect(r.output).not.toMatch(/missing field|error loading config|failed to load/i);
    expect(r.status).toBe(0);
  });

  it('the block with spans on another port and prompts off', () => {
    const r = codexWith(installed('28-multiline-arrays-inline-tables.toml', spans), CODEX_0_50_BIN);
    expect(r.status).toBe(0);
  });
});
