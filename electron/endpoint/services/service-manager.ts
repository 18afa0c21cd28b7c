/**
 * Install, remove and query the collector service: launchd on macOS, systemd on Linux, user or
 * system mode. All service-manager calls go through the ServiceRunner given in; the files are
 * written atomically and removed on uninstall.
 */
import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../../shared/atomic-write';
import type { Mode, PathEnv } from '../../shared/paths';
import type { ServiceRunner } from './service-runner';
import { LAUNCHD_LABEL, SYSTEMD_UNIT, launchdPlist, systemdUnit, type ServiceSpec } from './unit-files';

export type ServiceKind = 'launchd' | 'systemd';

export interface ServiceState {
  kind: ServiceKind;
  mode: Mode;
  name: string;
  file: string;
  installed: boolean;
  running: boolean;
  detail?: string;
}

export function serviceKind(platform: NodeJS.Platform = process.platform): ServiceKind | undefined {
  if (platform === 'darwin') return 'launchd';
  if (platform === 'linux') return 'systemd';
  return undefined;
}

export function serviceFile(kind: ServiceKind, mode: Mode, env: PathEnv = process.env): string {
  const home = env.HOME ?? '';
  const root = env.BEACON_SYSTEM_ROOT || '/';
  if (kind === 'launchd') {
    return mode === 'system' ? join(root, 'Library/LaunchDaemons', `${LAUNCHD_LABEL.system}.plist`) : join(home, 'Library/LaunchAgents', `${LAUNCHD_LABEL.user}.plist`);
  }
  return mode === 'system' ? join(root, 'etc/systemd/system', SYSTEMD_UNIT) : join(home, '.config/systemd/user', SYSTEMD_UNIT);
}

function launchdDomain(mode: Mode, uid: number): string {
  return mode === 'system' ? 'system' : `gui/${uid}`;
}

export class ServiceManager {
  constructor(
    private readonly runner: ServiceRunner,
    private readonly kind: ServiceKind,
    private readonly env: PathEnv = process.env,
    private readonly uid: number = process.getuid?.() ?? 0,
  ) {}

  private name(mode: Mode): string {
    return this.kind === 'launchd' ? LAUNCHD_LABEL[mode] : SYSTEMD_UNIT;
  }

  private systemctl(mode: Mode, args: string[]) {
    return this.runner.run('systemctl', mode === 'user' ? ['--user', ...args] : args);
  }

  async install(spec: ServiceSpec): Promise<ServiceState> {
    const file = serviceFile(this.kind, spec.mode, this.env);
    await mkdir(join(file, '..'), { recursive: true });
    const text = this.kind === 'launchd' ? launchdPlist(spec) : systemdUnit(spec);
    await writeFileAtomic(file, text, { mode: 0o644 });
    if (this.kind === 'launchd') {
      const domain = launchdDomain(spec.mode, this.uid);
      // bootout first so an upgrade (new plist or binary) really restarts; absence is fine.
      await this.runner.run('launchctl', ['bootout', `${domain}/${this.name(spec.mode)}`]);
      const r = await this.runner.run('launchctl', ['bootstrap', domain, file]);
      if (r.code !== 0) throw new Error(`launchctl bootstrap ${domain} ${file} failed: ${r.stderr.trim() || `exit ${r.code}`}`);
    } else {
      const steps = [['daemon-reload'], ['enable', SYSTEMD_UNIT], ['restart', SYSTEMD_UNIT]];
      for (const s of steps) {
        const r = await this.systemctl(spec.mode, s);
        if (r.code !== 0) throw new Error(`systemctl ${spec.mode === 'user' ? '--user ' : ''}${s.join(' ')} failed: ${r.stderr.trim() || `exit ${r.code}`}`);
      }
    }
    return this.status(spec.mode);
  }

  async uninstall(mode: Mode): Promise<{ removed: boolean; file: string }> {
    const file = serviceFile(this.kind, mode, this.env);
    const existed = await readFile(file).then(() => true, () => false);
    if (this.kind === 'launchd') {
      await this.runner.run('launchctl', ['bootout', `${launchdDomain(mode, this.uid)}/${this.name(mode)}`]);
    } else {
      await this.systemctl(mode, ['disable', '--now', SYSTEMD_UNIT]);
    }
    await rm(file, { force: true });
    if (this.kind === 'systemd' && existed) await this.systemctl(mode, ['daemon-reload']);
    return { removed: existed, file };
  }

  async status(mode: Mode): Promise<ServiceState> {
    const file = serviceFile(this.kind, mode, this.env);
    const installed = await readFile(file).then(() => true, () => false);
    let running = false;
    let detail: string | undefined;
    if (this.kind === 'launchd') {
      const r = await this.runner.run('launchctl', ['print', `${launchdDomain(mode, this.uid)}/${this.name(mode)}`]);
      running = r.code === 0 && /state = running/.test(r.stdout);
      detail = r.code === 0 ? (/state = (\w+)/.exec(r.stdout)?.[1] ?? 'loaded') : 'not loaded';
    } else {
      const r = await this.systemctl(mode, ['is-active', SYSTEMD_UNIT]);
      detail = (r.stdout.trim() || r.stderr.trim() || `exit ${r.code}`).split('\n')[0];
      running = r.code === 0 && detail === 'active';
    }
    return { kind: this.kind, mode, name: this.name(mode), file, installed, running, detail };
  }
}
