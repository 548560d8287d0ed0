/**
 * The preload: exposes exactly one object, `window.cairn`, built from the contract. It never
 * hands the page `ipcRenderer` or an `IpcRendererEvent`. Bundled as CommonJS (a sandboxed
 * preload cannot load packages or be an ES module).
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createClient } from '../../src-shared/client';
import type { CairnClient } from '../../src-shared/contract';
import { encodeBridgeError } from '../../src-shared/wire-errors';
import { ipcChannels } from '../../src-shared/rpc';
import type { IpcResult } from './ipc';

export function buildBridge(): CairnClient {
  return createClient({
    async call(command, input) {
      const result = (await ipcRenderer.invoke(ipcChannels.invoke, command, input)) as IpcResult;
      if (!result.ok) throw encodeBridgeError(result.error);
      return result.output;
    },
    onEvent(sink) {
      ipcRenderer.on(ipcChannels.event, (_event, name: string, payload: unknown) => sink(name, payload));
    },
  });
}

const bridge = buildBridge() satisfies CairnClient;
contextBridge.exposeInMainWorld('cairn', bridge);
