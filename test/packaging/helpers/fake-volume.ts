/**
 * A fake macOS target volume for running the pkg scripts and the uninstaller on Linux.
 *
 * Only what cannot exist here is faked, each as a tiny sh script first on PATH that appends its
 * argv to calls.log (one line per call, arguments separated by TABs):
 *   launchctl  stateful: bootstrap/bootout/print/enable against a list of loaded labels, with an
 *              optional number of transient "5: Input/output error" bootstrap failures;
 *   chown      records only (tests run as root on Linux, where there is no wheel/admin group);
 *   stat       `-f%Su /dev/console` -> the console user; `-f %u PATH` -> the owner uid;
 *   dscl, id   directory lookups for the console user; sudo runs the command (as us) after
 *              recording `-u USER`; sleep records; pkgutil keeps a receipts list.
 * Beacon.app's binary (Contents/MacOS/Beacon) is a recording stub too: it logs its argv and the
 * environment that matters, and plays the CLI's part of `endpoint install/uninstall` just enough
 * to leave files for the scripts to secure and for the uninstaller to remove.
 */
import { mkdtempSync, mkdirSync, writeFileSync, chmodSync, readFileSync, cpSync, existsSync, readdirSync, lstatSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

export const REPO = join(__dirname, '..', '..', '..');
export const LABEL = 'com.beacon.endpoint.collector';

const FAKES: Record<string, string> = {
  launchctl: `
state="$FAKE_STATE/launchd-loaded"; touch "$state"
case "$1" in
  bootout)
    label=\${2#system/}
    if grep -qx "$label" "$state"; then grep -vx "$label" "$state" > "$state.tmp"; mv "$state.tmp" "$state"; exit 0; fi
    echo "Boot-out failed: 3: No such process" >&2; exit 3 ;;
  bootstrap)
    n=$(cat "$FAKE_STATE/bootstrap-failures" 2>/dev/null || echo 0)
    if [ "$n" -gt 0 ]; then echo $((n - 1)) > "$FAKE_STATE/bootstrap-failures"; echo "Bootstrap failed: 5: Input/output error" >&2; exit 5; fi
    [ -f "$3" ] || { echo "Bootstrap failed: 2: No such file or directory" >&2; exit 2; }
    label=$(basename "$3" .plist)
    if grep -qx "$label" "$state"; then echo "Bootstrap failed: 5: Input/output error" >&2; exit 5; fi
    echo "$label" >> "$state"; exit 0 ;;
  print) grep -qx "\${2#system/}" "$state" && exit 0; exit 113 ;;
  enable|kickstart) exit 0 ;;
  *) echo "fake launchctl: unexpected $*" >&2; exit 64 ;;
esac`,
  chown: 'exit 0',
  stat: `
if [ "$1" = "-f%Su" ] && [ "$2" = /dev/console ]; then printf '%s\\n' "\${FAKE_CONSOLE_USER:-root}"; exit 0; fi
if [ "$1" = "-f" ] && [ "$2" = "%u" ]; then printf '%s\\n' "\${FAKE_APP_OWNER_UID:-0}"; exit 0; fi
echo "fake stat: unexpected $*" >&2; exit 64`,
  dscl: `
[ "$1" = . ] && [ "$2" = -read ] && [ "$4" = NFSHomeDirectory ] || { echo "fake dscl: unexpected $*" >&2; exit 64; }
user=\${3#/Users/}
if [ -n "\${FAKE_DSCL_WRAP:-}" ]; then printf 'NFSHomeDirectory:\\n /Users/%s\\n' "$user"; else printf 'NFSHomeDirectory: /Users/%s\\n' "$user"; fi`,
  id: `
if [ "$1" = -u ] && [ $# -eq 1 ]; then printf '%s\\n' "\${FAKE_UID:-0}"; exit 0; fi
if [ "$1" = -u ]; then printf '501\\n'; exit 0; fi
echo "fake id: unexpected $*" >&2; exit 64`,
  sudo: `
[ "$1" = -u ] || { echo "fake sudo: expected -u USER" >&2; exit 64; }
shift 2; exec "$@"`,
  sleep: 'exit 0',
  pkgutil: `
r="$FAKE_STATE/receipts"; touch "$r"
[ "$1" = --volume ] && shift 2
case "$1" in
  --pkg-info) grep -qx "$2" "$r" ;;
  --forget) grep -qx "$2" "$r" || { echo "No receipt for '$2' found at '/'." >&2; exit 1; }; grep -vx "$2" "$r" > "$r.tmp"; mv "$r.tmp" "$r"; echo "Forgot package '$2' on '/'." ;;
  *) echo "fake pkgutil: unexpected $*" >&2; exit 64 ;;
esac`,
};

/** Contents/MacOS/Beacon: records, then plays the CLI's part on the fake volume. */
const APP_STUB = `#!/bin/sh
{
  printf 'app'; for a in "$@"; do printf '\\t%s' "$a"; done
  printf '\\tENV:ELECTRON_RUN_AS_NODE=%s,BEACON_SYSTEM_ROOT=%s,HOME=%s,NODE_OPTIONS=%s' "\${ELECTRON_RUN_AS_NODE:-}" "\${BEACON_SYSTEM_ROOT:-}" "\${HOME:-}" "\${NODE_OPTIONS:-}"
  printf '\\n'
} >> "$FAKE_STATE/calls.log"
shift # the CLI entry
[ -n "\${FAKE_BEACON_FAIL:-}" ] && { echo "beacon: simulated failure" >&2; exit 1; }
case "\${FAKE_BEACON_FAIL_USER:-}:$*" in 1:*--user*) echo "beacon: config.toml is not valid TOML; left unchanged" >&2; exit 1 ;; esac
base="\${BEACON_SYSTEM_ROOT:-/}/Library/Application Support/Beacon/Endpoint"
logs="\${BEACON_SYSTEM_ROOT:-/}/var/log/beacon-agent"
case "$*" in
  "endpoint install --system"*)
    mkdir -p "$base" "$logs" "$BEACON_SYSTEM_ROOT/etc/codex"
    echo '{"mode":"system"}' > "$base/config.json"
    [ -e "$logs/runtime.jsonl" ] || { : > "$logs/runtime.jsonl"; chmod 0644 "$logs/runtime.jsonl"; }
    printf '[otel]\\nenvironment = "dev"\\n' > "$BEACON_SYSTEM_ROOT/etc/codex/config.toml"
    echo '{"ok":true}' ;;
  "endpoint uninstall --system"*)
    rm -rf "$base" "$BEACON_SYSTEM_ROOT/etc/codex"
    case "$*" in *--keep-logs*) ;; *) rm -f "$logs"/runtime.jsonl* ;; esac
    echo '{"ok":true}' ;;
  "endpoint install --user --harness codex --config-only"*)
    cp "$HOME/.codex/config.toml" "$HOME/.codex/config.toml.beacon.bak"
    printf '# beacon was here\\n' >> "$HOME/.codex/config.toml"; echo '{"ok":true}' ;;
  "endpoint uninstall --user --config-only"*)
    mv "$HOME/.codex/config.toml.beacon.bak" "$HOME/.codex/config.toml"; echo '{"ok":true}' ;;
  *) echo "stub beacon $*" ;;
esac
exit "\${FAKE_EXIT:-0}"
`;

export interface Call {
  tool: string;
  args: string[];
}

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

export class FakeVolume {
  readonly dir: string;
  readonly root: string;
  readonly state: string;
  readonly bin: string;
  env: Record<string, string> = {};

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'beacon-pkg-'));
    this.root = join(this.dir, 'volume');
    this.state = join(this.dir, 'state');
    this.bin = join(this.dir, 'fakebin');
    for (const d of [this.state, this.bin]) mkdirSync(d, { recursive: true });
    // What a Mac has before Beacon: the directories the scripts write into.
    for (const d of ['Applications', 'Library/LaunchDaemons', 'Library/Application Support', 'etc/paths.d', 'var/log', 'Users']) {
      mkdirSync(join(this.root, d), { recursive: true });
    }
    for (const [name, body] of Object.entries(FAKES)) {
      const path = join(this.bin, name);
      writeFileSync(path, `#!/bin/sh\n{ printf '${name}'; for a in "$@"; do printf '\\t%s' "$a"; done; printf '\\n'; } >> "$FAKE_STATE/calls.log"\n${body}\n`);
      chmodSync(path, 0o755);
    }
  }

  get app(): string {
    return join(this.root, 'Applications', 'Beacon.app');
  }

  /** What Installer's payload step does: put Beacon.app (shim, plist from the repo) in place. */
  installPayload(): void {
    const res = join(this.app, 'Contents', 'Resources');
    mkdirSync(join(this.app, 'Contents', 'MacOS'), { recursive: true });
    cpSync(join(REPO, 'resources', 'bin'), join(res, 'bin'), { recursive: true });
    cpSync(join(REPO, 'resources', 'launchd'), join(res, 'launchd'), { recursive: true });
    mkdirSync(join(res, 'app.asar', 'out', 'electron', 'cli'), { recursive: true });
    writeFileSync(join(res, 'app.asar', 'out', 'electron', 'cli', 'index.js'), '// placeholder: the stub binary never reads it\n');
    writeFileSync(join(this.app, 'Contents', 'MacOS', 'Beacon'), APP_STUB);
    chmodSync(join(this.app, 'Contents', 'MacOS', 'Beacon'), 0o755);
    this.addReceipt();
  }

  addReceipt(id = 'com.beacon.endpoint'): void {
    writeFileSync(join(this.state, 'receipts'), `${id}\n`, { flag: 'a' });
  }

  /** A console user with a home and, optionally, a Codex config. */
  addUser(name: string, codexConfig?: string): string {
    const home = join(this.root, 'Users', name);
    mkdirSync(home, { recursive: true });
    if (codexConfig !== undefined) {
      mkdirSync(join(home, '.codex'), { recursive: true });
      writeFileSync(join(home, '.codex', 'config.toml'), codexConfig);
    }
    return home;
  }

  setBootstrapFailures(n: number): void {
    writeFileSync(join(this.state, 'bootstrap-failures'), `${n}\n`);
  }

  loadedServices(): string[] {
    const p = join(this.state, 'launchd-loaded');
    return existsSync(p) ? readFileSync(p, 'utf8').split('\n').filter(Boolean) : [];
  }

  calls(tool?: string): Call[] {
    const p = join(this.state, 'calls.log');
    if (!existsSync(p)) return [];
    return readFileSync(p, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [t, ...args] = line.split('\t');
        return { tool: t, args };
      })
      .filter((c) => !tool || c.tool === tool);
  }

  clearCalls(): void {
    rmSync(join(this.state, 'calls.log'), { force: true });
  }

  run(script: string, args: string[], extraEnv: Record<string, string> = {}): RunResult {
    const r = spawnSync('/bin/sh', [script, ...args], {
      encoding: 'utf8',
      env: {
        PATH: `${this.bin}:/usr/bin:/bin`,
        HOME: join(this.dir, 'roothome'),
        LANG: 'C',
        FAKE_STATE: this.state,
        ...this.env,
        ...extraEnv,
      },
      timeout: 20_000,
    });
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  }

  /** Installer's order: preinstall, payload, postinstall (package-level invocation). */
  preinstall(env: Record<string, string> = {}): RunResult {
    return this.run(join(REPO, 'build', 'pkg-scripts', 'preinstall'), ['/tmp/Beacon.pkg', '/Applications', this.root], env);
  }

  postinstall(env: Record<string, string> = {}, location = '/Applications'): RunResult {
    return this.run(join(REPO, 'build', 'pkg-scripts', 'postinstall'), ['/tmp/Beacon.pkg', location, this.root], env);
  }

  /** Every path under the volume with its type, mode and (for files) content. */
  tree(): Map<string, string> {
    const out = new Map<string, string>();
    const walk = (dir: string): void => {
      for (const name of readdirSync(dir).sort()) {
        const p = join(dir, name);
        const st = lstatSync(p);
        const mode = (st.mode & 0o7777).toString(8);
        const rel = relative(this.root, p);
        if (st.isDirectory()) {
          out.set(rel, `dir ${mode}`);
          walk(p);
        } else {
          out.set(rel, `${st.isSymbolicLink() ? 'link' : 'file'} ${mode} ${st.isFile() ? readFileSync(p, 'utf8') : ''}`);
        }
      }
    };
    walk(this.root);
    return out;
  }

  mode(rel: string): number {
    return lstatSync(join(this.root, rel)).mode & 0o7777;
  }

  read(rel: string): string {
    return readFileSync(join(this.root, rel), 'utf8');
  }

  exists(rel: string): boolean {
    return existsSync(join(this.root, rel));
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
