/**
 * The repository every crash case starts from, built once per run through the engine API and
 * copied for each case: four artifacts (a file, a text, a two-file bundle and a file with two
 * versions), with the first versions of the bundle and of `solo.bin` forgotten so that garbage
 * collection has a pack to delete and a pack to rewrite.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { applyRetention } from '../../../src-main/engine/policy/retention';
import { Vault } from '../../../src-main/engine/vault/vault';

/** A version the template committed, with the bytes each of its files must restore to. */
export interface CommittedVersion {
  reference: string;
  files: Record<string, Buffer>;
}

export interface TemplateRepository {
  /** Folder holding `repo/` and `work/` (the sources). */
  root: string;
  /** Versions committed and not forgotten: all must survive every crash. */
  committed: CommittedVersion[];
}

/** Small chunks so a few hundred KiB make several chunks and blobs. */
export const smallChunker = { minSize: 16 * 1024, avgSize: 64 * 1024, maxSize: 256 * 1024 };

/** Incompressible bytes, the same for the same seed. */
export function pseudoRandomBytes(seed: string, size: number): Buffer {
  const key = crypto.createHash('sha256').update(seed).digest().subarray(0, 16);
  return crypto.createCipheriv('aes-128-ctr', key, Buffer.alloc(16)).update(Buffer.alloc(size));
}

export async function buildTemplate(root: string): Promise<TemplateRepository> {
  const work = path.join(root, 'work');
  const write = async (relative: string, bytes: Buffer) => {
    const file = path.join(work, relative);
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(file, bytes);
    return file;
  };
  const vault = new Vault({ repositoryPath: path.join(root, 'repo') });
  try {
    await vault.init(null, { chunker: smallChunker });
    const data = pseudoRandomBytes('data v1', 600_000);
    await vault.addArtifact({ path: await write('data.bin', data), message: 'v1' });
    const notes = Buffer.from('notes that every crash must leave readable\n'.repeat(2000));
    await vault.addArtifact({ path: await write('notes.txt', notes) });

    const small = Buffer.from('the part of the bundle that stays\n'.repeat(50));
    await write('bundle/small.txt', small);
    await write('bundle/big.bin', pseudoRandomBytes('bundle big v1', 500_000));
    await vault.addArtifact({ path: path.join(work, 'bundle') });
    const bigV2 = pseudoRandomBytes('bundle big v2', 500_000);
    await write('bundle/big.bin', bigV2);
    await vault.addArtifact({ path: path.join(work, 'bundle') });

    await vault.addArtifact({ path: await write('solo.bin', pseudoRandomBytes('solo v1', 400_000)) });
    const soloV2 = pseudoRandomBytes('solo v2', 400_000);
    await vault.addArtifact({ path: await write('solo.bin', soloV2) });

    const forgotten = await applyRetention(vault.requireCatalogue(), [{ keepLast: 1, force: true }], Date.now());
    if (forgotten.length !== 2) throw new Error(`the template should forget 2 versions, not ${forgotten.length}`);
    return {
      root,
      committed: [
        { reference: 'data.bin@v1', files: { 'data.bin': data } },
        { reference: 'notes.txt@v1', files: { 'notes.txt': notes } },
        { reference: 'bundle@v2', files: { 'small.txt': small, 'big.bin': bigV2 } },
        { reference: 'solo.bin@v2', files: { 'solo.bin': soloV2 } },
      ],
    };
  } finally {
    await vault.close();
  }
}
