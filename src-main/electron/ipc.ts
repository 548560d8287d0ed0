import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { commands, isCommandName, type CommandName } from '../../src-shared/contract';
import { UnauthorizedError, UnknownCommandError, type WireError } from '../../src-shared/errors';
import { toWireError } from '../../src-shared/wire-errors';
import { ipcChannels } from '../../src-shared/rpc';
import { parseInput } from '../engine/api/dispatch';
import type { Engine } from '../engine/engine';
import type { HostCommand, HostCommands } from './desktop-commands';

/** What crosses the invoke channel: thrown errors lose their shape in Electron, so we return them. */
export type IpcResult = { ok: true; output: unknown } | { ok: false; error: WireError };

/**
 * Wires the contract onto Electron IPC: one invoke channel for every command and one event
 * channel. In order, a message must come from our UI's top frame, name a contract command, and
 * carry an input the contract's schema accepts; only then does it reach a host command (the
 * desktop-only ones, answered here with native dialogs) or the engine, which parses again.
 */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  engine: Pick<Engine, 'call'>,
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
  hostCommands: HostCommands = {},
): () => void {
  ipcMain.handle(ipcChannels.invoke, async (event, name: unknown, input: unknown): Promise<IpcResult> => {
    if (!isTrustedSender(event)) {
      return { ok: false, error: new UnauthorizedError('IPC message from an untrusted frame was refused.').toWire() };
    }
    try {
      const command = String(name);
      if (!isCommandName(command)) throw new UnknownCommandError(command.slice(0, 200));
      const parsed = parseInput(command, input);
      const host = hostCommands[command] as HostCommand<CommandName> | undefined;
      if (host) return { ok: true, output: commands[command].output.parse(await host(parsed as never)) };
      return { ok: true, output: await engine.call(command, input, { transport: 'ipc' }) };
    } catch (err) {
      return { ok: false, error: toWireError(err) };
    }
  });
  return () => ipcMain.removeHandler(ipcChannels.invoke);
}

/** Forwards every engine event to a window's renderer; stops when the window goes away. */
export function forwardEvents(engine: Pick<Engine, 'events'>, contents: Pick<WebContents, 'send' | 'isDestroyed'>): () => void {
  return engine.events.subscribe((event, payload) => {
    if (!contents.isDestroyed()) contents.send(ipcChannels.event, event, payload);
  });
}
