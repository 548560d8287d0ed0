import { BrowserWindow } from 'electron';
import { appOrigin, secureWebPreferences } from './security';
import { guardWebContents } from './web-contents-guards';

export interface MainWindowOptions {
  preload: string;
  /** Development only (see `devServerUrlFrom`): load the UI from the dev server. */
  devServerUrl: string | undefined;
  /** Where a plain https link the page tries to open goes (the system browser). */
  openExternal: (url: string) => void;
}

/** The one window of the app, hardened, showing the UI from app:// (never file://). */
export function createHardenedWindow(options: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Cairn',
    webPreferences: secureWebPreferences(options.preload),
  });
  guardWebContents(win.webContents, { devServerUrl: options.devServerUrl, openExternal: options.openExternal });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(options.devServerUrl ?? `${appOrigin}/index.html`);
  return win;
}

export type TrayWindow = Pick<BrowserWindow, 'on' | 'hide' | 'show' | 'focus' | 'restore' | 'isMinimized' | 'isDestroyed'>;

/**
 * Closing the window hides it: Cairn keeps watching and backing up from the tray. Only a real
 * quit (the tray's Quit, the app menu, the OS shutting down) lets the window close.
 */
export function hideOnClose(win: TrayWindow, isQuitting: () => boolean): void {
  win.on('close', (event) => {
    if (isQuitting()) return;
    event.preventDefault();
    win.hide();
  });
}

/** Brings the window to the front, from the tray, a notification or a second launch. */
export function revealWindow(win: TrayWindow): void {
  if (win.isDestroyed()) return;
  if (win.isMinimized()) win.restore();
  win.show();
  win.focus();
}
