import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { applyRetention, previewRetention } from '../../../src-main/engine/policy/retention';
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
const random = (seed: number, size: number) =>
  crypto.createCipheriv('aes-128-ctr', crypto.createHash('sha256').update(`g${seed}`).digest().subarray(0, 16), Buffer.alloc(16)).update(Buffer.alloc(size));

describe('forget then gc', () => {
  it.each([null, 'pw'])('reclaims the space of forgotten versions; the rest restores byte-identical (passphrase %s)', async (passphrase) => {
    const repo = await temp('repo');
    const vault = new Vault({ repositoryPath: repo.path, passphrase: async () => passphrase });
    vaults.push(vault);
    await vault.init(passphrase, { scryptN: 1024, chunker: { minSize: 16 * 1024, avgSize: 64 * 1024, maxSize: 256 * 1024 } });
    const src = await temp('src');
    const contents: Buffer[] = [];
    for (let i = 0; i < 4; i++) {
      contents.push(random(i, 700_000));
      await src.write('model.bin', contents[i]!);
      await vault.addArtifact({ path: src.join('model.bin') });
      // A second, unrelated artifact that must survive untouched.
      if (i === 0) {
        await src.write('keep.txt', 'keep me\n'.repeat(1000));
        await vault.addArtifact({ path: src.join('keep.txt') });
      }
    }
    const catalogue = vault.requireCatalogue();
    const policies = [{ keepLast: 2, force: false }];
    const preview = previewRetention(catalogue, policies, Date.now());
    expect(preview.map((p) => p.number).sort()).toEqual([1, 2]);
    const before = (await vault.stats()).packBytes;

    // The grace period protects tombstones: nothing goes yet.
    await applyRetention(catalogue, policies, Date.now());
    const early = await vault.gc({ graceMs: 60 * 60 * 1000 });
    expect(early.bytesFreed).toBe(0);

    const report = await vault.gc({ graceMs: 0, now: Date.now() + 1000 });
    expect(report.bytesBefore).toBe(before);
    expect(report.bytesFreed).toBeGreaterThan(1_000_000);
    expect((await vault.stats()).packBytes).toBe(report.bytesAfter);

    for (const n of [3, 4]) {
      const out = await temp('out');
      const version = catalogue.getVersion(`model.bin@v${n}`);
      await vault.restore(version.treeId, out.path);
      expect((await fs.readFile(out.join('model.bin'))).equals(contents[n - 1]!)).toBe(true);
    }
    const keepOut = await temp('out');
    await vault.restore(catalogue.getVersion('keep.txt').treeId, keepOut.path);
    expect(await fs.readFile(keepOut.join('keep.txt'), 'utf8')).toBe('keep me\n'.repeat(1000));
    const check = await vault.check({ readData: true });
    expect(check.problems).toEqual([]);
  });
});
