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
  visible = false;
  minimized = false;
  destroyed = false;

  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.created.push(this);
  }

  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    return Promise.resolve();
  }

  show(): void {
    this.visible = true;
  }
  hide(): void {
    this.visible = false;
  }
  focus(): void {
    this.emit('focus');
  }
  restore(): void {
    this.minimized = false;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }

  /** Like a click on the close button: listeners may prevent it; otherwise the window is gone. */
  close(): void {
    let prevented = false;
    this.emit('close', { preventDefault: () => (prevented = true) });
    if (prevented) return;
    this.visible = false;
    this.destroyed = true;
    this.webContents.destroyed = true;
    this.emit('closed');
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
  /** Folders `getPath` answers; tests point userData at a temporary folder. */
  readonly paths: Record<string, string> = {};
  isPackaged = false;
  readonly whenReady = vi.fn(() => Promise.resolve());
  readonly requestSingleInstanceLock = vi.fn(() => true);
  readonly quit = vi.fn();
  readonly exit = vi.fn();
  readonly enableSandbox = vi.fn();
  readonly setAppUserModelId = vi.fn();
  readonly setLoginItemSettings = vi.fn();
  readonly getAppPath = vi.fn(() => process.cwd());
  readonly getPath = vi.fn((name: string) => {
    const found = this.paths[name];
    if (found === undefined) throw new Error(`fake electron: app.getPath('${name}') has no folder; set fakeElectron.app.paths.${name}`);
    return found;
  });

  /** Emits a cancellable app event (will-quit, before-quit); returns whether it was prevented. */
  emitPreventable(name: string, ...args: unknown[]): boolean {
    let prevented = false;
    this.emit(name, { preventDefault: () => (prevented = true) }, ...args);
    return prevented;
  }
}

/** A tray icon: records its image, tooltip and menu so tests can click its items. */
export class FakeTray extends EventEmitter {
  static readonly created: FakeTray[] = [];
  image: unknown;
  toolTip = '';
  contextMenu: FakeMenu | null = null;
  destroyed = false;

  constructor(image: unknown) {
    super();
    this.image = image;
    FakeTray.created.push(this);
  }

  setImage(image: unknown): void {
    this.image = image;
  }
  setToolTip(toolTip: string): void {
    this.toolTip = toolTip;
  }
  setContextMenu(menu: FakeMenu): void {
    this.contextMenu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

export interface FakeMenuItem {
  id?: string;
  label?: string;
  type?: string;
  checked?: boolean;
  enabled?: boolean;
  click?: (item: FakeMenuItem) => void;
}

export class FakeMenu {
  constructor(readonly items: FakeMenuItem[]) {}

  item(id: string): FakeMenuItem {
    const found = this.items.find((item) => item.id === id);
    if (!found) throw new Error(`fake electron: the menu has no item "${id}"`);
    return found;
  }

  /** Clicks an item like Electron does: a checkbox flips before its click handler runs. */
  click(id: string): void {
    const item = this.item(id);
    if (item.type === 'checkbox') item.checked = !item.checked;
    item.click?.(item);
  }
}

export class FakeNotification extends EventEmitter {
  static readonly shown: FakeNotification[] = [];
  static readonly isSupported = vi.fn(() => true);

  constructor(readonly options: { title: string; body: string }) {
    super();
  }

  show(): void {
    FakeNotification.shown.push(this);
  }
}

/**
 * safeStorage's asynchronous API over a toy cipher (XOR with a key, behind a version tag), so
 * tests can tell ciphertext from plaintext and see a wrong blob refused.
 */
export class FakeSafeStorage {
  backend: 'basic_text' | 'gnome_libsecret' | 'kwallet5' | 'unknown' = 'gnome_libsecret';
  available = true;
  /** Makes the next decryptions report a rotated key. */
  reEncrypt = false;
  private readonly key = 0x5a;

  readonly isAsyncEncryptionAvailable = vi.fn(() => Promise.resolve(this.available));
  readonly getSelectedStorageBackend = vi.fn(() => this.backend);
  readonly encryptStringAsync = vi.fn((plainText: string) =>
    Promise.resolve(Buffer.concat([Buffer.from('v11'), Buffer.from(plainText, 'utf8').map((byte) => byte ^ this.key)])),
  );
  readonly decryptStringAsync = vi.fn((encrypted: Buffer) => {
    if (encrypted.subarray(0, 3).toString() !== 'v11') return Promise.reject(new Error('Error while decrypting the ciphertext provided to safeStorage.decryptString.'));
    const result = Buffer.from(encrypted.subarray(3).map((byte) => byte ^ this.key)).toString('utf8');
    return Promise.resolve({ result, shouldReEncrypt: this.reEncrypt });
  });
  /** The synchronous API is deprecated; using it is a test failure. */
  readonly encryptString = vi.fn(() => {
    throw new Error('fake electron: the synchronous safeStorage API must not be used');
  });
  readonly decryptString = vi.fn(() => {
    throw new Error('fake electron: the synchronous safeStorage API must not be used');
  });
}

const defaultSession = {
  setPermissionRequestHandler: vi.fn(),
  setPermissionCheckHandler: vi.fn(),
  setDevicePermissionHandler: vi.fn(),
  setDisplayMediaRequestHandler: vi.fn(),
  webRequest: { onHeadersReceived: vi.fn() },
};

export const fakeElectron = {
  app: new FakeApp(),
  BrowserWindow: FakeBrowserWindow,
  ipcMain: new FakeIpcMain(),
  ipcRenderer: new FakeIpcRenderer(),
  contextBridge: { exposeInMainWorld: vi.fn() },
  protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
  session: { defaultSession },
  shell: { openExternal: vi.fn(() => Promise.resolve()), showItemInFolder: vi.fn() },
  dialog: {
    showOpenDialog: vi.fn((..._args: unknown[]) => Promise.resolve({ canceled: false, filePaths: ['/home/me/picked'] as string[] })),
    showErrorBox: vi.fn(),
  },
  Tray: FakeTray,
  Menu: { buildFromTemplate: vi.fn((template: FakeMenuItem[]) => new FakeMenu(template)) },
  nativeImage: { createFromPath: vi.fn((path: string) => ({ path })) },
  Notification: FakeNotification,
  safeStorage: new FakeSafeStorage(),
};
