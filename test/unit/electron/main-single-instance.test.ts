import { describe, expect, it, vi } from 'vitest';
import { runDesktop } from '../../../src-main/electron/main';
import { FakeBrowserWindow, fakeElectron, FakeTray } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).fakeElectron);

describe('a second launch', () => {
  it('quits at once when another instance holds the lock, starting nothing', async () => {
    fakeElectron.app.requestSingleInstanceLock.mockReturnValueOnce(false);
    await expect(runDesktop({ preload: '/p.cjs', rendererDir: '/r', trayIconDir: '/t' })).resolves.toBeNull();
    expect(fakeElectron.app.quit).toHaveBeenCalledOnce();
    expect(fakeElectron.app.whenReady).not.toHaveBeenCalled();
    expect(FakeBrowserWindow.created).toHaveLength(0);
    expect(FakeTray.created).toHaveLength(0);
  });
});
