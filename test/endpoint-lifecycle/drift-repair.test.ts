/**
 * Issue 12 item 3, as a user hits it: Beacon's [otel] block hand-edited (the exporter port set to
 * 9999). doctor says `repair`; repair must re-apply Beacon's block with no extra flag; the old
 * workaround (`install --force`) must not adopt the drifted block as the user's; and uninstall
 * must give back the file as it was before the first install, whatever happened in between.
 * The built CLI, a temp HOME / CODEX_HOME, a real collector on a free port.
 */
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { probeCollector } from '../../electron/collector/probe';
import { requireBuiltCli } from '../support/beacon-cli';
import { makeSandbox, parseJsonOut, readJson, type Sandbox } from './helpers';

const BASE = '# my settings\nmodel = "gpt-5.5"   # keep me\n\n[tui]\ntheme = "dark"\n';
const MINE = BASE + '\n[otel]\nenvironment = "corp"\nexporter = { otlp-http = { endpoint = "https://otel.corp.example/v1/logs", protocol = "json" } }\n';

let sandboxes: Sandbox[] = [];
// Each test runs the CLI several times and waits for real collectors: room for a loaded machine.
vi.setConfig({ testTimeout: 120_000 });
beforeAll(() => requireBuiltCli());
afterEach(async () => {
  for (const s of sandboxes) await s.cleanup();
  sandboxes = [];
});

async function installed(config: string, extra: string[] = []): Promise<{ s: Sandbox; cfg: string; block: string }> {
  const s = await makeSandbox({ config });
  sandboxes.push(s);
  const r = await s.beacon(['endpoint', 'install', ...extra, '--otlp-http-port', String(s.port)]);
  expect(r.code, r.stdout + r.stderr).toBe(0);
  const cfg = join(s.codexHome, 'config.toml');
  return { s, cfg, block: readFileSync(cfg, 'utf8') };
}

/** What a user does: change the logs exporter's port in Beacon's block by hand. */
function drift(cfg: string, port: number): string {
  const text = readFileSync(cfg, 'utf8');
  const drifted = text.replace(`"http://127.0.0.1:${port}/v1/logs"`, '"http://127.0.0.1:9999/v1/logs"');
  expect(drifted).not.toBe(text);
  writeFileSync(cfg, drifted);
  return drifted;
}

describe("Beacon's block with the exporter port hand-edited to 9999", () => {
  it('doctor says repair; `repair` (no flags) puts the block back; status is healthy; uninstall restores the file exactly', async () => {
    const { s, cfg, block } = await installed(BASE);
    drift(cfg, s.port);

    const d = await s.beacon(['endpoint', 'doctor', '--json']);
    expect(d.code).toBe(1);
    const fail = parseJsonOut(d).checks.find((c: { id: string }) => c.id === 'codex:logs-not-to-collector');
    expect(fail).toMatchObject({ status: 'fail', action: 'beacon endpoint repair' });

    const r = await s.beacon(['endpoint', 'repair']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toContain("[done] configure_codex");
    expect(r.stdout).toMatch(/note: Beacon's \[otel\] block in .* had been edited since Beacon wrote it \(it was .*127\.0\.0\.1:9999/);
    expect(r.stderr).toBe('');
    expect(readFileSync(cfg, 'utf8')).toBe(block);
    expect(readJson(s.manifest).codex_files[0].record.before).toBe(BASE);
    expect(readdirSync(s.codexHome)).toEqual(['config.toml']);
    expect((await s.beacon(['endpoint', 'status'])).code).toBe(0);

    const u = await s.beacon(['endpoint', 'uninstall']);
    expect(u.code, u.stdout).toBe(0);
    expect(u.stdout).toContain(`restored ${cfg} to its exact content before install`);
    expect(readFileSync(cfg, 'utf8')).toBe(BASE);
    expect((await probeCollector(s.port)).kind).toBe('none');
  });

  it('`doctor --fix` re-applies it too', async () => {
    const { s, cfg, block } = await installed(BASE);
    drift(cfg, s.port);
    const d = await s.beacon(['endpoint', 'doctor', '--fix']);
    expect(d.code, d.stdout).toBe(0);
    expect(d.stdout).toMatch(/applied repair-codex-config .*re-applied Beacon's \[otel\] block/);
    expect(readFileSync(cfg, 'utf8')).toBe(block);
    expect((await s.beacon(['endpoint', 'uninstall'])).code).toBe(0);
    expect(readFileSync(cfg, 'utf8')).toBe(BASE);
  });

  it('the old workaround, `install --force`, no longer records the drifted block as the user\'s: uninstall leaves no [otel] behind', async () => {
    const { s, cfg, block } = await installed(BASE);
    drift(cfg, s.port);
    const f = await s.beacon(['endpoint', 'install', '--force', '--otlp-http-port', String(s.port)]);
    expect(f.code, f.stdout + f.stderr).toBe(0);
    expect(f.stdout).not.toContain("replace the user's [otel]");
    expect(readFileSync(cfg, 'utf8')).toBe(block);
    expect(readJson(s.manifest).codex_files[0].record.before).toBe(BASE);
    const u = await s.beacon(['endpoint', 'uninstall']);
    expect(u.code, u.stdout).toBe(0);
    expect(readFileSync(cfg, 'utf8')).toBe(BASE);
    expect(readFileSync(cfg, 'utf8')).not.toContain('managed by beacon');
  });

  it('uninstall straight from the drifted file: the file as it was before the first install, exit 0', async () => {
    const { s, cfg } = await installed(BASE);
    drift(cfg, s.port);
    const u = await s.beacon(['endpoint', 'uninstall']);
    expect(u.code, u.stdout + u.stderr).toBe(0);
    expect(readFileSync(cfg, 'utf8')).toBe(BASE);
  });

  it("a user's own [otel] replaced with --force at first install comes back exactly after drift, repair and uninstall", async () => {
    const { s, cfg, block } = await installed(MINE, ['--force']);
    drift(cfg, s.port);
    expect((await s.beacon(['endpoint', 'repair'])).code).toBe(0);
    expect(readFileSync(cfg, 'utf8')).toBe(block);
    drift(cfg, s.port);
    const u = await s.beacon(['endpoint', 'uninstall']);
    expect(u.code, u.stdout).toBe(0);
    expect(readFileSync(cfg, 'utf8')).toBe(MINE);
  });
});

describe("an [otel] table of the user's own (no marker) in place of Beacon's block", () => {
  it('repair refuses and names `repair --force`, which exists and works; doctor --fix names it too; uninstall then gives back the pre-install file', async () => {
    const { s, cfg, block } = await installed(BASE);
    const theirs = BASE + '\n[otel]\nexporter = { otlp-http = { endpoint = "https://otel.example.com/v1/logs", protocol = "binary" } }\n';
    writeFileSync(cfg, theirs);

    const r = await s.beacon(['endpoint', 'repair']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^beacon: repair failed: .*exporting Codex telemetry to https:\/\/otel\.example\.com\/v1\/logs .*rerun `beacon endpoint repair --force` to replace it/m);
    expect(readFileSync(cfg, 'utf8')).toBe(theirs);

    const d = await s.beacon(['endpoint', 'doctor', '--fix']);
    expect(d.code).toBe(1);
    expect(d.stdout).toMatch(/skipped repair-codex-config .*run `beacon endpoint repair --force` to replace it .*doctor --fix never replaces an \[otel\] table of yours/);
    expect(readFileSync(cfg, 'utf8')).toBe(theirs);

    const f = await s.beacon(['endpoint', 'repair', '--force']);
    expect(f.code, f.stdout + f.stderr).toBe(0);
    expect(readFileSync(cfg, 'utf8')).toBe(block);
    expect(readJson(s.manifest).codex_files[0].record.before).toBe(BASE);
    expect((await s.beacon(['endpoint', 'uninstall'])).code).toBe(0);
    expect(readFileSync(cfg, 'utf8')).toBe(BASE);
  });
});
