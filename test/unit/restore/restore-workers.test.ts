import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../../src-main/engine/backends/local-backend';
import { packKey } from '../../../src-main/engine/repo/blob';
import { Repository } from '../../../src-main/engine/repo/repository';
import { loadTree, restoreTree, type RestoreOptions } from '../../../src-main/engine/restore/restorer';
import { Vault } from '../../../src-main/engine/vault/vault';
import { IngestPool } from '../../../src-main/engine/workers/ingest-pool';
import { makeTempDir, type TempDir } from '../../helpers/tmp';

/** Small chunks so a few MiB make many chunks, runs and packs. */
const testChunker = { minSize: 16 * 1024, avgSize: 64 * 1024, maxSize: 256 * 1024 };
const passphrase = 'restore on workers';

const temps: TempDir[] = [];
let repoDir: string;
let source: TempDir;
let repo: Repository;
let pool: IngestPool;
let treeId: string;

const sha256 = (data: Uint8Array) => crypto.createHash('sha256').update(data).digest('hex');
const onWorkers: RestoreOptions = { workers: { pool: async () => pool, minBytes: 0 } };

function seeded(seed: number, size: number): Buffer {
  const key = crypto.createHash('sha256').update(`seed ${seed}`).digest().subarray(0, 16);
  const cipher = crypto.createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]);
}

async function temp(label: string): Promise<TempDir> {
  const t = await makeTempDir(label);
  temps.push(t);
  return t;
}

/** Every file under `root` (relative path -> sha256), temporary files included. */
async function filesUnder(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const entry of await fs.readdir(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = path.join(entry.parentPath, entry.name);
    out.set(path.relative(root, full), sha256(await fs.readFile(full)));
  }
  return out;
}

/** The pack file holding the first chunk of `file` in the tree. */
async function packOf(file: string): Promise<{ packPath: string; offset: number }> {
  const tree = await loadTree(repo, treeId);
  const entry = tree.entries.find((e) => e.path === file);
  if (entry?.type !== 'file') throw new Error(`${file} is not in the tree`);
  const location = repo.locate(entry.chunks[0]!)!;
  return { packPath: path.join(repoDir, ...packKey(location.packId).split('/')), offset: location.offset };
}

beforeAll(async () => {
  source = await temp('src');
  await source.write('big.bin', seeded(1, 3 * 1024 * 1024 + 17));
  await source.write('text/log.txt', 'a line of compressible text\n'.repeat(40_000));
  for (let i = 0; i < 20; i++) await source.write(`small/f${i}.dat`, seeded(100 + i, 1 + i * 97));
  await source.write('empty.txt', '');
  // Several 4 MiB read runs, so a restore of it can be stopped half-way.
  await source.write('huge.bin', seeded(2, 24 * 1024 * 1024));

  repoDir = (await temp('repo')).path;
  const vault = new Vault({ repositoryPath: repoDir, passphrase: async () => passphrase });
  await vault.init(passphrase, { scryptN: 1024, chunker: testChunker });
  treeId = (await vault.snapshot(source.path)).treeId;
  await vault.close();

  repo = await Repository.open(new LocalBackend(repoDir), { localDir: path.join(repoDir, 'local'), passphrase: async () => passphrase });
  pool = await IngestPool.create({ keys: repo.keys, chunker: testChunker, compression: true, size: 2 });
}, 60_000);

afterAll(async () => {
  await pool?.destroy();
  for (const t of temps.splice(0)) await t.remove();
});

describe('restoring on worker threads', () => {
  it('writes every file byte-identical, compressed chunks included, and reports all bytes', async () => {
    const target = await temp('out');
    let bytesDone = 0;
    const result = await restoreTree(repo, treeId, target.path, { ...onWorkers, onProgress: (p) => (bytesDone = p.bytesDone) });
    expect(await filesUnder(target.path)).toEqual(await filesUnder(source.path));
    expect(result.files).toBe(24);
    expect(bytesDone).toBe(result.bytes);
  });

  it('refuses a flipped byte, naming the blob and pack, and leaves nothing behind', async () => {
    const { packPath, offset } = await packOf('big.bin');
    const original = await fs.readFile(packPath);
    const damaged = Buffer.from(original);
    damaged[offset + 40]! ^= 0x01;
    await fs.chmod(packPath, 0o644);
    await fs.writeFile(packPath, damaged);
    try {
      const target = await temp('out');
      await expect(restoreTree(repo, treeId, target.path, { ...onWorkers, path: 'big.bin' })).rejects.toMatchObject({
        code: 'CORRUPT',
        message: expect.stringMatching(/^Blob [0-9a-f]{64} in pack [0-9a-f]{64} failed authentication/),
      });
      expect(await filesUnder(target.path)).toEqual(new Map());
    } finally {
      await fs.writeFile(packPath, original);
    }
  });

  it('fails a file whose pack cannot be read with the storage error, leaving nothing behind', async () => {
    const { packPath } = await packOf('big.bin');
    await fs.rename(packPath, `${packPath}.away`);
    try {
      const target = await temp('out');
      await expect(restoreTree(repo, treeId, target.path, { ...onWorkers, path: 'big.bin' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await filesUnder(target.path)).toEqual(new Map());
    } finally {
      await fs.rename(`${packPath}.away`, packPath);
    }
  });

  it('stops when cancelled and removes the file it was writing', async () => {
    const target = await temp('out');
    const controller = new AbortController();
    const restoring = restoreTree(repo, treeId, target.path, { ...onWorkers, path: 'huge.bin', signal: controller.signal, onProgress: () => controller.abort() });
    await expect(restoring).rejects.toMatchObject({ code: 'CANCELLED', message: 'The restore was cancelled.' });
    expect(await filesUnder(target.path)).toEqual(new Map());
  });

  it('still restores on the workers after those failures', async () => {
    const target = await temp('out');
    await restoreTree(repo, treeId, target.path, { ...onWorkers, path: 'big.bin' });
    expect(await filesUnder(target.path)).toEqual(new Map([['big.bin', sha256(await fs.readFile(source.join('big.bin')))]]));
  });
});
