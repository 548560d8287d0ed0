import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CairnError } from '../../../src-shared/errors';
import { ObjectExistsError, ObjectNotFoundError } from '../../../src-main/engine/backends/backend';
import { KeyCollisionError, NoSpaceError, StoragePermissionError } from '../../../src-main/engine/backends/backend-errors';
import { LocalBackend } from '../../../src-main/engine/backends/local-backend';
import { nodeFileSystem, type LocalFileSystem } from '../../../src-main/engine/backends/local-file-system';
import { collect, collectKeys, runBackendConformance } from './conformance';

runBackendConformance('LocalBackend', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'cairn-local-backend-'));
  return { backend: new LocalBackend(root), cleanup: () => rm(root, { recursive: true, force: true }) };
});

describe('LocalBackend on a folder', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'cairn-local-backend-'));
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  /** A file system whose call `verb` fails with `code`, everything else real. */
  function failing(verb: keyof LocalFileSystem, code: string, when: (...args: unknown[]) => boolean = () => true): LocalFileSystem {
    const real = nodeFileSystem[verb] as (...args: unknown[]) => Promise<unknown>;
    const replaced = async (...args: unknown[]) => {
      if (when(...args)) throw Object.assign(new Error(`${code}: injected by the test`), { code });
      return real(...args);
    };
    return { ...nodeFileSystem, [verb]: replaced } as LocalFileSystem;
  }

  async function filesUnder(folder: string): Promise<string[]> {
    const entries = await readdir(folder, { recursive: true, withFileTypes: true });
    return entries.filter((e) => e.isFile()).map((e) => path.relative(folder, path.join(e.parentPath, e.name)));
  }

  it('stores a key as the file of the same path under the root', async () => {
    const backend = new LocalBackend(root);
    await backend.put('packs/ab/ab12', Buffer.from('pack'));
    expect(await readFile(path.join(root, 'packs', 'ab', 'ab12'), 'utf8')).toBe('pack');
    expect(backend.name).toBe(`local:${root}`);
  });

  it('never lists temporary files or the root local folder', async () => {
    const backend = new LocalBackend(root);
    await backend.put('packs/ab/ab12', Buffer.from('pack'));
    await writeFile(path.join(root, 'packs', 'ab', '.tmp-0123456789abcdef'), 'half a pack');
    await writeFile(path.join(root, '.tmp-fedcba9876543210'), 'half a config');
    await mkdir(path.join(root, 'local', 'packs'), { recursive: true });
    await writeFile(path.join(root, 'local', 'settings.json'), '{}');
    await writeFile(path.join(root, 'local', 'packs', 'x'), 'x');
    expect(await collectKeys(backend, '')).toEqual(['packs/ab/ab12']);
    expect(await collectKeys(backend, 'packs/ab/')).toEqual(['packs/ab/ab12']);
    expect(await collectKeys(backend, 'local/')).toEqual([]);
    expect(await collectKeys(backend, 'loc')).toEqual([]);
  });

  it('leaves no temporary file behind after writes, including refused create-only ones', async () => {
    const backend = new LocalBackend(root);
    await backend.put('packs/ab/ab12', Buffer.from('pack'));
    await backend.put('packs/ab/ab12', Buffer.from('pack again'));
    await expect(backend.put('packs/ab/ab12', Buffer.from('x'), { ifNoneMatch: true })).rejects.toBeInstanceOf(ObjectExistsError);
    expect(await filesUnder(root)).toEqual([path.join('packs', 'ab', 'ab12')]);
  });

  it('sweeps only temporary files older than the limit, and leaves the local folder alone', async () => {
    const backend = new LocalBackend(root);
    await backend.put('packs/ab/ab12', Buffer.from('pack'));
    const old = path.join(root, 'packs', 'ab', '.tmp-old0');
    const fresh = path.join(root, 'packs', 'ab', '.tmp-fresh');
    const deviceState = path.join(root, 'local', '.tmp-device-state');
    for (const file of [old, fresh, deviceState]) await mkdir(path.dirname(file), { recursive: true }).then(() => writeFile(file, 'x'));
    const now = Date.now();
    const anHourAgo = new Date(now - 3_600_000);
    await utimes(old, anHourAgo, anHourAgo);
    await utimes(deviceState, anHourAgo, anHourAgo);
    expect(await backend.sweepTemporaryFiles(600_000, now)).toBe(1);
    expect((await filesUnder(root)).sort()).toEqual([path.join('local', '.tmp-device-state'), path.join('packs', 'ab', '.tmp-fresh'), path.join('packs', 'ab', 'ab12')]);
  });

  it('fsyncs the file and every folder it created before a put resolves', async () => {
    const synced: string[] = [];
    const open = (async (...args: Parameters<typeof nodeFileSystem.open>) => {
      const handle = await nodeFileSystem.open(...args);
      const sync = handle.sync.bind(handle);
      handle.sync = async () => {
        synced.push(path.relative(root, String(args[0])).replace(/\.tmp-[0-9a-f]+$/, '<temp>') || '.');
        return sync();
      };
      return handle;
    }) as LocalFileSystem['open'];
    const backend = new LocalBackend(root, { fileSystem: { ...nodeFileSystem, open } });
    await backend.put('packs/ab/ab12', Buffer.from('pack'));
    expect(synced).toEqual([path.join('packs', 'ab', '<temp>'), path.join('packs', 'ab'), 'packs', '.']);
    synced.length = 0;
    await backend.put('packs/ab/ab13', Buffer.from('pack'));
    expect(synced).toEqual([path.join('packs', 'ab', '<temp>'), path.join('packs', 'ab')]);
  });

  it('refuses a key that collides with a folder or a file along its path', async () => {
    const backend = new LocalBackend(root);
    await backend.put('a/b', Buffer.from('file'));
    await expect(backend.put('a/b/c', Buffer.from('x'))).rejects.toBeInstanceOf(KeyCollisionError);
    await expect(backend.put('a', Buffer.from('x'))).rejects.toBeInstanceOf(KeyCollisionError);
    await expect(backend.put('a', Buffer.from('x'), { ifNoneMatch: true })).rejects.toBeInstanceOf(KeyCollisionError);
    await expect(backend.get('a')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(backend.get('a/b/c')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await backend.delete('a');
    await backend.delete('a/b/c');
    expect(await collectKeys(backend, '')).toEqual(['a/b']);
  });

  it('follows a symlinked folder when listing', async () => {
    const elsewhere = await mkdtemp(path.join(os.tmpdir(), 'cairn-local-elsewhere-'));
    try {
      await writeFile(path.join(elsewhere, 'ab12'), 'pack');
      await mkdir(path.join(root, 'packs'));
      await symlink(elsewhere, path.join(root, 'packs', 'ab'));
      const backend = new LocalBackend(root);
      expect(await collectKeys(backend, '')).toEqual(['packs/ab/ab12']);
      expect((await backend.get('packs/ab/ab12')).toString()).toBe('pack');
    } finally {
      await rm(elsewhere, { recursive: true, force: true });
    }
  });

  it('maps a full disk to NO_SPACE naming the folder, and leaves nothing behind', async () => {
    const backend = new LocalBackend(root, { fileSystem: failing('rename', 'ENOSPC') });
    const err = await backend.put('packs/ab/ab12', Buffer.from('pack')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NoSpaceError);
    expect(err).toMatchObject({ code: 'NO_SPACE', message: `The disk holding ${root} is full.` });
    expect((err as CairnError).hint).toMatch(/free some space/i);
    expect(await filesUnder(root)).toEqual([]);
  });

  it.each([
    ['EACCES', 'open'],
    ['EPERM', 'mkdir'],
  ] as const)('maps %s from %s to PERMISSION_DENIED naming the folder', async (code, verb) => {
    const backend = new LocalBackend(root, { fileSystem: failing(verb, code) });
    const err = await backend.put('packs/ab/ab12', Buffer.from('pack')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StoragePermissionError);
    expect((err as CairnError).code).toBe('PERMISSION_DENIED');
    expect((err as CairnError).message).toContain(root);
    expect(await filesUnder(root)).toEqual([]);
  });

  it('maps a permission error on read to PERMISSION_DENIED, and a missing file to ObjectNotFoundError', async () => {
    await new LocalBackend(root).put('config', Buffer.from('c'));
    const denied = new LocalBackend(root, { fileSystem: failing('open', 'EACCES') });
    await expect(denied.get('config')).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    await expect(denied.get('missing')).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    const missing = new LocalBackend(root, { fileSystem: failing('open', 'ENOENT') });
    await expect(missing.get('config')).rejects.toBeInstanceOf(ObjectNotFoundError);
  });

  it('maps an unexpected errno to IO with the code in the message', async () => {
    const backend = new LocalBackend(root, { fileSystem: failing('readdir', 'EIO') });
    await expect(collectKeys(backend, '')).rejects.toMatchObject({ code: 'IO', message: expect.stringContaining('EIO') });
  });

  it('falls back to check-then-rename for create-only writes where hard links are not supported', async () => {
    const backend = new LocalBackend(root, { fileSystem: failing('link', 'EPERM') });
    await backend.put('keys/master', Buffer.from('first'), { ifNoneMatch: true });
    await expect(backend.put('keys/master', Buffer.from('second'), { ifNoneMatch: true })).rejects.toBeInstanceOf(ObjectExistsError);
    expect((await backend.get('keys/master')).toString()).toBe('first');
    expect(await filesUnder(root)).toEqual([path.join('keys', 'master')]);
  });

  it('reports a cancelled listing as CANCELLED', async () => {
    const backend = new LocalBackend(root);
    await backend.put('a/b', Buffer.from('x'));
    const controller = new AbortController();
    controller.abort();
    await expect(collect(backend.list('', { signal: controller.signal }))).rejects.toMatchObject({ code: 'CANCELLED' });
  });
});

/** Real errors from a real small or read-only file system, where this machine lets us mount one. */
describe('LocalBackend on a tmpfs', () => {
  let mountPoint: string;
  let mounted = false;
  const mountFailure = 'mounting a tmpfs needs root and mount(8); not available here';

  beforeEach(async () => {
    mountPoint = await mkdtemp(path.join(os.tmpdir(), 'cairn-tmpfs-'));
  });

  afterEach(async () => {
    if (mounted) execFileSync('umount', [mountPoint]);
    mounted = false;
    await rm(mountPoint, { recursive: true, force: true });
  });

  function tryMount(options: string): boolean {
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', mountPoint], { stdio: 'ignore' });
      mounted = true;
    } catch {
      mounted = false;
    }
    return mounted;
  }

  it('reports ENOSPC from a full 1 MiB tmpfs as NO_SPACE and leaves no partial object', async (context) => {
    if (!tryMount('size=1m')) return context.skip(mountFailure);
    const backend = new LocalBackend(mountPoint);
    await expect(backend.put('packs/ab/big', randomBytes(2 * 1024 * 1024))).rejects.toMatchObject({
      code: 'NO_SPACE',
      message: `The disk holding ${mountPoint} is full.`,
    });
    await expect(backend.put('packs/ab/stream', Readable.from([randomBytes(700_000), randomBytes(700_000)]))).rejects.toBeInstanceOf(NoSpaceError);
    expect(await readdir(path.join(mountPoint, 'packs', 'ab'))).toEqual([]);
    await backend.put('packs/ab/small', Buffer.from('still room for this'));
    expect(await collectKeys(backend, '')).toEqual(['packs/ab/small']);
  });

  it('reports a read-only file system as PERMISSION_DENIED', async (context) => {
    if (!tryMount('size=1m,ro')) return context.skip(mountFailure);
    const backend = new LocalBackend(mountPoint);
    await expect(backend.put('config', Buffer.from('c'))).rejects.toMatchObject({
      code: 'PERMISSION_DENIED',
      message: expect.stringContaining('read-only'),
    });
  });
});
