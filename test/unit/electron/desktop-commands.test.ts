import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { desktopCommandHandlers } from '../../../src-main/electron/desktop-commands';
import { Engine } from '../../../src-main/engine/engine';
import { makeTempDir, type TempDir } from '../../helpers/tmp';
import { FakeBrowserWindow, fakeElectron } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).fakeElectron);

let dir: TempDir;
const { dialog, shell } = fakeElectron;

beforeAll(async () => {
  dir = await makeTempDir('desktop-commands');
  await dir.write('photos/cat.jpg', 'meow');
});
afterAll(() => dir.remove());
beforeEach(() => {
  dialog.showOpenDialog.mockClear();
  shell.showItemInFolder.mockClear();
});

describe('the desktop commands in the Electron host', () => {
  it('desktop.pickFolder opens the native folder dialog, modal to the window', async () => {
    const win = new FakeBrowserWindow({});
    const handlers = desktopCommandHandlers({ dialog, shell, window: () => win as never });
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: false, filePaths: ['/home/me/photos'] });
    await expect(handlers['desktop.pickFolder']({ title: 'Watch which folder?' })).resolves.toEqual({ path: '/home/me/photos' });
    expect(dialog.showOpenDialog).toHaveBeenCalledExactlyOnceWith(win, {
      title: 'Watch which folder?',
      properties: ['openDirectory', 'createDirectory'],
    });
  });

  it('desktop.pickFolder answers null when the person cancels, and works without a window', async () => {
    const handlers = desktopCommandHandlers({ dialog, shell, window: () => null });
    dialog.showOpenDialog.mockResolvedValueOnce({ canceled: true, filePaths: [] });
    await expect(handlers['desktop.pickFolder']({})).resolves.toEqual({ path: null });
    expect(dialog.showOpenDialog.mock.calls[0]).toHaveLength(1);
  });

  it('desktop.reveal shows an existing path in the file manager', async () => {
    const handlers = desktopCommandHandlers({ dialog, shell, window: () => null });
    await expect(handlers['desktop.reveal']({ path: dir.join('photos/cat.jpg') })).resolves.toEqual({});
    expect(shell.showItemInFolder).toHaveBeenCalledExactlyOnceWith(dir.join('photos/cat.jpg'));
  });

  it('desktop.reveal says NOT_FOUND for a path that is gone', async () => {
    const handlers = desktopCommandHandlers({ dialog, shell, window: () => null });
    await expect(handlers['desktop.reveal']({ path: dir.join('photos/dog.jpg') })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(shell.showItemInFolder).not.toHaveBeenCalled();
  });
});

describe('the desktop commands in a plain-Node engine', () => {
  it('answer UNAVAILABLE, saying they need the desktop app', async () => {
    const engine = new Engine({ repositoryPath: dir.join('repo') });
    await engine.start();
    try {
      await expect(engine.call('desktop.pickFolder', {}, { transport: 'websocket' })).rejects.toMatchObject({
        code: 'UNAVAILABLE',
        message: '"desktop.pickFolder" works only in the desktop app.',
      });
      await expect(engine.call('desktop.reveal', { path: '/home/me' }, { transport: 'websocket' })).rejects.toMatchObject({
        code: 'UNAVAILABLE',
        message: '"desktop.reveal" works only in the desktop app.',
      });
      // The contract's schema still applies first.
      await expect(engine.call('desktop.reveal', { path: 'relative' }, { transport: 'websocket' })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    } finally {
      await engine.stop();
    }
  });
});
