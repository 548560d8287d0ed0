import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ipcChannels } from '../../../src-shared/rpc';
import { registerIpc, type IpcResult } from '../../../src-main/electron/ipc';
import type { HostCommands } from '../../../src-main/electron/desktop-commands';
import { fakeElectron } from './fake-electron';

type Invoke = (event: unknown, name: unknown, input: unknown) => Promise<IpcResult>;

const engine = { call: vi.fn((_name: string, _input: unknown) => Promise.resolve({ answered: 'by the engine' })) };
const pickFolder = vi.fn((_input: { title?: string }) => Promise.resolve({ path: '/home/me/photos' as string | null }));
let invoke: Invoke;
let trusted = true;

beforeEach(() => {
  fakeElectron.ipcMain.handlers.clear();
  engine.call.mockClear();
  pickFolder.mockClear();
  trusted = true;
  registerIpc(fakeElectron.ipcMain, engine as never, () => trusted, { 'desktop.pickFolder': pickFolder } as HostCommands);
  invoke = fakeElectron.ipcMain.handlers.get(ipcChannels.invoke) as Invoke;
});

describe('registerIpc', () => {
  it('refuses an untrusted sender before anything else', async () => {
    trusted = false;
    expect(await invoke({}, 'engine.status', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(await invoke({}, 'desktop.pickFolder', {})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(engine.call).not.toHaveBeenCalled();
    expect(pickFolder).not.toHaveBeenCalled();
  });

  it('rejects an input the contract refuses before it reaches the engine', async () => {
    for (const [name, input] of [
      ['engine.status', { extra: 1 }],
      ['engine.status', 'not an object'],
      ['repo.snapshot', {}],
      ['repo.snapshot', { path: 'a\0b' }],
      ['repo.restore', { treeId: 'nothex', target: '/tmp/x' }],
      ['desktop.reveal', { path: 'relative/path' }],
      ['desktop.pickFolder', { title: 42 }],
    ] as const) {
      const result = await invoke({}, name, input);
      expect(result, `${name} ${JSON.stringify(input)}`).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    }
    expect(engine.call).not.toHaveBeenCalled();
    expect(pickFolder).not.toHaveBeenCalled();
  });

  it('refuses an unknown command before it reaches the engine', async () => {
    expect(await invoke({}, 'engine.nope', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    expect(await invoke({}, '__proto__', {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } });
    expect(engine.call).not.toHaveBeenCalled();
  });

  it('passes a valid call to the engine with the raw input (the engine parses it again)', async () => {
    expect(await invoke({}, 'engine.status', {})).toEqual({ ok: true, output: { answered: 'by the engine' } });
    expect(engine.call).toHaveBeenCalledExactlyOnceWith('engine.status', {}, { transport: 'ipc' });
  });

  it('answers host commands itself, with the parsed input, never calling the engine', async () => {
    expect(await invoke({}, 'desktop.pickFolder', { title: 'Watch which folder?' })).toEqual({ ok: true, output: { path: '/home/me/photos' } });
    expect(pickFolder).toHaveBeenCalledExactlyOnceWith({ title: 'Watch which folder?' });
    expect(engine.call).not.toHaveBeenCalled();
  });

  it('checks a host command’s output against the contract', async () => {
    pickFolder.mockResolvedValueOnce({ path: 42 } as never);
    expect(await invoke({}, 'desktop.pickFolder', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
  });

  it('returns typed errors from a host command as wire errors', async () => {
    pickFolder.mockRejectedValueOnce(Object.assign(new Error('boom')));
    expect(await invoke({}, 'desktop.pickFolder', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL', message: 'Internal error: boom' } });
  });

  it('leaves commands the host does not answer to the engine', async () => {
    await invoke({}, 'desktop.reveal', { path: '/home/me' });
    expect(engine.call).toHaveBeenCalledExactlyOnceWith('desktop.reveal', { path: '/home/me' }, { transport: 'ipc' });
  });

  it('unregisters its handler', () => {
    fakeElectron.ipcMain.handlers.clear();
    const stop = registerIpc(fakeElectron.ipcMain, engine as never, () => true);
    expect(fakeElectron.ipcMain.handlers.has(ipcChannels.invoke)).toBe(true);
    stop();
    expect(fakeElectron.ipcMain.handlers.has(ipcChannels.invoke)).toBe(false);
  });
});
