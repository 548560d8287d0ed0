import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { UnauthorizedError, toWireError, type WireError } from '../../src-shared/errors';
import { ipcChannels } from '../../src-shared/rpc';
import type { Engine } from '../engine/engine';

/** What crosses the invoke channel: thrown errors lose their shape in Electron, so we return them. */
export type IpcResult = { ok: true; output: unknown } | { ok: false; error: WireError };

/**
 * Wires the contract onto Electron IPC: one invoke channel for every command (each input is
 * parsed by the engine's dispatcher with the contract's schema) and one event channel.
 * Messages from frames that are not our UI are refused before the engine sees them.
 */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  engine: Engine,
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
): () => void {
  ipcMain.handle(ipcChannels.invoke, async (event, name: unknown, input: unknown): Promise<IpcResult> => {
    if (!isTrustedSender(event)) {
      return { ok: false, error: new UnauthorizedError('IPC message from an untrusted frame was refused.').toWire() };
    }
    try {
      return { ok: true, output: await engine.call(String(name), input, { transport: 'ipc' }) };
    } catch (err) {
      return { ok: false, error: toWireError(err) };
    }
  });
  return () => ipcMain.removeHandler(ipcChannels.invoke);
}

/** Forwards every engine event to a window's renderer; stops when the window goes away. */
export function forwardEvents(engine: Engine, contents: Pick<WebContents, 'send' | 'isDestroyed'>): () => void {
  return engine.events.subscribe((event, payload) => {
    if (!contents.isDestroyed()) contents.send(ipcChannels.event, event, payload);
  });
}
