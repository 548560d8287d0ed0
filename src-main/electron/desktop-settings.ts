import type { App } from 'electron';
import path from 'node:path';
import { z } from 'zod';
import { readOptionalFile, writePrivateFile } from './private-file';

/** Settings of the desktop app on this device only (never synced; DESIGN.md 1). */
const desktopSettingsSchema = z.object({
  startAtLogin: z.boolean().default(false),
});
export type DesktopSettingsValues = z.infer<typeof desktopSettingsSchema>;

export const desktopSettingsFileName = 'desktop-settings.json';

/** The operating systems where `app.setLoginItemSettings` does something. */
export function loginItemSupported(platform: NodeJS.Platform): boolean {
  return platform === 'darwin' || platform === 'win32';
}

/**
 * A small JSON file in `userData`. A missing or damaged file means the defaults (start at login
 * off): a settings file is not worth refusing to start over, but the caller is told.
 */
export class DesktopSettings {
  private constructor(
    private readonly file: string,
    private values: DesktopSettingsValues,
  ) {}

  static async load(userDataDir: string, onProblem: (message: string) => void = () => {}): Promise<DesktopSettings> {
    const file = path.join(userDataDir, desktopSettingsFileName);
    const text = await readOptionalFile(file);
    if (text === null) return new DesktopSettings(file, desktopSettingsSchema.parse({}));
    const parsed = desktopSettingsSchema.safeParse(parseJsonOrUndefined(text));
    if (parsed.success) return new DesktopSettings(file, parsed.data);
    onProblem(`the desktop settings in ${file} could not be read; using the defaults until they are changed`);
    return new DesktopSettings(file, desktopSettingsSchema.parse({}));
  }

  get startAtLogin(): boolean {
    return this.values.startAtLogin;
  }

  async setStartAtLogin(on: boolean): Promise<void> {
    this.values = { ...this.values, startAtLogin: on };
    await writePrivateFile(this.file, `${JSON.stringify(this.values, null, 2)}\n`);
  }
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Makes the OS's login items match the setting (it is off unless the person turned it on). */
export function applyStartAtLogin(app: Pick<App, 'setLoginItemSettings'>, platform: NodeJS.Platform, on: boolean): void {
  if (!loginItemSupported(platform)) return;
  app.setLoginItemSettings({ openAtLogin: on });
}
