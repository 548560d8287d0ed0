import { Menu, nativeImage, Tray, type MenuItemConstructorOptions } from 'electron';
import path from 'node:path';
import type { ActivitySnapshot, ActivityStatus } from './activity-status';

/** What the tray's menu can do; main.ts wires each to the app. */
export interface TrayActions {
  open(): void;
  quit(): void;
  /** Runs `backup.run` on every backup endpoint (see back-up-now.ts). */
  backUpNow(): void;
  /** Absent where the OS has no login items Electron can set (Linux). */
  startAtLogin?: { enabled: () => boolean; set: (on: boolean) => void };
}

const statusLabels: Record<ActivityStatus, string> = {
  idle: 'Idle',
  syncing: 'Working…',
  error: 'Something failed: open Cairn to see what',
};

/**
 * The tray menu. There is no "Pause all": the contract has no command to pause with yet, and the
 * tray only ever does what the contract can.
 */
export function trayMenuTemplate(status: ActivityStatus, actions: TrayActions): MenuItemConstructorOptions[] {
  const items: MenuItemConstructorOptions[] = [
    { id: 'status', label: statusLabels[status], enabled: false },
    { type: 'separator' },
    { id: 'open', label: 'Open Cairn', click: () => actions.open() },
    { id: 'back-up-now', label: 'Back up now', click: () => actions.backUpNow() },
  ];
  const login = actions.startAtLogin;
  if (login) {
    items.push({ id: 'start-at-login', label: 'Start at login', type: 'checkbox', checked: login.enabled(), click: (item) => login.set(item.checked) });
  }
  items.push({ type: 'separator' }, { id: 'quit', label: 'Quit Cairn', click: () => actions.quit() });
  return items;
}

/** `tray-<status>.png` with its `@2x` beside it, which Electron picks up on HiDPI screens. */
export function trayIconPath(iconDir: string, status: ActivityStatus): string {
  return path.join(iconDir, `tray-${status}.png`);
}

/** The tray icon: its image and tooltip follow the activity status; its menu is the app's. */
export class DesktopTray {
  private readonly tray: Tray;
  private status: ActivityStatus = 'idle';

  constructor(
    private readonly iconDir: string,
    private readonly actions: TrayActions,
  ) {
    this.tray = new Tray(nativeImage.createFromPath(trayIconPath(iconDir, 'idle')));
    this.tray.setToolTip('Cairn');
    // A left click opens the window on Windows and most Linux trays (macOS shows the menu).
    this.tray.on('click', () => actions.open());
    this.rebuildMenu();
  }

  show(snapshot: ActivitySnapshot): void {
    this.tray.setToolTip(snapshot.detail);
    if (snapshot.status === this.status) return;
    this.status = snapshot.status;
    this.tray.setImage(nativeImage.createFromPath(trayIconPath(this.iconDir, snapshot.status)));
    this.rebuildMenu();
  }

  destroy(): void {
    this.tray.destroy();
  }

  private rebuildMenu(): void {
    this.tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(this.status, this.actions)));
  }
}
