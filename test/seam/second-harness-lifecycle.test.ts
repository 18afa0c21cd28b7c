/**
 * The config writer seam (issue 13): `endpoint install / status / uninstall` configure an agent
 * through its harness's config writer alone. The toy harness (test/seam/toy-harness.ts) is not
 * in the registry and nothing in electron/endpoint knows it, yet endpoint's own lifecycle
 * functions install its JSON config on real files, record it in the manifest, report it, and
 * put the user's file back byte for byte, without touching Codex's config.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LifecycleError } from '../../electron/endpoint/lifecycle-context';
import { runInstall, type InstallOptions } from '../../electron/endpoint/lifecycle-install';
import { runUninstall } from '../../electron/endpoint/lifecycle-uninstall';
import { computeStatus } from '../../electron/endpoint/status';
import { resolveHarness } from '../../electron/plugins/harnesses';
import { makeSandbox, type Sandbox } from '../endpoint-lifecycle/helpers';
import { toyHarness } from './toy-harness';

const USER_TOY_CONFIG = '{\n  "theme": "dark",\n  "model": "toy-1"\n}\n';

describe('a second harness through the config writer seam', () => {
  let s: Sandbox | undefined;
  afterEach(async () => {
    await s?.cleanup();
    s = undefined;
  });

  const install = (sb: Sandbox, extra: Partial<InstallOptions> = {}) =>
    runInstall({ mode: 'user', env: sb.env, port: sb.port, start: false, dryRun: false, force: false, service: false, ...extra });

  it('installs, reports and uninstalls the toy agent with its own writer, leaving Codex alone', async () => {
    s = await makeSandbox();
    const toyDir = join(s.home, '.toy');
    const toyCfg = join(toyDir, 'config.json');
    mkdirSync(toyDir, { mode: 0o700 });
    writeFileSync(toyCfg, USER_TOY_CONFIG, { mode: 0o600 });

    const dry = await install(s, { harness: toyHarness, dryRun: true });
    expect(dry.ok).toBe(true);
    expect(dry.steps.find((x) => x.target === toyCfg)).toMatchObject({ action: 'configure_toy', status: 'planned', detail: 'add the "telemetry" block', diff: `- null\n+ ${JSON.stringify({ managed_by: 'beacon', endpoint: `http://127.0.0.1:${s.port}/v1/logs`, log_prompts: true })}` });
    expect(readFileSync(toyCfg, 'utf8')).toBe(USER_TOY_CONFIG);

    const r = await install(s, { harness: toyHarness });
    expect(r.errors).toEqual([]);
    expect(r.steps.find((x) => x.target === toyCfg)).toMatchObject({ action: 'configure_toy', status: 'done' });
    const written = JSON.parse(readFileSync(toyCfg, 'utf8'));
    expect(written).toEqual({ theme: 'dark', model: 'toy-1', telemetry: { managed_by: 'beacon', endpoint: `http://127.0.0.1:${s.port}/v1/logs`, log_prompts: true } });
    // Codex was not configured: its home holds no config.toml.
    expect(readdirSync(s.codexHome)).toEqual([]);
    const manifest = JSON.parse(readFileSync(s.manifest, 'utf8'));
    expect(manifest.harness).toBe('toy');
    expect(manifest.codex_files).toEqual([{ path: toyCfg, role: 'user-config', record: { before: USER_TOY_CONFIG } }]);

    const st = await computeStatus({ mode: 'user', env: s.env, harness: toyHarness, listProcesses: async () => [] });
    expect(st.codex).toMatchObject({ config_path: toyCfg, telemetry: 'enabled', managed_by_beacon: true });
    expect(st.checks.find((c) => c.id === 'codex_telemetry')?.status).toBe('ok');
    // Codex's own environment checks are Codex's: a shell setting that breaks Codex's export
    // (OTEL_EXPORTER_OTLP_COMPRESSION) is no finding for the toy, which defines no such check.
    const withCodexBreaker = await computeStatus({ mode: 'user', env: { ...s.env, OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' }, harness: toyHarness, listProcesses: async () => [] });
    expect(withCodexBreaker.environment).toEqual([]);
    const codexView = await computeStatus({ mode: 'user', env: { ...s.env, OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' }, harness: resolveHarness('codex'), listProcesses: async () => [] });
    expect(codexView.environment.map((f) => f.variable)).toEqual(['OTEL_EXPORTER_OTLP_COMPRESSION']);

    // The manifest is the toy's: a command for another harness (or none this Beacon knows) is refused.
    await expect(install(s, { harness: resolveHarness('codex') })).rejects.toThrow(LifecycleError);
    await expect(install(s, { harness: resolveHarness('codex') })).rejects.toThrow(/installed for toy in user mode, not codex/);
    await expect(runUninstall({ mode: 'user', env: s.env, keepLogs: false })).rejects.toThrow(/for the harness "toy", which this Beacon does not know/);
    expect(readFileSync(toyCfg, 'utf8')).toBe(JSON.stringify(written, null, 2) + '\n');

    const u = await runUninstall({ mode: 'user', env: s.env, harness: toyHarness, keepLogs: false });
    expect(u.left_behind).toEqual([]);
    expect(u.done).toContain(`restored ${toyCfg} to its exact content before install`);
    expect(readFileSync(toyCfg, 'utf8')).toBe(USER_TOY_CONFIG);
    expect(existsSync(s.manifest)).toBe(false);
    expect(readdirSync(s.codexHome)).toEqual([]);
  });

  it('a Codex install still writes the manifest as before: no harness key, the editor record under codex_files', async () => {
    s = await makeSandbox({ config: 'model = "gpt-5.5"\n' });
    const r = await install(s);
    expect(r.errors).toEqual([]);
    expect(r.steps.find((x) => x.action === 'configure_codex')?.status).toBe('done');
    const manifest = JSON.parse(readFileSync(s.manifest, 'utf8'));
    expect(Object.keys(manifest)).not.toContain('harness');
    expect(manifest.codex_files[0]).toMatchObject({ path: join(s.codexHome, 'config.toml'), role: 'user-config', record: { before: 'model = "gpt-5.5"\n' } });
    expect((await runUninstall({ mode: 'user', env: s.env, keepLogs: false })).ok).toBe(true);
    expect(readFileSync(join(s.codexHome, 'config.toml'), 'utf8')).toBe('model = "gpt-5.5"\n');
  });
});
