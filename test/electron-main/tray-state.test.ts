/**
 * The tray's state machine: which icon, tooltip and menu a user sees in each situation, and
 * that the menu's clicks do what their labels say.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { TrayModel, type MenuItemModel, type TrayMenuActions } from '../../electron/app/tray-state';
import { TRAY_ICON_FILES, trayIconPath } from '../../electron/app/tray-icons';

function actions(): TrayMenuActions & Record<string, ReturnType<typeof vi.fn>> {
  return { showWindow: vi.fn(), openDashboard: vi.fn(), pauseCapture: vi.fn(), resumeCapture: vi.fn(), configureCodex: vi.fn(), setOpenAtLogin: vi.fn(), quit: vi.fn() };
}
const item = (menu: MenuItemModel[], id: string) => menu.find((i) => i.id === id)!;

const LOG = '/home/u/.beacon/endpoint/logs/runtime.jsonl';

describe('TrayModel transitions', () => {
  it('starting -> host ok -> paused -> resumed -> collector down -> degraded', () => {
    const m = new TrayModel();
    expect(m.view()).toEqual({ status: 'warn', summary: 'Starting…', tooltip: 'Beacon: Starting…', title: '' });

    m.update({ role: 'host', logPath: LOG, dashboardReady: true, health: { status: 'ok', problems: [] } });
    expect(m.view().status).toBe('ok');
    expect(m.view().tooltip).toBe(`Beacon: Collecting Codex telemetry into ${LOG}`);

    m.update({ paused: true });
    expect(m.view().status).toBe('paused');
    expect(m.view().tooltip).toMatch(/Capture paused/);

    m.update({ paused: false, health: { status: 'down', problems: ['The collector on 127.0.0.1:4318 does not answer'] } });
    expect(m.view()).toMatchObject({ status: 'error', summary: 'The collector on 127.0.0.1:4318 does not answer' });

    m.update({ health: { status: 'degraded', problems: ['No health file next to the log'] } });
    expect(m.view()).toMatchObject({ status: 'warn', summary: 'No health file next to the log' });
  });

  it('unseen high findings: a count beside the icon, a line in the tooltip and a menu item that opens the window; none: nothing', () => {
    const a = actions();
    const m = new TrayModel({ role: 'host', logPath: LOG, dashboardReady: true, health: { status: 'ok', problems: [] } });
    expect(m.view().title).toBe('');
    expect(m.menu(a).find((i) => i.id === 'findings')).toBeUndefined();
    const changed = vi.fn();
    m.onChange(changed);
    m.update({ unseenFindings: 3 });
    expect(changed).toHaveBeenCalledTimes(1);
    // The icon keeps saying whether telemetry flows; the count sits beside it.
    expect(m.view()).toMatchObject({ status: 'ok', title: '3', tooltip: `Beacon: Collecting Codex telemetry into ${LOG}\n3 new high-severity findings` });
    const findings = item(m.menu(a), 'findings');
    expect(findings).toMatchObject({ label: '3 new high-severity findings…', enabled: true });
    findings.click!();
    expect(a.showWindow).toHaveBeenCalledTimes(1);
    m.update({ unseenFindings: 1 });
    expect(item(m.menu(a), 'findings').label).toBe('1 new high-severity finding…');
  });

  it('attached: says whose log it reads; blocked: error with the reason', () => {
    const m = new TrayModel({ role: 'attach', logPath: '/var/log/beacon-agent/runtime.jsonl', collector: { pid: 77, mode: 'system', port: 4318 }, health: { status: 'ok', problems: [] } });
    expect(m.view()).toMatchObject({ status: 'ok', summary: 'Reading the system-mode collector (pid 77): /var/log/beacon-agent/runtime.jsonl' });
    expect(m.snapshot()).toMatchObject({ role: 'attach', canPause: false, collector: { pid: 77, mode: 'system', port: 4318 } });

    const b = new TrayModel({ role: 'blocked', error: 'Another program (not Beacon) holds port 4318', health: { status: 'ok', problems: [] } });
    expect(b.view()).toMatchObject({ status: 'error', summary: 'Another program (not Beacon) holds port 4318' });
  });

  it('notifies listeners only when something visible changed', () => {
    const m = new TrayModel({ role: 'host', logPath: LOG, health: { status: 'ok', problems: [] } });
    const seen: string[] = [];
    m.onChange((model) => seen.push(model.view().status));
    m.update({ health: { status: 'ok', problems: [] } });
    expect(seen).toEqual([]);
    m.update({ paused: true });
    m.update({ paused: true });
    m.update({ openAtLogin: true }); // menu checkbox changes: visible
    expect(seen).toEqual(['paused', 'paused']);
  });
});

describe('the context menu', () => {
  it('host: every action enabled; Pause becomes Resume when paused; clicks call the actions', () => {
    const a = actions();
    const m = new TrayModel({ role: 'host', logPath: LOG, dashboardReady: true, health: { status: 'ok', problems: [] } });
    let menu = m.menu(a);
    expect(menu.filter((i) => i.type !== 'separator').map((i) => i.label)).toEqual([
      `Collecting Codex telemetry into ${LOG}`,
      'Show Beacon',
      'Open dashboard',
      'Pause capture',
      'Configure Codex',
      'Open at login',
      'Quit Beacon',
    ]);
    expect(item(menu, 'status').enabled).toBe(false);
    for (const id of ['show-window', 'open-dashboard', 'capture', 'configure-codex', 'open-at-login']) expect(item(menu, id).enabled).toBe(true);
    item(menu, 'capture').click!();
    expect(a.pauseCapture).toHaveBeenCalledOnce();
    item(menu, 'quit').click!();
    expect(a.quit).toHaveBeenCalledOnce();
    item(menu, 'open-dashboard').click!();
    expect(a.openDashboard).toHaveBeenCalledOnce();

    m.update({ paused: true });
    menu = m.menu(a);
    expect(item(menu, 'capture').label).toBe('Resume capture');
    item(menu, 'capture').click!();
    expect(a.resumeCapture).toHaveBeenCalledOnce();
  });

  it('Open at login is a checkbox reflecting the state, and asks for the opposite value', () => {
    const a = actions();
    const m = new TrayModel({ role: 'host', openAtLogin: false });
    let login = item(m.menu(a), 'open-at-login');
    expect(login).toMatchObject({ type: 'checkbox', checked: false });
    login.click!();
    expect(a.setOpenAtLogin).toHaveBeenLastCalledWith(true);
    m.update({ openAtLogin: true });
    login = item(m.menu(a), 'open-at-login');
    expect(login.checked).toBe(true);
    login.click!();
    expect(a.setOpenAtLogin).toHaveBeenLastCalledWith(false);
    m.update({ loginItemSupported: false });
    expect(item(m.menu(a), 'open-at-login')).toMatchObject({ enabled: false, label: 'Open at login (not supported on this system)' });
  });

  it('attached or blocked: pause is disabled; while configuring, Configure Codex is disabled and says so', () => {
    const a = actions();
    const attached = new TrayModel({ role: 'attach', collector: { pid: 1, mode: 'user', port: 4318 }, dashboardReady: true });
    expect(item(attached.menu(a), 'capture').enabled).toBe(false);
    const blocked = new TrayModel({ role: 'blocked', error: 'port held', dashboardReady: true });
    expect(item(blocked.menu(a), 'capture').enabled).toBe(false);
    const busy = new TrayModel({ role: 'host', busy: 'configure-codex' });
    expect(item(busy.menu(a), 'configure-codex')).toMatchObject({ enabled: false, label: 'Configuring Codex…' });
    // Before the dashboard is up, nothing to show yet; Quit always works.
    const starting = new TrayModel();
    expect(item(starting.menu(a), 'show-window').enabled).toBe(false);
    expect(item(starting.menu(a), 'quit').enabled).not.toBe(false);
  });
});

describe('tray icons', () => {
  const loc = { isPackaged: false, appRoot: join(__dirname, '..', '..') };

  it('each status has its own committed template PNG, 16x16 with a 32x32 @2x, black on transparent', () => {
    const paths = new Set<string>();
    for (const status of ['ok', 'warn', 'error', 'paused'] as const) {
      const p = trayIconPath(status, loc)!;
      expect(p).toBe(join(loc.appRoot, 'resources', TRAY_ICON_FILES[status]));
      expect(p.endsWith('Template.png')).toBe(true);
      paths.add(readFileSync(p).toString('base64'));
      for (const [file, size] of [[p, 16], [p.replace('.png', '@2x.png'), 32]] as const) {
        const png = readFileSync(file);
        expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
        expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([size, size]);
        expect(png[25]).toBe(6); // RGBA
      }
    }
    expect(paths.size).toBe(4); // four different pictures
  });

  it('packaged: looks in process.resourcesPath/tray; null when the icon is missing', () => {
    const exists = (p: string) => p.endsWith('tray/beaconErrorTemplate.png');
    expect(trayIconPath('error', { isPackaged: true, resourcesPath: '/Applications/Beacon.app/Contents/Resources', appRoot: '/x' }, exists)).toBe(
      '/Applications/Beacon.app/Contents/Resources/tray/beaconErrorTemplate.png',
    );
    expect(trayIconPath('ok', { isPackaged: true, resourcesPath: '/r', appRoot: '/x' }, () => false)).toBeNull();
  });
});
