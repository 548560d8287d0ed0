import fs from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SecretStore, secretsFileName, type AsyncSafeStorage } from '../../../src-main/electron/secret-store';
import { makeTempDir, type TempDir } from '../../helpers/tmp';
import { FakeSafeStorage } from './fake-electron';

let dir: TempDir;
let safeStorage: FakeSafeStorage;
const secret = 'AKIA-very-secret-key/with+symbols=ü';

function open(platform: NodeJS.Platform = 'linux', warnings: string[] = []) {
  return new SecretStore({ directory: dir.path, safeStorage: safeStorage as unknown as AsyncSafeStorage, platform, onWeakBackend: (m) => warnings.push(m) });
}

beforeEach(async () => {
  dir = await makeTempDir('secrets');
  safeStorage = new FakeSafeStorage();
});
afterEach(() => dir.remove());

describe('SecretStore', () => {
  it('round-trips a secret through safeStorage’s async API and a 0600 file', async () => {
    const store = open();
    await store.set('endpoint:office', secret);
    expect(await store.get('endpoint:office')).toBe(secret);
    expect(await open().get('endpoint:office')).toBe(secret);

    const onDisk = await fs.readFile(dir.join(secretsFileName), 'utf8');
    expect(onDisk).not.toContain('very-secret');
    expect(JSON.parse(onDisk)).toMatchObject({ version: 1, secrets: { 'endpoint:office': expect.any(String) } });
    if (process.platform !== 'win32') expect((await fs.stat(dir.join(secretsFileName))).mode & 0o777).toBe(0o600);
    expect(safeStorage.encryptStringAsync).toHaveBeenCalled();
    expect(safeStorage.decryptStringAsync).toHaveBeenCalled();
    expect(safeStorage.encryptString).not.toHaveBeenCalled();
    expect(safeStorage.decryptString).not.toHaveBeenCalled();
  });

  it('answers null for a missing secret, lists names, deletes', async () => {
    const store = open();
    expect(await store.get('nothing')).toBeNull();
    expect(await store.get('constructor')).toBeNull();
    await store.set('b', '2');
    await store.set('a', '1');
    expect(await store.names()).toEqual(['a', 'b']);
    expect(await store.delete('a')).toBe(true);
    expect(await store.delete('a')).toBe(false);
    expect(await store.names()).toEqual(['b']);
  });

  it('loses no secret when several are set at once', async () => {
    const store = open();
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`key${i}`, `value${i}`)));
    expect(await store.names()).toHaveLength(20);
    expect(await store.get('key13')).toBe('value13');
    expect((await fs.readdir(dir.path)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('re-encrypts a secret when safeStorage says the key changed', async () => {
    const store = open();
    await store.set('k', secret);
    safeStorage.encryptStringAsync.mockClear();
    safeStorage.reEncrypt = true;
    expect(await store.get('k')).toBe(secret);
    expect(safeStorage.encryptStringAsync).toHaveBeenCalledExactlyOnceWith(secret);
  });

  it('detects the basic_text backend on Linux, flags it weak and says so once', async () => {
    safeStorage.backend = 'basic_text';
    const warnings: string[] = [];
    const weak = open('linux', warnings);
    expect(weak.backend).toBe('basic_text');
    expect(weak.isWeak).toBe(true);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('"basic_text"');
    expect(warnings[0]).toMatch(/install and unlock GNOME Keyring or KWallet/i);

    safeStorage.backend = 'gnome_libsecret';
    const strong = open('linux', warnings);
    expect(strong).toMatchObject({ backend: 'gnome_libsecret', isWeak: false });
    expect(warnings).toHaveLength(1);
  });

  it('does not ask for a Linux backend elsewhere', () => {
    const store = open('darwin');
    expect(store).toMatchObject({ backend: null, isWeak: false });
    expect(safeStorage.getSelectedStorageBackend).not.toHaveBeenCalled();
  });

  it('refuses to store or read when encryption is unavailable', async () => {
    const store = open();
    await store.set('k', 'v');
    safeStorage.available = false;
    await expect(store.set('k2', 'v')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(store.get('k')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });

  it('refuses bad names and a damaged file with typed errors', async () => {
    const store = open();
    for (const name of ['', '__proto__', '../x', 'a b', 'x'.repeat(200)]) {
      await expect(store.set(name, 'v'), name).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    }
    await dir.write(secretsFileName, '{"version":2}');
    await expect(store.get('k')).rejects.toMatchObject({ code: 'CORRUPT' });
  });
});
