/**
 * The desktop host: one window over the engine, hardened per the Electron security checklist.
 * No business logic lives here; it adapts the engine to Electron.
 */
import { app, BrowserWindow, ipcMain, protocol, session, shell, type IpcMainInvokeEvent } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startOwningEngine } from '../server/owning-engine';
import { forwardEvents, registerIpc } from './ipc';
import { serveAppRequest } from './protocol';
import { appOrigin, appScheme, isSafeExternalUrl, isTrustedSenderUrl, secureWebPreferences } from './security';

const here = path.dirname(fileURLToPath(import.meta.url));
const devServerUrl = process.env.ELECTRON_RENDERER_URL;

export interface DesktopPaths {
  preload: string;
  rendererDir: string;
}

export function defaultDesktopPaths(): DesktopPaths {
  return { preload: path.join(here, '../preload/preload.cjs'), rendererDir: path.join(here, '../renderer') };
}

/** Denies navigation, new windows and permission requests for a window's contents. */
export function lockDown(win: BrowserWindow): void {
  const contents = win.webContents;
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event, url) => {
    if (!isTrustedSenderUrl(url, devServerUrl)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

export function createMainWindow(paths: DesktopPaths): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Cairn',
    webPreferences: secureWebPreferences(paths.preload),
  });
  lockDown(win);
  win.once('ready-to-show', () => win.show());
  void win.loadURL(devServerUrl ?? `${appOrigin}/index.html`);
  return win;
}

export function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return isTrustedSenderUrl(frame.url, devServerUrl);
}

export async function runDesktop(paths: DesktopPaths = defaultDesktopPaths()): Promise<void> {
  protocol.registerSchemesAsPrivileged([
    { scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  await app.whenReady();
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  protocol.handle(appScheme, (request) => serveAppRequest(paths.rendererDir, request.url));

  // The desktop opens (or creates) the embedded repository; an encrypted one takes its
  // passphrase from the environment until the unlock dialog exists.
  const owner = await startOwningEngine({
    purpose: 'the Cairn desktop app',
    logEcho: 'info',
    createIfMissing: true,
    passphrase: async () => process.env.CAIRN_PASSWORD ?? null,
  });
  const engine = owner.engine;
  registerIpc(ipcMain, engine, isTrustedSender);

  let win = createMainWindow(paths);
  let stopForwarding = forwardEvents(engine, win.webContents);
  app.on('second-instance', () => {
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) {
      win = createMainWindow(paths);
      stopForwarding();
      stopForwarding = forwardEvents(engine, win.webContents);
    }
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('will-quit', () => {
    stopForwarding();
    void owner.stop();
  });
}

// Started by Electron as the main entry; tests import the functions above with a mocked electron.
if (process.versions.electron && !process.env.VITEST) {
  void runDesktop();
}
