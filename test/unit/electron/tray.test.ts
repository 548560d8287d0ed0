import { beforeEach, describe, expect, it, vi } from 'vitest';
import { DesktopTray, trayMenuTemplate, type TrayActions } from '../../../src-main/electron/tray';
import { FakeTray, type FakeMenu } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).fakeElectron);

const open = vi.fn();
const quit = vi.fn();
const backUpNow = vi.fn();
const setLogin = vi.fn();
let loginOn = false;
const actions: TrayActions = { open, quit, backUpNow, startAtLogin: { enabled: () => loginOn, set: setLogin } };

beforeEach(() => {
  FakeTray.created.length = 0;
  open.mockClear();
  quit.mockClear();
  backUpNow.mockClear();
  setLogin.mockClear();
  loginOn = false;
});

const menuOf = (tray: FakeTray) => tray.contextMenu as FakeMenu;

describe('the tray menu', () => {
  it('has Open Cairn, Back up now, Start at login and Quit (no Pause all: no contract command yet)', () => {
    const labels = trayMenuTemplate('idle', actions).map((item) => item.label ?? item.type);
    expect(labels).toEqual(['Idle', 'separator', 'Open Cairn', 'Back up now', 'Start at login', 'separator', 'Quit Cairn']);
  });

  it('leaves Start at login out where the OS has no login items', () => {
    const ids = trayMenuTemplate('idle', { open, quit, backUpNow }).map((item) => item.id);
    expect(ids).not.toContain('start-at-login');
  });

  it('calls the right action for each item', () => {
    new DesktopTray('/icons', actions);
    const menu = menuOf(FakeTray.created[0]!);
    menu.click('open');
    expect(open).toHaveBeenCalledOnce();
    menu.click('back-up-now');
    expect(backUpNow).toHaveBeenCalledOnce();
    menu.click('start-at-login');
    expect(setLogin).toHaveBeenCalledExactlyOnceWith(true);
    menu.click('quit');
    expect(quit).toHaveBeenCalledOnce();
    expect(open).toHaveBeenCalledOnce();
  });

  it('shows the saved start-at-login setting', () => {
    loginOn = true;
    new DesktopTray('/icons', actions);
    expect(menuOf(FakeTray.created[0]!).item('start-at-login').checked).toBe(true);
  });

  it('opens the window on a left click', () => {
    new DesktopTray('/icons', actions);
    FakeTray.created[0]!.emit('click');
    expect(open).toHaveBeenCalledOnce();
  });
});

describe('the tray icon', () => {
  it('follows the activity status with its image, tooltip and status line', () => {
    const tray = new DesktopTray('/icons', actions);
    const fake = FakeTray.created[0]!;
    expect(fake.image).toEqual({ path: '/icons/tray-idle.png' });

    tray.show({ status: 'syncing', detail: 'Cairn: snapshot, reading' });
    expect(fake.image).toEqual({ path: '/icons/tray-syncing.png' });
    expect(fake.toolTip).toBe('Cairn: snapshot, reading');
    expect(menuOf(fake).item('status').label).toBe('Working…');

    tray.show({ status: 'error', detail: 'Cairn: error: boom' });
    expect(fake.image).toEqual({ path: '/icons/tray-error.png' });
    expect(menuOf(fake).item('status')).toMatchObject({ enabled: false });

    tray.destroy();
    expect(fake.destroyed).toBe(true);
  });
});
