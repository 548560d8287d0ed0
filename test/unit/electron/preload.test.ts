import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { commandNames, type CairnClient } from '../../../src-shared/contract';
import { decodeBridgeError } from '../../../src-shared/wire-errors';
import { ipcChannels } from '../../../src-shared/rpc';
import { fakeElectron } from './fake-electron';

vi.mock('electron', async () => (await import('./fake-electron')).fakeElectron);

let bridge: CairnClient;
const { ipcRenderer, contextBridge } = fakeElectron;

beforeAll(async () => {
  await import('../../../src-main/electron/preload');
  const [name, exposed] = contextBridge.exposeInMainWorld.mock.calls[0] as unknown as [string, CairnClient];
  expect(name).toBe('cairn');
  bridge = exposed;
});

beforeEach(() => {
  ipcRenderer.invoke.mockClear();
});

describe('the preload', () => {
  it('exposes exactly one object, `cairn`, with one function per command plus `on`', () => {
    expect(contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(Object.keys(bridge).sort()).toEqual([...commandNames, 'on'].sort());
    for (const value of Object.values(bridge)) expect(typeof value).toBe('function');
  });

  it('never hands the page ipcRenderer itself', () => {
    const values = Object.values(bridge) as unknown[];
    expect(values).not.toContain(ipcRenderer);
    expect(values).not.toContain(ipcRenderer.invoke);
    expect(values).not.toContain(ipcRenderer.on);
  });

  it('sends each command over the one invoke channel and returns its output', async () => {
    ipcRenderer.answer = () => ({ ok: true, output: { version: '9.9.9' } });
    await expect(bridge['engine.status']({})).resolves.toEqual({ version: '9.9.9' });
    expect(ipcRenderer.invoke).toHaveBeenCalledWith(ipcChannels.invoke, 'engine.status', {});
  });

  it('sends an empty object when a command is called without input', async () => {
    ipcRenderer.answer = () => ({ ok: true, output: null });
    await (bridge['engine.status'] as (input?: unknown) => Promise<unknown>)();
    expect(ipcRenderer.invoke).toHaveBeenCalledWith(ipcChannels.invoke, 'engine.status', {});
  });

  it('turns an error result into an Error that survives the context bridge', async () => {
    ipcRenderer.answer = () => ({ ok: false, error: { code: 'INVALID_INPUT', message: 'Invalid input for "engine.status".', hint: 'Fix it.' } });
    const thrown = await bridge['engine.status']({}).then(
      () => null,
      (err: unknown) => err,
    );
    expect(thrown).toBeInstanceOf(Error);
    // contextBridge keeps only the message; the renderer decodes the typed error from it.
    const decoded = decodeBridgeError(new Error((thrown as Error).message));
    expect(decoded).toMatchObject({ code: 'INVALID_INPUT', message: 'Invalid input for "engine.status".', hint: 'Fix it.' });
  });

  it('delivers contract events without the IpcRendererEvent, and ignores unknown ones', () => {
    const listener = vi.fn();
    const stop = bridge.on('engine.log', listener);
    const payload = { level: 'info', message: 'hello', time: new Date(0).toISOString() };
    const ipcEvent = { sender: ipcRenderer, senderId: 0, ports: [] };
    ipcRenderer.emit(ipcChannels.event, ipcEvent, 'engine.log', payload);
    ipcRenderer.emit(ipcChannels.event, ipcEvent, 'engine.unknown', payload);
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]).toEqual([payload]);

    stop();
    ipcRenderer.emit(ipcChannels.event, ipcEvent, 'engine.log', payload);
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
