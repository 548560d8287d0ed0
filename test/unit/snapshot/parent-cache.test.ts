import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Vault } from '../../../src-main/engine/vault/vault';
import { makeTempDir, type TempDir } from '../../helpers/tmp';

const temps: TempDir[] = [];
const vaults: Vault[] = [];
afterEach(async () => {
  for (const v of vaults.splice(0)) await v.close();
  for (const t of temps.splice(0)) await t.remove();
});

async function setup(): Promise<{ vault: Vault; source: TempDir; repo: TempDir }> {
  const repo = await makeTempDir('parents-repo');
  const source = await makeTempDir('parents-src');
  temps.push(repo, source);
  const vault = new Vault({ repositoryPath: repo.path, passphrase: async () => null });
  vaults.push(vault);
  await vault.init(null, { chunker: { minSize: 16 * 1024, avgSize: 64 * 1024, maxSize: 256 * 1024 } });
  return { vault, source, repo };
}

/** Sets a file's times well in the past, so the racy-change guard does not apply. */
async function age(file: string, secondsAgo = 3600): Promise<void> {
  const when = new Date(Date.now() - secondsAgo * 1000);
  await fs.utimes(file, when, when);
}

async function restoredText(vault: Vault, treeId: string, file: string): Promise<string> {
  const out = await makeTempDir('parents-out');
  temps.push(out);
  await vault.restore(treeId, out.path);
  return fs.readFile(out.join(file), 'utf8');
}

describe('snapshot with the last snapshot of the same path as parent', () => {
  it('does not read unchanged files again, reads changed ones, and every version restores', async () => {
    const { vault, source } = await setup();
    for (const name of ['a.txt', 'b.txt', 'c.txt']) {
      await fs.writeFile(source.join(name), `${name} first\n`.repeat(1000));
      await age(source.join(name));
    }
    const first = await vault.snapshot(source.path, { previous: 'use' });
    expect(first.filesUnchanged).toBe(0);

    // Same size, new content: the stat (mtime) changes, so it is read.
    await fs.writeFile(source.join('b.txt'), `b.txt other\n`.repeat(1000));
    await age(source.join('b.txt'), 60);
    const second = await vault.snapshot(source.path, { previous: 'use' });
    expect(second.filesUnchanged).toBe(2);
    expect(second.treeId).not.toBe(first.treeId);
    expect(second.bytesRead).toBe(first.bytesRead);
    expect(await restoredText(vault, second.treeId, 'b.txt')).toBe(`b.txt other\n`.repeat(1000));
    expect(await restoredText(vault, second.treeId, 'a.txt')).toBe(`a.txt first\n`.repeat(1000));

    // Without any change the tree is the same one, and nothing is read.
    const third = await vault.snapshot(source.path, { previous: 'use' });
    expect(third.treeId).toBe(second.treeId);
    expect(third.filesUnchanged).toBe(3);

    // --reread reads everything and still gives the same tree.
    const fourth = await vault.snapshot(source.path, { previous: 'reread' });
    expect(fourth.filesUnchanged).toBe(0);
    expect(fourth.treeId).toBe(second.treeId);
  });

  it('reads a file again when it changed too close to the snapshot that recorded it', async () => {
    const { vault, source } = await setup();
    await fs.writeFile(source.join('fresh.txt'), 'written just now');
    await vault.snapshot(source.path, { previous: 'use' });
    const again = await vault.snapshot(source.path, { previous: 'use' });
    expect(again.filesUnchanged).toBe(0);
  });

  it('reads a file again when its inode changed (replaced by rename with the same size and mtime)', async () => {
    const { vault, source } = await setup();
    await fs.writeFile(source.join('model.bin'), 'version one');
    await age(source.join('model.bin'));
    await vault.snapshot(source.path, { previous: 'use' });
    const { mtime } = await fs.stat(source.join('model.bin'));
    await fs.writeFile(source.join('model.tmp'), 'version two');
    await fs.utimes(source.join('model.tmp'), mtime, mtime);
    await fs.rename(source.join('model.tmp'), source.join('model.bin'));
    const again = await vault.snapshot(source.path, { previous: 'use' });
    expect(again.filesUnchanged).toBe(0);
    expect(await restoredText(vault, again.treeId, 'model.bin')).toBe('version two');
  });

  it('reads a file again when the repository lost one of its chunks (forgotten and collected)', async () => {
    const { vault, source } = await setup();
    await fs.writeFile(source.join('x.txt'), 'content of x');
    await age(source.join('x.txt'));
    const first = await vault.snapshot(source.path, { previous: 'use' });
    const chunkIds = new Set<string>();
    const repository = vault.requireRepository();
    const has = repository.has.bind(repository);
    // Pretend the chunk is gone: the cache must not vouch for content the repository lacks.
    (repository as unknown as { has: (id: string) => boolean }).has = (id) => {
      chunkIds.add(id);
      return false;
    };
    try {
      const again = await vault.snapshot(source.path, { previous: 'use' });
      expect(again.filesUnchanged).toBe(0);
      expect(again.treeId).toBe(first.treeId);
      expect(chunkIds.size).toBeGreaterThan(0);
    } finally {
      (repository as unknown as { has: (id: string) => boolean }).has = has;
    }
  });

  it('starts over from a damaged cache file, and keeps one cache per source path', async () => {
    const { vault, source, repo } = await setup();
    await fs.writeFile(source.join('y.txt'), 'content of y');
    await age(source.join('y.txt'));
    await vault.snapshot(source.path, { previous: 'use' });
    const folder = path.join(repo.path, 'local', 'snapshot-parents');
    const files = await fs.readdir(folder);
    expect(files).toHaveLength(1);
    await fs.writeFile(path.join(folder, files[0]!), '{not json');
    const again = await vault.snapshot(source.path, { previous: 'use' });
    expect(again.filesUnchanged).toBe(0);
    const third = await vault.snapshot(source.path, { previous: 'use' });
    expect(third.filesUnchanged).toBe(1);
  });

  it('is not used unless asked (the watcher keeps its own stat cache)', async () => {
    const { vault, source, repo } = await setup();
    await fs.writeFile(source.join('z.txt'), 'content of z');
    await age(source.join('z.txt'));
    await vault.snapshot(source.path);
    const again = await vault.snapshot(source.path);
    expect(again.filesUnchanged).toBe(0);
    await expect(fs.readdir(path.join(repo.path, 'local', 'snapshot-parents'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
