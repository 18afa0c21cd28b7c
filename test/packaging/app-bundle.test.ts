/**
 * electron-builder.yml, checked the way electron-builder itself checks it (ajv + scheme.json),
 * then used for real: `--mac dir` with a stub Electron distribution builds Beacon.app on Linux
 * (research/electron-packaging.md section 3.2) and the tests look inside the result: Info.plist,
 * app.asar, extraResources, the flipped fuses, and finally the packaged CLI run through the
 * packaged shim. Needs the compiled app in out/ (`npm test` builds it first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, mkdirSync, cpSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { build, Platform, Arch } from 'electron-builder';
import { listPackage, extractFile, extractAll } from '@electron/asar';
import { getCurrentFuseWire, FuseV1Options } from '@electron/fuses';
import { makeStubElectronDarwin, STUB_DEFAULT_WIRE } from './helpers/stub-electron';
import { REPO } from './helpers/fake-volume';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { DebugLogger } = require('builder-util');

const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string; main: string };
const CLI_ENTRY = 'out/electron/cli/index.js';

function readPlist(path: string): Record<string, unknown> {
  const r = spawnSync('python3', ['-c', 'import plistlib,sys,json; print(json.dumps(plistlib.load(open(sys.argv[1],"rb")), default=str))', path], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`plistlib rejected ${path}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('electron-builder.yml', () => {
  it('matches app-builder-lib/scheme.json (the same validation a real build runs)', async () => {
    const config = await getConfig(REPO, join(REPO, 'electron-builder.yml'), null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    expect(config.pkg.isRelocatable).toBe(false);
    expect(config.mac.notarize).toBe(true);
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.npmRebuild).toBe(false);
  });

  it('the validation catches a misspelt option', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'beacon-cfg-'));
    try {
      const bad = join(dir, 'bad.yml');
      writeFileSync(bad, readFileSync(join(REPO, 'electron-builder.yml'), 'utf8').replace('isRelocatable:', 'isRelocateable:'));
      const config = await getConfig(REPO, bad, null);
      await expect(validateConfiguration(config, new DebugLogger(false))).rejects.toThrow(/configuration\.pkg/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('build/validate-builder-config.cjs (the CI/CLI form) accepts it', () => {
    const r = spawnSync(process.execPath, [join(REPO, 'build/validate-builder-config.cjs')], { cwd: REPO, encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/electron-builder config OK/);
  });
});

describe('Beacon.app built with --mac dir and a stub Electron', () => {
  let tmp: string;
  let app: string;
  let asar: string;

  beforeAll(async () => {
    const missing = [CLI_ENTRY, pkg.main].filter((f) => !existsSync(join(REPO, f)));
    if (missing.length > 0) {
      throw new Error(`compiled app missing (${missing.join(', ')}): run \`npm run build\` first (npm test does)`);
    }
    tmp = mkdtempSync(join(tmpdir(), 'beacon-macdir-'));
    const electronDist = makeStubElectronDarwin(join(tmp, 'electron-dist'));
    // electron-builder runs in this process and spawns npm (prefix, list) with our env: give it a
    // HOME of its own, or npm writes its logs into the user's ~/.npm.
    const realHome = process.env.HOME;
    process.env.HOME = join(tmp, 'home');
    mkdirSync(process.env.HOME);
    try {
      await build({
        projectDir: REPO,
        targets: Platform.MAC.createTarget('dir', Arch.x64),
        // Merged over electron-builder.yml: only where the Electron comes from and where output goes.
        config: { electronDist, directories: { output: join(tmp, 'dist') } },
        publish: 'never',
      });
    } finally {
      if (realHome === undefined) delete process.env.HOME;
      else process.env.HOME = realHome;
    }
    app = join(tmp, 'dist', 'mac', 'Beacon.app');
    asar = join(app, 'Contents', 'Resources', 'app.asar');
  }, 120_000);

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('Info.plist makes it a menu-bar app with our id, name and version', () => {
    const info = readPlist(join(app, 'Contents', 'Info.plist'));
    expect(info.CFBundleIdentifier).toBe('com.beacon.endpoint');
    expect(info.CFBundleExecutable).toBe('Beacon');
    expect(info.CFBundleName).toBe('Beacon');
    expect(info.CFBundleShortVersionString).toBe(pkg.version);
    expect(info.LSUIElement).toBe(true);
    expect(info.LSMinimumSystemVersion).toBe('12.0');
    // What the asar-integrity fuse checks app.asar against.
    expect(Object.keys(info.ElectronAsarIntegrity as object)).toContain('Resources/app.asar');
    expect(statSync(join(app, 'Contents', 'MacOS', 'Beacon')).mode & 0o111).not.toBe(0);
  });

  it('app.asar holds the main entry, the CLI entry the shim runs, and no dev tooling', () => {
    const files = listPackage(asar, { isPack: false });
    expect(files).toContain(`/${pkg.main}`);
    expect(files).toContain(`/${CLI_ENTRY}`);
    expect(files).toContain('/package.json');
    const shim = readFileSync(join(REPO, 'resources', 'bin', 'beacon'), 'utf8');
    expect(shim).toContain(`CLI_ENTRY=Contents/Resources/app.asar/${CLI_ENTRY}`);
    for (const dep of ['commander', 'fastify', 'protobufjs', 'smol-toml']) expect(files).toContain(`/node_modules/${dep}/package.json`);
    for (const dev of ['electron', 'electron-builder', 'vitest', 'typescript', '@openai/codex', 'vite', 'playwright-core']) {
      expect(files, dev).not.toContain(`/node_modules/${dev}`);
    }
    expect(files.filter((f) => f.startsWith('/out/bench') || f.endsWith('.map'))).toEqual([]);
  });

  it('nothing the CLI can load imports electron (it runs with ELECTRON_RUN_AS_NODE)', () => {
    const js = listPackage(asar, { isPack: false }).filter(
      (f) => f.startsWith('/out/electron/') && f.endsWith('.js') && !f.startsWith('/out/electron/main/') && !f.startsWith('/out/electron/preload/'),
    );
    expect(js.length).toBeGreaterThan(0);
    const offenders = js.filter((f) => /require\(["']electron["']\)/.test(extractFile(asar, f.slice(1)).toString('utf8')));
    expect(offenders).toEqual([]);
  });

  it('extraResources: the shim, the uninstaller, the LaunchDaemon plist and the tray icons', () => {
    const res = join(app, 'Contents', 'Resources');
    for (const name of ['beacon', 'beacon-uninstall']) {
      expect(statSync(join(res, 'bin', name)).mode & 0o777).toBe(0o755);
      expect(readFileSync(join(res, 'bin', name), 'utf8')).toBe(readFileSync(join(REPO, 'resources', 'bin', name), 'utf8'));
    }
    const daemon = readPlist(join(res, 'launchd', 'com.beacon.endpoint.collector.plist'));
    expect(daemon.ProgramArguments).toEqual(['/opt/beacon/bin/beacon', 'endpoint', 'run', '--system']);
    for (const status of ['Ok', 'Warn', 'Error', 'Paused']) {
      for (const icon of [`beacon${status}Template.png`, `beacon${status}Template@2x.png`]) {
        expect(readFileSync(join(res, 'tray', icon)).subarray(1, 4).toString('ascii')).toBe('PNG');
      }
    }
  });

  it('fuses are flipped as configured, RunAsNode stays on for the CLI shim', async () => {
    const wire = await getCurrentFuseWire(app);
    const on = (f: FuseV1Options) => String.fromCharCode(wire[f] as number);
    expect(on(FuseV1Options.RunAsNode)).toBe('1');
    expect(on(FuseV1Options.EnableCookieEncryption)).toBe('1');
    expect(on(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe('0');
    expect(on(FuseV1Options.EnableNodeCliInspectArguments)).toBe('0');
    expect(on(FuseV1Options.EnableEmbeddedAsarIntegrityValidation)).toBe('1');
    expect(on(FuseV1Options.OnlyLoadAppFromAsar)).toBe('1');
    expect(on(FuseV1Options.LoadBrowserProcessSpecificV8Snapshot)).toBe('0');
    expect(on(FuseV1Options.GrantFileProtocolExtraPrivileges)).toBe('1');
    // and they really were written by the build, not left at the stub's (Electron's) defaults
    expect(STUB_DEFAULT_WIRE[FuseV1Options.EnableCookieEncryption]).toBe('0');
  });

  it('the packaged shim runs the packaged CLI (Node standing in for the Electron binary)', () => {
    // Same bundle layout, with app.asar unpacked to a directory of that name (plain Node cannot
    // read asar archives; Electron can) and Contents/MacOS/Beacon -> this Node.
    const copy = join(tmp, 'run', 'Beacon.app');
    mkdirSync(join(copy, 'Contents', 'MacOS'), { recursive: true });
    symlinkSync(process.execPath, join(copy, 'Contents', 'MacOS', 'Beacon'));
    cpSync(join(app, 'Contents', 'Resources', 'bin'), join(copy, 'Contents', 'Resources', 'bin'), { recursive: true });
    extractAll(asar, join(copy, 'Contents', 'Resources', 'app.asar'));
    // Reached through a symlink, as /usr/local/bin/beacon -> .../bin/beacon would be.
    const link = join(tmp, 'run', 'beacon');
    symlinkSync(join(copy, 'Contents', 'Resources', 'bin', 'beacon'), link);
    const env = { PATH: '/usr/bin:/bin', HOME: join(tmp, 'run') };

    const version = spawnSync(link, ['--version'], { encoding: 'utf8', env });
    expect(version.stderr).toBe('');
    expect(version.stdout.trim()).toBe(pkg.version);
    expect(version.status).toBe(0);

    const bad = spawnSync(link, ['endpoint', '--no-such-flag'], { encoding: 'utf8', env });
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/unknown option '--no-such-flag'/);
  });
});
