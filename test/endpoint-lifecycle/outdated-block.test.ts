/**
 * A user who installed with an older Beacon has its [otel] block WITHOUT `headers = {}`, which
 * Codex 0.44 to 0.58 refuse to start with. With the real CLI and a real collector: status and
 * doctor call that block Beacon's own and say repair upgrades it; `doctor --fix` and `repair`
 * upgrade it; uninstall afterwards gives back the file as it was before the FIRST install.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_OTEL_SETTINGS, renderOtelBlock } from '../../electron/codex/config-otel-block';
import { requireBuiltCli } from '../support/beacon-cli';
import { makeSandbox, parseJsonOut, readJson, type Sandbox } from './helpers';

const ORIGINAL = 'model = "gpt-5.5"\n\n# keep me\n[tui]\nnotifications = true\n';

let sandboxes: Sandbox[] = [];
beforeAll(() => requireBuiltCli());
afterEach(async () => {
  for (const s of sandboxes) await s.cleanup();
  sandboxes = [];
});

/** Install, then put the file and the manifest back the way the older Beacon left them. */
async function installedByOlderBeacon(): Promise<{ s: Sandbox; cfg: string; legacy: string }> {
  const s = await makeSandbox({ config: ORIGINAL });
  sandboxes.push(s);
  const r = await s.beacon(['endpoint', 'install', '--otlp-http-port', String(s.port)]);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  const cfg = join(s.codexHome, 'config.toml');
  const current = readFileSync(cfg, 'utf8');
  const settings = { ...DEFAULT_OTEL_SETTINGS, port: s.port };
  expect(current).toBe(`${ORIGINAL}\n${renderOtelBlock(settings)}`);
  const legacy = `${ORIGINAL}\n${renderOtelBlock(settings, '\n', 'pre-headers')}`;
  writeFileSync(cfg, legacy);
  const manifest = readJson(s.manifest);
  manifest.codex_files[0].record.after = legacy;
  writeFileSync(s.manifest, JSON.stringify(manifest, null, 2));
  return { s, cfg, legacy };
}

describe("an older Beacon's block without headers", () => {
  it('status calls it ours and says repair upgrades it; doctor --fix does, and uninstall restores the original', async () => {
    const { s, cfg } = await installedByOlderBeacon();
    const st = parseJsonOut(await s.beacon(['endpoint', 'status', '--json']));
    expect(st.codex).toMatchObject({ managed_by_beacon: true, telemetry: 'enabled' });
    const outdated = st.checks.find((c: { id: string }) => c.id === 'codex:beacon-block-outdated');
    expect(outdated).toMatchObject({ status: 'warn', action: 'beacon endpoint repair', fix: 'repair-codex-config' });
    expect(outdated.message).toContain('missing field `headers`');
    expect(st.verdict.status).toBe('warn');

    const fx = await s.beacon(['endpoint', 'doctor', '--fix', '--json']);
    expect(fx.code, fx.stdout + fx.stderr).toBe(0);
    expect(parseJsonOut(fx).fixes).toEqual([expect.objectContaining({ fix: 'repair-codex-config', result: 'applied' })]);
    expect(readFileSync(cfg, 'utf8')).toBe(`${ORIGINAL}\n${renderOtelBlock({ ...DEFAULT_OTEL_SETTINGS, port: s.port })}`);
    const after = parseJsonOut(await s.beacon(['endpoint', 'status', '--json']));
    expect(after.checks.map((c: { id: string }) => c.id)).not.toContain('codex:beacon-block-outdated');

    expect((await s.beacon(['endpoint', 'uninstall'])).code).toBe(0);
    expect(readFileSync(cfg, 'utf8')).toBe(ORIGINAL);
  });

  it('repair upgrades it without extra flags, and uninstall restores the original', async () => {
    const { s, cfg } = await installedByOlderBeacon();
    const r = await s.beacon(['endpoint', 'repair']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(readFileSync(cfg, 'utf8')).toContain('protocol = "binary", headers = {} } }');
    expect((await s.beacon(['endpoint', 'uninstall'])).code).toBe(0);
    expect(readFileSync(cfg, 'utf8')).toBe(ORIGINAL);
  });
});
