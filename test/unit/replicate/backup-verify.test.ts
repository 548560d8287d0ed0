import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalBackend } from '../../../src-main/engine/backends/local-backend';
import { Repository } from '../../../src-main/engine/repo/repository';
import { backupRepository } from '../../../src-main/engine/replicate/backup';
import { verifyEndpoint } from '../../../src-main/engine/replicate/verify';
import { restoreTree } from '../../../src-main/engine/restore/restorer';
import { Vault } from '../../../src-main/engine/vault/vault';
import { makeTempDir, type TempDir } from '../../helpers/tmp';

const temps: TempDir[] = [];
const vaults: Vault[] = [];
afterEach(async () => {
  for (const v of vaults.splice(0)) await v.close();
  for (const t of temps.splice(0)) await t.remove();
});
async function temp(label: string) {
  const t = await makeTempDir(label);
  temps.push(t);
  return t;
}

function random(seed: number, size: number): Buffer {
  const key = crypto.createHash('sha256').update(`r${seed}`).digest().subarray(0, 16);
  return crypto.createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(size));
}

async function vaultWithData() {
  const repoDir = await temp('repo');
  const vault = new Vault({ repositoryPath: repoDir.path, passphrase: async () => 'pw' });
  vaults.push(vault);
  await vault.init('pw', { scryptN: 1024, chunker: { minSize: 16 * 1024, avgSize: 64 * 1024, maxSize: 256 * 1024 } });
  const src = await temp('src');
  await src.write('a.bin', random(1, 2_000_000));
  await src.write('b/c.txt', 'hello\n'.repeat(5000));
  const { treeId } = await vault.snapshot(src.path);
  return { vault, repoDir, src, treeId, local: new LocalBackend(repoDir.path) };
}

describe('backup to another backend', () => {
  it('copies everything once, then nothing; the copy alone restores byte-identical', async () => {
    const { src, treeId, local } = await vaultWithData();
    const endpointDir = await temp('endpoint');
    const endpoint = new LocalBackend(endpointDir.path);
    const first = await backupRepository(local, endpoint);
    expect(first.objectsUploaded).toBeGreaterThan(3);
    const second = await backupRepository(local, endpoint);
    expect(second.objectsUploaded).toBe(0);
    expect(second.bytesUploaded).toBe(0);

    // A new machine with only the endpoint: open it and restore.
    const cache = await temp('cache');
    const remote = await Repository.open(endpoint, { localDir: cache.path, passphrase: async () => 'pw' });
    const out = await temp('out');
    await restoreTree(remote, treeId, out.path);
    expect(await fs.readFile(out.join('a.bin'))).toEqual(await fs.readFile(src.join('a.bin')));
    expect(await fs.readFile(out.join('b/c.txt'), 'utf8')).toBe(await fs.readFile(src.join('b/c.txt'), 'utf8'));
  });

  it('refuses to copy a damaged local pack', async () => {
    const { repoDir, local } = await vaultWithData();
    const packs: string[] = [];
    for await (const o of local.list('packs/')) packs.push(o.key);
    const file = path.join(repoDir.path, packs[0]!);
    const bytes = await fs.readFile(file);
    bytes[10]! ^= 1;
    await fs.writeFile(file, bytes);
    const endpoint = new LocalBackend((await temp('endpoint')).path);
    await expect(backupRepository(local, endpoint)).rejects.toMatchObject({ code: 'CORRUPT' });
  });
});

describe('verify', () => {
  it('detects a flipped byte on one endpoint and repairs it from another', async () => {
    const { local } = await vaultWithData();
    const a = new LocalBackend((await temp('endpoint-a')).path);
    const b = new LocalBackend((await temp('endpoint-b')).path);
    await backupRepository(local, a);
    await backupRepository(local, b);
    const packs: string[] = [];
    for await (const o of a.list('packs/')) packs.push(o.key);
    const victim = path.join(a.root, packs[0]!);
    const bytes = await fs.readFile(victim);
    bytes[bytes.length >> 1]! ^= 0x80;
    await fs.writeFile(victim, bytes);

    const report = await verifyEndpoint(local, a, { sample: 1, repairFrom: [b, local] });
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ key: packs[0], kind: 'damaged', repairedFrom: b.name });
    expect(report.ok).toBe(true);
    const again = await verifyEndpoint(local, a, { sample: 1 });
    expect(again.problems).toEqual([]);
  });

  it('reports and repairs a missing object', async () => {
    const { local } = await vaultWithData();
    const a = new LocalBackend((await temp('endpoint-a')).path);
    await backupRepository(local, a);
    const index: string[] = [];
    for await (const o of a.list('index/')) index.push(o.key);
    await a.delete(index[0]!);
    const report = await verifyEndpoint(local, a, { sample: 0.1 });
    expect(report.problems).toEqual([expect.objectContaining({ key: index[0], kind: 'missing', repairedFrom: local.name })]);
  });
});
