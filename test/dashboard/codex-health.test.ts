/**
 * The dashboard's Codex health comes from the same engine as `beacon endpoint status`: a real
 * install in a sandbox HOME, a real collector, and the tray-facing summary of it.
 */
import { describe, expect, it, afterEach } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeSandbox, type Sandbox } from '../endpoint-lifecycle/helpers';
import { statusProviders } from '../../electron/dashboard/codex-health';

/** Not installed yet, so point Beacon's config at the sandbox's port: never probe the default 4318 a real Beacon may hold. */
function pinPort(sb: Sandbox): Sandbox {
  mkdirSync(sb.beaconDir, { recursive: true });
  writeFileSync(join(sb.beaconDir, 'config.json'), JSON.stringify({ otlp_http_port: sb.port }));
  return sb;
}

describe('dashboard Codex health (statusProviders)', () => {
  let sb: Sandbox;
  afterEach(async () => sb?.cleanup());

  it('says "not configured" with the install command when Codex has no [otel]', async () => {
    sb = pinPort(await makeSandbox({ config: 'model = "gpt-5.5"\n' }));
    const p = statusProviders('user', sb.env, 0);
    expect(await p.codexStatus()).toMatchObject({ configured: false, state: 'disabled', fix: 'beacon endpoint install --harness codex' });
  });

  it('says configured once `beacon endpoint install` ran and its collector is up', async () => {
    sb = await makeSandbox({ config: 'model = "gpt-5.5"\n' });
    const r = await sb.beacon(['endpoint', 'install', '--otlp-http-port', String(sb.port), '--json']);
    expect(r.code).toBe(0);
    const p = statusProviders('user', sb.env, 0);
    expect(await p.codexStatus()).toMatchObject({ configured: true, state: 'enabled' });
    expect(await p.logSourceWarning()).toBeNull();
  });

  it('names the problem and points at doctor when the user exports elsewhere', async () => {
    sb = pinPort(await makeSandbox());
    writeFileSync(join(sb.codexHome, 'config.toml'), '[otel]\nexporter = { otlp-http = { endpoint = "https://otel.example.com/v1/logs", protocol = "binary" } }\n');
    const h = await statusProviders('user', sb.env, 0).codexStatus();
    expect(h).toMatchObject({ configured: false, state: 'misconfigured', fix: 'beacon endpoint doctor' });
    expect(h.reason).toMatch(/otel\.example\.com|collector/);
  });
});
