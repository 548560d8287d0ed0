import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generate, mutate, scales, type MutationSummary } from '../../../bench/dataset';
import { digestTree, formatDigest } from '../../../bench/lib/tree-digest';
import { makeTempDir, type TempDir } from '../../helpers/tmp';

let temp: TempDir;
beforeEach(async () => {
  temp = await makeTempDir('bench-dataset');
});
afterEach(async () => {
  await temp.remove();
});

/** Removes the recorded insertions from a mutated file, giving back the original's length. */
function withoutInsertions(content: Buffer, insertions: MutationSummary['insertions']): Buffer {
  const parts: Buffer[] = [];
  let shift = 0;
  let originalPosition = 0;
  for (const insertion of [...insertions].sort((a, b) => a.offset - b.offset)) {
    parts.push(content.subarray(originalPosition + shift, insertion.offset + shift));
    originalPosition = insertion.offset;
    shift += insertion.length;
  }
  parts.push(content.subarray(originalPosition + shift));
  return Buffer.concat(parts);
}

function differingBytes(a: Buffer, b: Buffer): number {
  let count = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) count++;
  return count;
}

describe('bench dataset', () => {
  it('writes the same tree for the same seed and a different one for another seed', async () => {
    const summary = await generate(temp.join('a'), { scale: 'tiny', seed: 1 });
    await generate(temp.join('b'), { scale: 'tiny', seed: 1 });
    await generate(temp.join('c'), { scale: 'tiny', seed: 2 });

    const a = await digestTree(temp.join('a'));
    expect(formatDigest(await digestTree(temp.join('b')))).toBe(formatDigest(a));
    expect(formatDigest(await digestTree(temp.join('c')))).not.toBe(formatDigest(a));

    const tiny = scales.tiny;
    expect(summary.large).toEqual({ files: tiny.largeFiles, bytes: tiny.largeFiles * tiny.largeFileBytes });
    expect(summary.small.files).toBe(tiny.smallFiles);
    const smallEntries = a.filter((entry) => entry.relative.startsWith('small/'));
    expect(smallEntries).toHaveLength(tiny.smallFiles);
    for (const entry of smallEntries) {
      expect(entry.size).toBeGreaterThanOrEqual(tiny.smallFileMinBytes);
      expect(entry.size).toBeLessThanOrEqual(tiny.smallFileMaxBytes);
      const depth = entry.relative.split('/').length - 2; // minus "small" and the file name
      expect(depth).toBeGreaterThanOrEqual(1);
      expect(depth).toBeLessThanOrEqual(4);
    }
    expect(a.some((entry) => entry.relative.startsWith('text/'))).toBe(true);
  });

  it('refuses to generate into a folder that already has files', async () => {
    await temp.write('used/file.txt', 'x');
    await expect(generate(temp.join('used'), { scale: 'tiny', seed: 1 })).rejects.toThrow(/not empty/);
  });

  it('mutates about the requested share of bytes and keeps the rest', async () => {
    await generate(temp.join('original'), { scale: 'tiny', seed: 3 });
    await generate(temp.join('mutated'), { scale: 'tiny', seed: 3 });
    const summary = await mutate(temp.join('mutated'), { seed: 9, share: 0.01 });

    expect(summary.editedBytes / summary.bytesBefore).toBeCloseTo(0.01, 3);
    expect(summary.insertions.length).toBeGreaterThanOrEqual(scales.tiny.largeFiles);
    expect(summary.renamed.length).toBeGreaterThan(0);
    expect(summary.added.length).toBeGreaterThan(0);
    expect(summary.deleted.length).toBeGreaterThan(0);

    const movedTo = new Map(summary.renamed.map(({ from, to }) => [from, to]));
    const original = await digestTree(temp.join('original'));
    let compared = 0;
    let differing = 0;
    for (const entry of original) {
      if (summary.deleted.includes(entry.relative)) {
        await expect(fs.stat(temp.join('mutated', entry.relative))).rejects.toThrow();
        continue;
      }
      const now = movedTo.get(entry.relative) ?? entry.relative;
      const before = await fs.readFile(temp.join('original', entry.relative));
      const inserted = summary.insertions.filter((insertion) => insertion.relative === entry.relative);
      const after = withoutInsertions(await fs.readFile(temp.join('mutated', now)), inserted);
      expect(after.length, entry.relative).toBe(before.length);
      compared += before.length;
      differing += differingBytes(before, after);
    }
    // Edits may overlap or land in deleted files, and a random byte can equal the old one.
    expect(differing).toBeLessThanOrEqual(summary.editedBytes);
    expect(differing).toBeGreaterThan(summary.editedBytes * 0.5);
    expect(differing / compared).toBeLessThan(0.02);

    for (const added of summary.added) expect((await fs.stat(temp.join('mutated', added))).isFile()).toBe(true);
    for (const { from } of summary.renamed) await expect(fs.stat(temp.join('mutated', from))).rejects.toThrow();
  });

  it('mutates the same way for the same seed', async () => {
    for (const name of ['x', 'y']) {
      await generate(temp.join(name), { scale: 'tiny', seed: 4 });
      await mutate(temp.join(name), { seed: 11 });
    }
    const x = formatDigest(await digestTree(temp.join('x')));
    expect(formatDigest(await digestTree(temp.join('y')))).toBe(x);
    await expect(fs.readdir(path.join(temp.path, 'x', 'large'))).resolves.toContain('large-02-renamed.bin');
  });
});
