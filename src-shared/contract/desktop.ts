import { z } from 'zod';
import { command } from './define';

/**
 * An absolute path on any of the desktop platforms: `/home/me`, `C:\Users\me`, `\\server\share`.
 * Checked by shape only (this module runs in the renderer too, without `node:path`).
 */
const absolutePath = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'must not contain NUL')
  .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'), 'must be an absolute path');

/**
 * Commands only the desktop app can answer: they need the person's screen (a native dialog, the
 * system file manager). The Electron host answers them itself; the engine, running anywhere else
 * (browser mode, CLI), answers UNAVAILABLE so a client can fall back to typing a path.
 */
export const desktopCommands = {
  'desktop.pickFolder': command(
    'Ask the person to choose a folder with the native dialog; path is null when they cancel (desktop app only).',
    z.object({ title: z.string().max(200).optional() }).strict(),
    z.object({ path: z.string().nullable() }),
  ),
  'desktop.reveal': command(
    'Show a file or folder in the system file manager (desktop app only).',
    z.object({ path: absolutePath }).strict(),
    z.object({}),
  ),
};
