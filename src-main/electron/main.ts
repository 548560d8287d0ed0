/**
 * The desktop host: one window over the engine, a tray icon, notifications, hardened per the
 * Electron security checklist. No business logic lives here; it adapts the engine to Electron.
 */
import { app, dialog, ipcMain, protocol, safeStorage, session, shell, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CairnError } from '../../src-shared/errors';
import type { Engine } from '../engine/engine';
import { startOwningEngine } from '../server/owning-engine';
import { ActivityTracker } from './activity-status';
import { BackUpNow } from './back-up-now';
import { desktopCommandHandlers } from './desktop-commands';
import { applyStartAtLogin, DesktopSettings, loginItemSupported } from './desktop-settings';
import { FailureNotifier } from './failure-notifier';
import { forwardEvents, registerIpc } from './ipc';
import { createHardenedWindow, hideOnClose, revealWindow } from './main-window';
import { serveAppRequest } from './protocol';
import { holdQuitUntil } from './quit-hold';
import { SecretStore } from './secret-store';
import {
  appScheme,
  contentSecurityPolicy,
  developmentContentSecurityPolicy,
  devServerUrlFrom,
  isSafeExternalUrl,
  isTrustedSenderUrl,
} from './security';
import { hardenSession } from './session-hardening';
import { DesktopTray } from './tray';
import { guardEveryWebContents, guardWebContents } from './web-contents-guards';

const here = path.dirname(fileURLToPath(import.meta.url));

/** The same id electron-builder.yml gives the app (Windows ties notifications to it). */
export const appId = 'dev.cairn.app';

export interface DesktopPaths {
  preload: string;
  rendererDir: string;
  /** Folder of tray-<status>.png; defaults to resources/tray (packaged: beside app.asar). */
  trayIconDir?: string;
}

export function defaultDesktopPaths(): DesktopPaths {
  return { preload: path.join(here, '../preload/preload.cjs'), rendererDir: path.join(here, '../renderer'), trayIconDir: defaultTrayIconDir() };
}

function defaultTrayIconDir(): string {
  // electron-builder copies resources/tray next to app.asar (extraResources in electron-builder.yml).
  return app.isPackaged ? path.join(process.resourcesPath, 'tray') : path.join(app.getAppPath(), 'resources', 'tray');
}

function devServerUrl(): string | undefined {
  return devServerUrlFrom(process.env, app.isPackaged);
}

/** The one place the app hands a URL to the OS: only plain https links (see isSafeExternalUrl). */
function openExternal(url: string): void {
  if (isSafeExternalUrl(url)) void shell.openExternal(url);
}

/** Denies navigation, new windows and webviews for a window's contents. */
export function lockDown(win: BrowserWindow): void {
  guardWebContents(win.webContents, { devServerUrl: devServerUrl(), openExternal });
}

export function createMainWindow(paths: DesktopPaths): BrowserWindow {
  return createHardenedWindow({ preload: paths.preload, devServerUrl: devServerUrl(), openExternal });
}

export function isTrustedSender(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  if (!frame || frame.parent !== null) return false;
  return isTrustedSenderUrl(frame.url, devServerUrl());
}

/** What a running desktop app holds; tests drive it, and later features (credentials) use it. */
export interface DesktopApp {
  engine: Engine;
  secrets: SecretStore;
  settings: DesktopSettings;
  tray: DesktopTray;
  activity: ActivityTracker;
  backUpNow: BackUpNow;
  window(): BrowserWindow;
}

/** Starts the desktop app; null when another instance already runs (it is focused instead). */
export async function runDesktop(paths: DesktopPaths = defaultDesktopPaths()): Promise<DesktopApp | null> {
  // Sandbox every renderer whatever its preferences say; both calls must come before 'ready'.
  app.enableSandbox();
  protocol.registerSchemesAsPrivileged([{ scheme: appScheme, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  if (process.platform === 'win32') app.setAppUserModelId(appId);
  const dev = devServerUrl();
  guardEveryWebContents(app, { devServerUrl: dev, openExternal });

  await app.whenReady();
  hardenSession(session.defaultSession, dev ? developmentContentSecurityPolicy(dev) : contentSecurityPolicy);
  protocol.handle(appScheme, (request) => serveAppRequest(paths.rendererDir, request.url));

  // The desktop opens (or creates) the embedded repository; an encrypted one takes its
  // passphrase from the environment until the unlock dialog exists.
  // Endpoint secrets live in the OS keychain (safeStorage), never in a plain file.
  let warnLater: (message: string) => void = (message) => console.warn(message);
  const secrets = new SecretStore({ directory: app.getPath('userData'), safeStorage, platform: process.platform, onWeakBackend: (message) => warnLater(message) });
  const owner = await startOwningEngine({
    purpose: 'the Cairn desktop app',
    endpointSecrets: secrets,
    logEcho: 'info',
    createIfMissing: true,
    watchFolders: true,
    passphrase: async () => process.env.CAIRN_PASSWORD ?? null,
  });
  const engine = owner.engine;
  const warn = (message: string) => engine.log.warn(message, 'desktop');
  warnLater = warn;

  const userData = app.getPath('userData');
  const settings = await DesktopSettings.load(userData, warn);
  applyStartAtLogin(app, process.platform, settings.startAtLogin);

  // Closing the window hides it; only a real quit closes it (see hideOnClose).
  let quitting = false;
  app.on('before-quit', () => {
    quitting = true;
  });
  let win: BrowserWindow;
  let stopForwarding = () => {};
  const openWindow = () => {
    win = createMainWindow(paths);
    hideOnClose(win, () => quitting);
    win.on('focus', () => activity.acknowledgeError());
    stopForwarding();
    stopForwarding = forwardEvents(engine, win.webContents);
  };
  const show = () => {
    if (win.isDestroyed()) openWindow();
    revealWindow(win);
    activity.acknowledgeError();
  };

  const backUpNow = new BackUpNow(engine);
  const tray = new DesktopTray(paths.trayIconDir ?? defaultTrayIconDir(), {
    open: show,
    quit: () => app.quit(),
    backUpNow: () => void backUpNow.run(),
    ...(loginItemSupported(process.platform) && {
      startAtLogin: {
        enabled: () => settings.startAtLogin,
        set: (on: boolean) => {
          applyStartAtLogin(app, process.platform, on);
          settings.setStartAtLogin(on).catch((err: unknown) => warn(`could not save the start-at-login setting: ${describe(err)}`));
        },
      },
    }),
  });
  const activity = new ActivityTracker({ onChange: (snapshot) => tray.show(snapshot) });
  const notifier = new FailureNotifier({ onClick: show });
  const stopObserving = engine.events.subscribe((event, payload) => {
    activity.observe(event, payload);
    notifier.observe(event, payload);
  });

  openWindow();
  registerIpc(ipcMain, engine, isTrustedSender, desktopCommandHandlers({ dialog, shell, window: () => win }));

  app.on('second-instance', show);
  app.on('activate', show);
  // Without a listener Electron quits when the last window closes; Cairn stays in the tray.
  app.on('window-all-closed', () => {});
  holdQuitUntil(
    app,
    async () => {
      stopObserving();
      stopForwarding();
      activity.dispose();
      tray.destroy();
      await owner.stop();
    },
    (err) => console.error(`cairn: the engine did not stop cleanly: ${describe(err)}`),
  );

  return { engine, secrets, settings, tray, activity, backUpNow, window: () => win };
}

function describe(err: unknown): string {
  if (err instanceof CairnError) return err.describe();
  return err instanceof Error ? err.message : String(err);
}

// Started by Electron as the main entry; tests import the functions above with a mocked electron.
if (process.versions.electron && !process.env.VITEST) {
  runDesktop().catch((err: unknown) => {
    dialog.showErrorBox('Cairn could not start', describe(err));
    app.exit(1);
  });
}
