/**
 * A fake unpacked Electron distribution for `electron-builder --mac dir` on Linux
 * (research/electron-packaging.md section 3.2). electron-builder copies <dist>/Electron.app,
 * renames it and its helpers, rewrites the Info.plists, writes app.asar and extraResources, and
 * flips the fuses in the framework binary. None of that needs a real Electron, only the files it
 * touches, which is what this writes.
 */
import { mkdirSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';

/** The marker @electron/fuses looks for; the wire (version 1, length 8) follows it. */
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** Electron's own defaults, so a test can tell "flipped by our config" from "left as shipped". */
export const STUB_DEFAULT_WIRE = '10110001';

function infoPlist(entries: Record<string, string>): string {
  const body = Object.entries(entries)
    .map(([k, v]) => `  <key>${k}</key>\n  <string>${v}</string>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
${body}
</dict>
</plist>
`;
}

function executable(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

/** Writes <dir>/Electron.app and returns dir (the value for `electronDist`). */
export function makeStubElectronDarwin(dir: string): string {
  const contents = join(dir, 'Electron.app', 'Contents');
  mkdirSync(join(contents, 'MacOS'), { recursive: true });
  mkdirSync(join(contents, 'Resources', 'en.lproj'), { recursive: true });
  writeFileSync(
    join(contents, 'Info.plist'),
    infoPlist({
      CFBundleExecutable: 'Electron',
      CFBundleIdentifier: 'com.github.Electron',
      CFBundleName: 'Electron',
      CFBundleDisplayName: 'Electron',
      CFBundlePackageType: 'APPL',
      CFBundleShortVersionString: '45.4.1',
      CFBundleVersion: '45.4.1',
      CFBundleIconFile: 'electron.icns',
    }),
  );
  executable(join(contents, 'MacOS', 'Electron'), '#!/bin/sh\necho "stub Electron: cannot run" >&2\nexit 1\n');
  writeFileSync(join(contents, 'Resources', 'electron.icns'), Buffer.alloc(16));

  const frameworks = join(contents, 'Frameworks');
  const framework = join(frameworks, 'Electron Framework.framework');
  mkdirSync(framework, { recursive: true });
  writeFileSync(
    join(framework, 'Electron Framework'),
    Buffer.concat([Buffer.from('STUB\0' + FUSE_SENTINEL), Buffer.from([1, STUB_DEFAULT_WIRE.length]), Buffer.from(STUB_DEFAULT_WIRE), Buffer.from('\0TAIL')]),
  );

  for (const suffix of ['', ' (Renderer)', ' (GPU)', ' (Plugin)']) {
    const name = `Electron Helper${suffix}`;
    const helper = join(frameworks, `${name}.app`, 'Contents');
    mkdirSync(join(helper, 'MacOS'), { recursive: true });
    writeFileSync(
      join(helper, 'Info.plist'),
      infoPlist({
        CFBundleExecutable: name,
        CFBundleIdentifier: 'com.github.Electron.helper',
        CFBundleName: name,
        CFBundleDisplayName: name,
        CFBundlePackageType: 'APPL',
        CFBundleShortVersionString: '45.4.1',
        CFBundleVersion: '45.4.1',
      }),
    );
    executable(join(helper, 'MacOS', name), '#!/bin/sh\nexit 1\n');
  }
  return dir;
}
