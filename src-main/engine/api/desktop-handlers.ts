import type { desktopCommands } from '../../../src-shared/contract/desktop';
import { CairnError } from '../../../src-shared/errors';
import type { AreaHandlers } from './handlers';

type DesktopCommandName = keyof typeof desktopCommands;

/** A desktop-only command reached an engine that runs without a screen of its own. */
export class DesktopOnlyError extends CairnError {
  constructor(command: DesktopCommandName) {
    super('UNAVAILABLE', `"${command}" works only in the desktop app.`, {
      hint: 'In browser mode or the CLI, type the path instead.',
    });
    this.name = 'DesktopOnlyError';
  }
}

/**
 * The engine's answer to the desktop-only commands. The Electron host intercepts these names
 * before they reach the engine (it has dialogs and a file manager to call); every other host
 * (browser mode, CLI, local socket) ends up here and gets a clear UNAVAILABLE.
 */
export function desktopHandlers(): AreaHandlers<DesktopCommandName> {
  return {
    'desktop.pickFolder': async () => {
      throw new DesktopOnlyError('desktop.pickFolder');
    },
    'desktop.reveal': async () => {
      throw new DesktopOnlyError('desktop.reveal');
    },
  };
}
