import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../../src-main/engine/backends/local-backend';
import { Repository } from '../../../src-main/engine/repo/repository';
import { Vault } from '../../../src-main/engine/vault/vault';
import { makeTempDir, type TempDir } from '../../helpers/tmp';

/** Small chunks so a few MiB exercise many chunks and several packs. */
const testChunker = { minSize: 16 * 1024, avgSize: 64 * 1024, maxSize: 256 * 1024 };

const temps: TempDir[] = [];
const vaults: Vault[] = [];
afterEach(async () => {
  for (const v of vaults.splice(0)) await v.close();
  for (const t of temps.splice(0)) await t.remove();
});

async function temp(label: string): Promise<TempDir> {
  const t = await makeTempDir(label);
  temps.push(t);
  return t;
}

async function newVault(passphrase: string | null): Promise<{ vault: Vault; repoDir: string }> {
  const dir = await temp('repo');
  const vault = new Vault({ repositoryPath: dir.path, passphrase: async () => passphrase });
  vaults.push(vault);
  await vault.init(passphrase, { scryptN: 1024, chunker: testChunker });
  return { vault, repoDir: dir.path };
}

function seeded(seed: number, size: number): Buffer {
  const key = crypto.createHash('sha256').update(`seed ${seed}`).digest().subarray(0, 16);
  const cipher = crypto.createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]);
}

async function makeSource(): Promise<TempDir> {
  const src = await temp('src');
  await src.write('big.bin', seeded(1, 3 * 1024 * 1024 + 17));
  await src.write('text/log.txt', 'line of compressible text\n'.repeat(40_000));
  for (let i = 0; i < 60; i++) await src.write(`small/d${i % 4}/f${i}.dat`, seeded(100 + i, 1 + i * 97));
  await src.write('empty.txt', '');
  await fs.mkdir(src.join('empty-dir'));
  await fs.symlink('big.bin', src.join('link-to-big'));
  await fs.symlink('loop', src.join('loop')); // a link loop inside a folder is just a link
  return src;
}

async function listTree(root: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const walk = async (dir: string, rel: string) => {
    for (const entry of (await fs.readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(dir, entry.name);
      const key = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isSymbolicLink()) out.set(key, `link:${await fs.readlink(full)}`);
      else if (entry.isDirectory()) {
        out.set(key, 'dir');
        await walk(full, key);
      } else out.set(key, crypto.createHash('sha256').update(await fs.readFile(full)).digest('hex'));
    }
  };
  await walk(root, '');
  return out;
}

describe.each([
  ['unencrypted', null],
  ['encrypted', 'correct horse battery staple'],
])('snapshot and restore (%s)', (_label, passphrase) => {
  it('restores byte-identical, dedupes a second snapshot, and check --read-data passes', async () => {
    const { vault } = await newVault(passphrase);
    const src = await makeSource();
    const first = await vault.snapshot(src.path);
    expect(first.files).toBe(63);
    expect(first.symlinks).toBe(2);
    expect(first.bytesNew).toBeGreaterThan(0);

    const again = await vault.snapshot(src.path);
    expect(again.treeId).toBe(first.treeId);
    expect(again.bytesNew).toBe(0);

    const out = await temp('out');
    await vault.restore(first.treeId, out.path);
    expect(await listTree(out.path)).toEqual(await listTree(src.path));

    const report = await vault.check({ readData: true });
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('restores one path, refuses to overwrite unless asked', async () => {
    const { vault } = await newVault(passphrase);
    const src = await makeSource();
    const { treeId } = await vault.snapshot(src.path);
    const out = await temp('out');
    await vault.restore(treeId, out.path, { path: 'small/d1' });
    expect((await fs.readdir(out.join('small/d1'))).length).toBe(15);
    await expect(vault.restore(treeId, out.path, { path: 'small/d1' })).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    await fs.writeFile(out.join('small/d1/f1.dat'), 'changed');
    await vault.restore(treeId, out.path, { path: 'small/d1', overwrite: true });
    expect(await fs.readFile(out.join('small/d1/f1.dat'))).toEqual(await fs.readFile(src.join('small/d1/f1.dat')));
    await expect(vault.restore(treeId, out.path, { path: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('a single file is a tree of one entry whose digest is its sha256', async () => {
    const { vault } = await newVault(passphrase);
    const src = await makeSource();
    const result = await vault.snapshot(src.join('big.bin'));
    const expected = crypto.createHash('sha256').update(await fs.readFile(src.join('big.bin'))).digest('hex');
    expect(result.root).toBe('file');
    expect(result.digest).toBe(expected);
  });

  it('check --read-data detects a flipped byte in any pack and names the path', async () => {
    const { vault, repoDir } = await newVault(passphrase);
    const src = await makeSource();
    await vault.snapshot(src.join('big.bin'));
    const packs: string[] = [];
    for await (const o of new LocalBackend(repoDir).list('packs/')) packs.push(o.key);
    expect(packs.length).toBeGreaterThan(0);
    const victim = path.join(repoDir, packs[0]!);
    const bytes = await fs.readFile(victim);
    bytes[Math.floor(bytes.length / 3)]! ^= 0x40;
    await fs.writeFile(victim, bytes);
    const report = await vault.check({ readData: true });
    expect(report.ok).toBe(false);
    const affected = report.problems.flatMap((p) => p.affected.map((a) => a.path));
    expect(affected).toContain('big.bin');
  });
});

describe('opening repositories', () => {
  it('a wrong passphrase is a clear error', async () => {
    const { repoDir } = await newVault('right');
    const backend = new LocalBackend(repoDir);
    await expect(Repository.open(backend, { localDir: path.join(repoDir, 'local'), passphrase: async () => 'wrong' })).rejects.toMatchObject({
      code: 'WRONG_PASSPHRASE',
    });
    await expect(Repository.open(backend, { localDir: path.join(repoDir, 'local'), passphrase: async () => null })).rejects.toMatchObject({
      code: 'WRONG_PASSPHRASE',
    });
  });

  it('workers started while the passphrase is checked: a wrong one is the same clear error, a right one ingests', async () => {
    const { vault, repoDir } = await newVault('right');
    await vault.close();
    const wrong = new Vault({ repositoryPath: repoDir, passphrase: async () => 'wrong', prestartWorkers: true });
    vaults.push(wrong);
    await expect(wrong.openIfExists()).rejects.toMatchObject({ code: 'WRONG_PASSPHRASE' });
    const right = new Vault({ repositoryPath: repoDir, passphrase: async () => 'right', prestartWorkers: true });
    vaults.push(right);
    expect(await right.openIfExists()).toBe(true);
    const src = await makeSource();
    const { treeId } = await right.snapshot(src.path);
    const out = await temp('out');
    await right.restore(treeId, out.path);
    expect(await listTree(out.path)).toEqual(await listTree(src.path));
  });

  it('a corrupted config is a clear error naming it', async () => {
    const { repoDir } = await newVault(null);
    await fs.writeFile(path.join(repoDir, 'config'), '{"format": "cairn-repository", "version": 1');
    await expect(Repository.open(new LocalBackend(repoDir), { localDir: path.join(repoDir, 'local') })).rejects.toThrow(/config.*is damaged: it is not valid JSON/);
    await fs.writeFile(path.join(repoDir, 'config'), JSON.stringify({ format: 'cairn-repository', version: 99 }));
    await expect(Repository.open(new LocalBackend(repoDir), { localDir: path.join(repoDir, 'local') })).rejects.toThrow(/newer than this Cairn/);
  });

  it('a special file found while files are already being ingested fails the snapshot cleanly, naming it', async () => {
    const { vault } = await newVault('pw');
    const src = await temp('src');
    // Many files in many folders: the walk is still going, with ingest lanes waiting or working, when it finds the pipe.
    for (let i = 0; i < 400; i++) await src.write(`a${i % 20}/f${i}.dat`, seeded(500 + i, 2000 + i));
    await src.write('z/deep/big.bin', seeded(7, 2 * 1024 * 1024));
    const fifo = src.join('z/deep/pipe');
    execFileSync('mkfifo', [fifo]);
    await expect(vault.snapshot(src.path)).rejects.toMatchObject({ code: 'INVALID_INPUT', message: `${fifo} is a named pipe, which Cairn does not store.` });
    const report = await vault.check({ readData: true });
    expect(report.ok).toBe(true);
    // Nothing half-done is left in the way: the same folder without the pipe snapshots and restores.
    await fs.rm(fifo);
    const { treeId } = await vault.snapshot(src.path);
    const out = await temp('out');
    await vault.restore(treeId, out.path);
    expect(await listTree(out.path)).toEqual(await listTree(src.path));
  });

  it('snapshotting a missing path is a clear error and changes nothing', async () => {
    const { vault } = await newVault(null);
    await expect(vault.snapshot('/definitely/not/here')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await vault.check()).ok).toBe(true);
  });
});
