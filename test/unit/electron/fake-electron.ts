/**
 * A stand-in for the `electron` module (its binary cannot run here). It records what the host
 * asks of Electron — windows and their options, IPC handlers, permission handlers, exposed
 * bridges — so tests can assert the wiring and then drive it like Electron would.
 *
 * Use with `vi.mock('electron', async () => (await import('./fake-electron')).fakeElectron)`;
 * importing `fakeElectron` in the test gives the same instance.
 */
import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

type Listener = (...args: never[]) => unknown;

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null;
  readonly sent: unknown[][] = [];
  destroyed = false;

  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler;
  }

  send(...args: unknown[]): void {
    this.sent.push(args);
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Emits a cancellable Electron event; returns whether a listener prevented it. */
  emitPreventable(name: string, ...args: unknown[]): boolean {
    let prevented = false;
    this.emit(name, { preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static readonly created: FakeBrowserWindow[] = [];
  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.created;
  }

  readonly webContents = new FakeWebContents();
  loadedUrl: string | null = null;

  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.created.push(this);
  }

  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    return Promise.resolve();
  }

  show(): void {}
  focus(): void {}
  restore(): void {}
  isMinimized(): boolean {
    return false;
  }
}

class FakeIpcMain {
  readonly handlers = new Map<string, Listener>();
  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

class FakeIpcRenderer extends EventEmitter {
  /** What `invoke` answers; tests replace it. */
  answer: (channel: string, ...args: unknown[]) => unknown = () => ({ ok: true, output: null });
  readonly invoke = vi.fn((channel: string, ...args: unknown[]) => Promise.resolve(this.answer(channel, ...args)));
}

class FakeApp extends EventEmitter {
  readonly whenReady = vi.fn(() => Promise.resolve());
  readonly requestSingleInstanceLock = vi.fn(() => true);
  readonly quit = vi.fn();
}

const defaultSession = {
  setPermissionRequestHandler: vi.fn(),
  setPermissionCheckHandler: vi.fn(),
};

export const fakeElectron = {
  app: new FakeApp(),
  BrowserWindow: FakeBrowserWindow,
  ipcMain: new FakeIpcMain(),
  ipcRenderer: new FakeIpcRenderer(),
  contextBridge: { exposeInMainWorld: vi.fn() },
  protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
  session: { defaultSession },
  shell: { openExternal: vi.fn(() => Promise.resolve()) },
};
