import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { commandNames, commands } from '../../../src-shared/contract';
import { ipcChannels } from '../../../src-shared/rpc';
import { Engine } from '../../../src-main/engine/engine';
import type { IpcResult } from '../../../src-main/electron/ipc';
import { createMainWindow, runDesktop, type DesktopApp } from '../../../src-main/electron/main';
import { appOrigin, appScheme, contentSecurityPolicy, secureWebPreferences } from '../../../src-main/electron/security';
import { makeTempDir, type TempDir } from '../../helpers/tmp';
import { FakeBrowserWindow, fakeElectron, FakeNotification, FakeTray, type FakeMenu } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).fakeElectron);

const preload = '/opt/cairn/out/preload/preload.cjs';
let dir: TempDir;
let window: FakeBrowserWindow;
let desktop: DesktopApp;
const engineCall = vi.spyOn(Engine.prototype, 'call');

type Invoke = (event: unknown, name: unknown, input: unknown) => Promise<IpcResult>;
const invoke: Invoke = (event, name, input) => {
  const handler = fakeElectron.ipcMain.handlers.get(ipcChannels.invoke) as Invoke | undefined;
  if (!handler) throw new Error('no IPC handler registered');
  return handler(event, name, input);
};
const frame = (url: string, parent: unknown = null) => ({ senderFrame: { url, parent } });
const ourFrame = frame(`${appOrigin}/index.html`);

beforeAll(async () => {
  dir = await makeTempDir('electron');
  await dir.write('renderer/index.html', '<!doctype html><title>desktop ui</title>');
  await dir.write('secret.txt', 'secret');
  vi.stubEnv('CAIRN_REPO', dir.join('repo'));
  fakeElectron.app.paths.userData = dir.join('userData');
  const started = await runDesktop({ preload, rendererDir: dir.join('renderer'), trayIconDir: '/opt/cairn/resources/tray' });
  if (!started) throw new Error('runDesktop did not start');
  desktop = started;
  const created = FakeBrowserWindow.created[0];
  if (!created) throw new Error('runDesktop created no window');
  window = created;
});

afterAll(async () => {
  fakeElectron.app.emitPreventable('will-quit');
  vi.unstubAllEnvs();
  await dir.remove();
});

beforeEach(() => {
  engineCall.mockClear();
});

describe('the desktop window', () => {
  it('is created with every secure web preference', () => {
    expect(FakeBrowserWindow.created).toHaveLength(1);
    const prefs = window.options.webPreferences as Record<string, unknown>;
    expect(prefs).toEqual(secureWebPreferences(preload));
    expect(prefs).toMatchObject({
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
    });
    expect(window.options.show).toBe(false);
  });

  it('loads the UI from the app scheme, never file://', () => {
    expect(window.loadedUrl).toBe(`${appOrigin}/index.html`);
    expect(fakeElectron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({ scheme: appScheme, privileges: expect.objectContaining({ standard: true, secure: true }) }),
    ]);
  });

  it('serves the UI through the app protocol, only from the renderer folder', async () => {
    const [scheme, handler] = fakeElectron.protocol.handle.mock.calls[0] as unknown as [string, (request: { url: string }) => Promise<Response>];
    expect(scheme).toBe(appScheme);
    const page = await handler({ url: `${appOrigin}/index.html` });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('desktop ui');
    expect((await handler({ url: `${appOrigin}/%2e%2e/secret.txt` })).status).toBe(404);
  });

  it('denies navigation away from the app', () => {
    expect(window.webContents.emitPreventable('will-navigate', 'https://evil.example/')).toBe(true);
    expect(window.webContents.emitPreventable('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(window.webContents.emitPreventable('will-navigate', 'app://other/index.html')).toBe(true);
    expect(window.webContents.emitPreventable('will-navigate', `${appOrigin}/index.html#/status`)).toBe(false);
  });

  it('denies every window.open, handing plain https links to the system browser', () => {
    const open = window.webContents.windowOpenHandler;
    expect(open).not.toBeNull();
    fakeElectron.shell.openExternal.mockClear();
    for (const url of ['https://example.com/docs', 'http://example.com', 'file:///etc/passwd', 'javascript:alert(1)', `${appOrigin}/index.html`, 'https://user:pw@example.com']) {
      expect(open?.({ url })).toEqual({ action: 'deny' });
    }
    expect(fakeElectron.shell.openExternal.mock.calls).toEqual([['https://example.com/docs']]);
  });

  it('refuses to attach webviews', () => {
    expect(window.webContents.emitPreventable('will-attach-webview', {}, {})).toBe(true);
  });

  it('denies every permission request and check', () => {
    const [requestHandler] = fakeElectron.session.defaultSession.setPermissionRequestHandler.mock.calls[0] as unknown as [
      (contents: unknown, permission: string, callback: (granted: boolean) => void) => void,
    ];
    const [checkHandler] = fakeElectron.session.defaultSession.setPermissionCheckHandler.mock.calls[0] as unknown as [(...args: unknown[]) => boolean];
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn();
      requestHandler(window.webContents, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
      expect(checkHandler(window.webContents, permission, `${appOrigin}/`)).toBe(false);
    }
  });

  it('creates every later window with the same preferences', () => {
    const later = createMainWindow({ preload, rendererDir: dir.join('renderer') }) as unknown as FakeBrowserWindow;
    expect(later.options.webPreferences).toEqual(secureWebPreferences(preload));
    expect(later.webContents.windowOpenHandler).not.toBeNull();
    expect(later.webContents.listenerCount('will-navigate')).toBe(1);
    FakeBrowserWindow.created.pop();
  });
});

describe('start-up', () => {
  it('sandboxes every renderer and registers the app scheme before the app is ready', () => {
    const ready = fakeElectron.app.whenReady.mock.invocationCallOrder[0]!;
    expect(fakeElectron.app.enableSandbox).toHaveBeenCalledOnce();
    expect(fakeElectron.app.enableSandbox.mock.invocationCallOrder[0]).toBeLessThan(ready);
    expect(fakeElectron.protocol.registerSchemesAsPrivileged.mock.invocationCallOrder[0]).toBeLessThan(ready);
  });

  it('takes the single-instance lock and shows the window on a second launch', () => {
    expect(fakeElectron.app.requestSingleInstanceLock).toHaveBeenCalledOnce();
    window.hide();
    fakeElectron.app.emit('second-instance');
    expect(window.visible).toBe(true);
  });

  it('puts the CSP on app:// responses and on every other response of the session', async () => {
    const [, handler] = fakeElectron.protocol.handle.mock.calls[0] as unknown as [string, (request: { url: string }) => Promise<Response>];
    expect((await handler({ url: `${appOrigin}/index.html` })).headers.get('content-security-policy')).toBe(contentSecurityPolicy);

    const [onHeaders] = fakeElectron.session.defaultSession.webRequest.onHeadersReceived.mock.calls[0] as unknown as [
      (details: { url: string; responseHeaders: Record<string, string[]> }, callback: (r: unknown) => void) => void,
    ];
    const callback = vi.fn();
    onHeaders({ url: 'https://elsewhere.example/', responseHeaders: { 'content-security-policy': ['default-src *'] } }, callback);
    expect(callback).toHaveBeenCalledWith({ responseHeaders: { 'Content-Security-Policy': [contentSecurityPolicy] } });
  });

  it('guards every web contents the app creates, not only the main window', () => {
    const [listener] = fakeElectron.app.listeners('web-contents-created') as Array<(event: unknown, contents: unknown) => void>;
    const other = new FakeBrowserWindow({}).webContents;
    FakeBrowserWindow.created.pop();
    listener?.({}, other);
    expect(other.windowOpenHandler?.({ url: 'https://example.com' })).toEqual({ action: 'deny' });
    expect(other.emitPreventable('will-navigate', 'https://evil.example/')).toBe(true);
  });

  it('leaves start at login off by default', () => {
    expect(desktop.settings.startAtLogin).toBe(false);
    if (process.platform === 'darwin' || process.platform === 'win32') {
      expect(fakeElectron.app.setLoginItemSettings).toHaveBeenCalledWith({ openAtLogin: false });
    } else {
      expect(fakeElectron.app.setLoginItemSettings).not.toHaveBeenCalled();
    }
  });

  it('opens the secret store in userData without touching the keychain yet', () => {
    expect(desktop.secrets.file).toBe(dir.join('userData', 'secrets.json'));
    expect(fakeElectron.safeStorage.isAsyncEncryptionAvailable).not.toHaveBeenCalled();
  });

  it('offers no way to read a secret from the renderer', () => {
    expect(commandNames.filter((name) => /secret|credential|safeStorage/i.test(name))).toEqual([]);
  });
});

describe('the tray and closing the window', () => {
  const tray = () => FakeTray.created[0]!;
  const menu = () => tray().contextMenu as FakeMenu;

  it('shows a tray icon for the idle state with an Open and a Quit item', () => {
    expect(FakeTray.created).toHaveLength(1);
    expect(tray().image).toEqual({ path: '/opt/cairn/resources/tray/tray-idle.png' });
    expect(menu().items.map((item) => item.id).filter(Boolean)).toEqual(
      expect.arrayContaining(['status', 'open', 'back-up-now', 'quit']),
    );
  });

  it('hides the window on close instead of quitting', () => {
    window.show();
    window.close();
    expect(window.destroyed).toBe(false);
    expect(window.visible).toBe(false);
    expect(fakeElectron.app.quit).not.toHaveBeenCalled();
  });

  it('brings the window back from the tray menu and from a click on the icon', () => {
    menu().click('open');
    expect(window.visible).toBe(true);
    window.close();
    tray().emit('click');
    expect(window.visible).toBe(true);
  });

  it('turns an engine failure into a notification and the error icon, until the window is seen', () => {
    FakeNotification.shown.length = 0;
    desktop.engine.log.error('backup to "office" failed: endpoint unreachable', 'test');
    expect(tray().image).toEqual({ path: '/opt/cairn/resources/tray/tray-error.png' });
    expect(tray().toolTip).toContain('backup to "office" failed');
    expect(FakeNotification.shown.map((n) => n.options.body)).toEqual(['backup to "office" failed: endpoint unreachable']);

    window.hide();
    FakeNotification.shown[0]!.emit('click');
    expect(window.visible).toBe(true);
    expect(tray().image).toEqual({ path: '/opt/cairn/resources/tray/tray-idle.png' });
  });

  it('shows the busy icon while a job reports progress', () => {
    desktop.engine.events.emit('job.progress', { jobId: 'j1', kind: 'snapshot', phase: 'reading', done: 1, total: 3 });
    expect(tray().image).toEqual({ path: '/opt/cairn/resources/tray/tray-syncing.png' });
    expect(desktop.activity.snapshot.status).toBe('syncing');
  });

  it('quits from the tray', () => {
    menu().click('quit');
    expect(fakeElectron.app.quit).toHaveBeenCalledOnce();
    fakeElectron.app.quit.mockClear();
  });
});

describe('desktop-only commands from the window', () => {
  it('answers desktop.pickFolder with the native dialog, never reaching the engine', async () => {
    fakeElectron.dialog.showOpenDialog.mockClear();
    fakeElectron.dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/home/me/models'] });
    expect(await invoke(ourFrame, 'desktop.pickFolder', {})).toEqual({ ok: true, output: { path: '/home/me/models' } });
    expect(fakeElectron.dialog.showOpenDialog).toHaveBeenCalledWith(window, expect.objectContaining({ properties: ['openDirectory', 'createDirectory'] }));
    expect(engineCall).not.toHaveBeenCalled();
  });

  it('answers desktop.reveal with the file manager', async () => {
    fakeElectron.shell.showItemInFolder.mockClear();
    expect(await invoke(ourFrame, 'desktop.reveal', { path: dir.join('secret.txt') })).toEqual({ ok: true, output: {} });
    expect(fakeElectron.shell.showItemInFolder).toHaveBeenCalledExactlyOnceWith(dir.join('secret.txt'));
    expect(engineCall).not.toHaveBeenCalled();
  });

  it('refuses them from another frame, and with an invalid input', async () => {
    fakeElectron.dialog.showOpenDialog.mockClear();
    expect(await invoke(frame('https://evil.example/'), 'desktop.pickFolder', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(await invoke(ourFrame, 'desktop.reveal', { path: '../etc' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(fakeElectron.dialog.showOpenDialog).not.toHaveBeenCalled();
  });
});

describe('IPC from the window', () => {
  it('runs a contract command for our own top frame', async () => {
    const result = await invoke(ourFrame, 'engine.status', {});
    expect(result.ok).toBe(true);
    if (result.ok) expect(commands['engine.status'].output.parse(result.output).repositoryPath).toBe(dir.join('repo'));
    expect(engineCall).toHaveBeenCalledTimes(1);
  });

  it('refuses a message from any other frame before it reaches the engine', async () => {
    const untrusted = [
      frame('https://evil.example/'),
      frame('file:///home/me/page.html'),
      frame('app://other/index.html'),
      frame('http://localhost:5173/'),
      frame(`${appOrigin}/index.html`, { url: `${appOrigin}/index.html` }), // a subframe of ours
      { senderFrame: null }, // the frame is already gone
      {},
    ];
    for (const event of untrusted) {
      const result = await invoke(event, 'engine.status', {});
      expect(result).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    }
    expect(engineCall).not.toHaveBeenCalled();
  });

  it('answers an invalid input with INVALID_INPUT and an unknown command with UNKNOWN_COMMAND', async () => {
    expect(await invoke(ourFrame, 'engine.status', { extra: 1 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await invoke(ourFrame, 'engine.status', 'not an object')).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await invoke(ourFrame, 'engine.nope', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    // All refused in the host, before the engine saw them.
    expect(engineCall).not.toHaveBeenCalled();
    expect(await invoke(ourFrame, 42, {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    expect((await invoke(ourFrame, 'engine.status', {})).ok).toBe(true);
  });

  it('forwards engine events to the window on the event channel', async () => {
    await invoke(ourFrame, 'engine.status', {});
    const running = engineCall.mock.contexts[0] as Engine;
    expect(running).toBeInstanceOf(Engine);
    running.log.info('hello window', 'test');
    expect(window.webContents.sent).toContainEqual([ipcChannels.event, 'engine.log', expect.objectContaining({ message: 'hello window', area: 'test' })]);

    window.webContents.destroyed = true;
    const before = window.webContents.sent.length;
    running.log.info('nobody is listening', 'test');
    expect(window.webContents.sent).toHaveLength(before);
    window.webContents.destroyed = false;
  });

  it('lets the window close once the app is quitting', () => {
    fakeElectron.app.emitPreventable('before-quit');
    window.close();
    expect(window.destroyed).toBe(true);
  });

  it('holds the quit until the engine has stopped, then quits', async () => {
    await invoke(ourFrame, 'engine.status', {});
    const running = engineCall.mock.contexts[0] as Engine;
    expect(fakeElectron.app.emitPreventable('will-quit')).toBe(true);
    expect(FakeTray.created[0]!.destroyed).toBe(true);
    await vi.waitFor(() => expect(running.isRunning).toBe(false));
    await vi.waitFor(() => expect(fakeElectron.app.quit).toHaveBeenCalledOnce());
    expect(fakeElectron.app.emitPreventable('will-quit')).toBe(false);
    expect(await invoke(ourFrame, 'engine.status', {})).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
  });
});
