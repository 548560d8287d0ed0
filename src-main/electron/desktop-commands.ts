import type { BrowserWindow, Dialog, Shell } from 'electron';
import fs from 'node:fs/promises';
import type { CommandName, CommandOutput, ParsedInput } from '../../src-shared/contract';
import type { desktopCommands } from '../../src-shared/contract/desktop';
import { NotFoundError } from '../../src-shared/errors';

/** A command the Electron host answers itself instead of passing it to the engine. */
export type HostCommand<C extends CommandName> = (input: ParsedInput<C>) => Promise<CommandOutput<C>>;
export type HostCommands = { readonly [C in CommandName]?: HostCommand<C> };

export interface DesktopCommandDeps {
  dialog: Pick<Dialog, 'showOpenDialog'>;
  shell: Pick<Shell, 'showItemInFolder'>;
  /** The window a dialog belongs to (modal to it), when there is one. */
  window: () => BrowserWindow | null;
}

/**
 * The desktop-only commands of the contract (src-shared/contract/desktop.ts), answered with the
 * native folder dialog and the system file manager. Inputs arrive already parsed with the
 * contract's schemas (see ipc.ts).
 */
export function desktopCommandHandlers(deps: DesktopCommandDeps): { [C in keyof typeof desktopCommands]: HostCommand<C> } {
  return {
    'desktop.pickFolder': async ({ title }) => {
      const options = { title: title ?? 'Choose a folder', properties: ['openDirectory', 'createDirectory'] as Array<'openDirectory' | 'createDirectory'> };
      const owner = deps.window();
      const choice = owner && !owner.isDestroyed() ? await deps.dialog.showOpenDialog(owner, options) : await deps.dialog.showOpenDialog(options);
      return { path: choice.canceled ? null : (choice.filePaths[0] ?? null) };
    },
    'desktop.reveal': async ({ path }) => {
      // showItemInFolder fails silently on a missing path; say so instead.
      await fs.stat(path).catch(() => {
        throw new NotFoundError(`"${path}"`, 'It may have been moved or deleted since Cairn last saw it.');
      });
      deps.shell.showItemInFolder(path);
      return {};
    },
  };
}
