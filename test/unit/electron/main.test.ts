import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { commands } from '../../../src-shared/contract';
import { ipcChannels } from '../../../src-shared/rpc';
import { Engine } from '../../../src-main/engine/engine';
import type { IpcResult } from '../../../src-main/electron/ipc';
import { createMainWindow, runDesktop } from '../../../src-main/electron/main';
import { appOrigin, appScheme, secureWebPreferences } from '../../../src-main/electron/security';
import { makeTempDir, type TempDir } from '../../helpers/tmp';
import { FakeBrowserWindow, fakeElectron } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).fakeElectron);

const preload = '/opt/cairn/out/preload/preload.cjs';
let dir: TempDir;
let window: FakeBrowserWindow;
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
  await runDesktop({ preload, rendererDir: dir.join('renderer'), trayIconDir: '/opt/cairn/resources/tray' });
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

  it('stops the engine when the app quits', async () => {
    await invoke(ourFrame, 'engine.status', {});
    const running = engineCall.mock.contexts[0] as Engine;
    fakeElectron.app.emitPreventable('will-quit');
    await vi.waitFor(() => expect(running.isRunning).toBe(false));
    expect(await invoke(ourFrame, 'engine.status', {})).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
  });
});
