import fs from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyStartAtLogin, DesktopSettings, desktopSettingsFileName, loginItemSupported } from '../../../src-main/electron/desktop-settings';
import { makeTempDir, type TempDir } from '../../helpers/tmp';

let dir: TempDir;
beforeEach(async () => {
  dir = await makeTempDir('desktop-settings');
});
afterEach(() => dir.remove());

describe('DesktopSettings', () => {
  it('starts at login only when the person turned it on', async () => {
    const settings = await DesktopSettings.load(dir.path);
    expect(settings.startAtLogin).toBe(false);
    await expect(fs.stat(dir.join(desktopSettingsFileName))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('keeps the setting in a private JSON file in userData', async () => {
    const settings = await DesktopSettings.load(dir.path);
    await settings.setStartAtLogin(true);
    expect(JSON.parse(await fs.readFile(dir.join(desktopSettingsFileName), 'utf8'))).toEqual({ startAtLogin: true });
    if (process.platform !== 'win32') expect((await fs.stat(dir.join(desktopSettingsFileName))).mode & 0o777).toBe(0o600);
    expect((await DesktopSettings.load(dir.path)).startAtLogin).toBe(true);
    await settings.setStartAtLogin(false);
    expect((await DesktopSettings.load(dir.path)).startAtLogin).toBe(false);
  });

  it('falls back to the defaults on a damaged file, and says so', async () => {
    for (const content of ['{not json', '{"startAtLogin":"yes"}', '[]']) {
      await dir.write(desktopSettingsFileName, content);
      const problems: string[] = [];
      const settings = await DesktopSettings.load(dir.path, (m) => problems.push(m));
      expect(settings.startAtLogin).toBe(false);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toContain(desktopSettingsFileName);
    }
  });

  it('leaves no temporary files behind', async () => {
    const settings = await DesktopSettings.load(dir.path);
    await Promise.all([settings.setStartAtLogin(true), settings.setStartAtLogin(true)]);
    expect(await fs.readdir(dir.path)).toEqual([desktopSettingsFileName]);
  });
});

describe('applyStartAtLogin', () => {
  it('sets the login item on macOS and Windows, and nothing on Linux', () => {
    const app = { setLoginItemSettings: vi.fn() };
    applyStartAtLogin(app, 'darwin', true);
    applyStartAtLogin(app, 'win32', false);
    applyStartAtLogin(app, 'linux', true);
    expect(app.setLoginItemSettings.mock.calls).toEqual([[{ openAtLogin: true }], [{ openAtLogin: false }]]);
    expect(loginItemSupported('linux')).toBe(false);
  });
});
