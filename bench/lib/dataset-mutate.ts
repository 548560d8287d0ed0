/**
 * Changes a generated dataset the way a week of real work would, for the incremental benchmark:
 * scattered in-place edits (~1% of all bytes by default), a few KiB inserted in the middle of
 * each large file (which shifts every later byte: content-defined chunking must resynchronise),
 * some renamed and moved files (content unchanged: must cost almost nothing), and some added and
 * deleted small files. Deterministic for a given tree and seed.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { planSmallFiles, writeSmallFilePlans } from './dataset-generate';
import { listFiles, type FileEntry } from './file-walk';
import { SeededRandom } from './seeded-random';

const KiB = 1024;
const copyBlockBytes = 4 * 1024 * KiB;

export interface MutateOptions {
  readonly seed: number;
  /** Share of all bytes overwritten in place (default 0.01). */
  readonly share?: number;
}

export interface Insertion {
  readonly relative: string;
  /** Offset in the file as it was before any insertion into it. */
  readonly offset: number;
  readonly length: number;
}

export interface MutationSummary {
  readonly bytesBefore: number;
  readonly editedBytes: number;
  readonly editRuns: number;
  readonly insertions: Insertion[];
  readonly deleted: string[];
  readonly renamed: Array<{ from: string; to: string }>;
  readonly added: string[];
}

interface EditRun {
  readonly offset: number;
  readonly length: number;
}

export async function mutateDataset(dir: string, options: MutateOptions): Promise<MutationSummary> {
  const share = options.share ?? 0.01;
  if (!(share >= 0 && share < 1)) throw new RangeError(`share must be in [0, 1), got ${share}`);
  const random = new SeededRandom(options.seed, 'mutate');
  const files = await listFiles(dir);
  if (files.length === 0) throw new Error(`${dir} has no files to mutate`);
  const bytesBefore = files.reduce((sum, file) => sum + file.size, 0);

  const { editedBytes, editRuns } = await editInPlace(files, random, Math.round(bytesBefore * share));
  const insertions = await insertIntoLargeFiles(files, random);
  const smallFiles = files.filter((file) => file.relative.startsWith('small/'));
  const deleted = await deleteSome(smallFiles, random);
  const remaining = smallFiles.filter((file) => !deleted.includes(file.relative));
  const renamed = await renameSome(dir, files, remaining, random);
  const added = await addSome(dir, options.seed, smallFiles.length);
  return { bytesBefore, editedBytes, editRuns, insertions, deleted, renamed, added };
}

/**
 * Overwrites runs of random bytes until `budget` bytes are changed. Files are picked with
 * probability proportional to their size, so the edits spread evenly over the bytes.
 */
async function editInPlace(files: readonly FileEntry[], random: SeededRandom, budget: number): Promise<{ editedBytes: number; editRuns: number }> {
  const cumulative: number[] = [];
  let total = 0;
  for (const file of files) cumulative.push((total += file.size));
  // Runs sized to the budget: ~16-64 runs on small trees, 16-64 KiB runs on big ones.
  const maxRun = Math.min(64 * KiB, Math.max(512, Math.floor(budget / 16)));
  const runsByFile = new Map<number, EditRun[]>();
  let editedBytes = 0;
  let editRuns = 0;
  while (editedBytes < budget && total > 0) {
    const index = fileAtByte(cumulative, random.int(0, total - 1));
    const file = files[index] as FileEntry;
    const length = Math.min(random.int(Math.ceil(maxRun / 4), maxRun), budget - editedBytes, file.size);
    const runs = runsByFile.get(index) ?? [];
    runs.push({ offset: random.int(0, file.size - length), length });
    runsByFile.set(index, runs);
    editedBytes += length;
    editRuns++;
  }
  for (const [index, runs] of [...runsByFile].sort((a, b) => a[0] - b[0])) {
    const handle = await fs.open((files[index] as FileEntry).absolute, 'r+');
    try {
      for (const run of runs) await handle.write(random.bytes(run.length), 0, run.length, run.offset);
    } finally {
      await handle.close();
    }
  }
  return { editedBytes, editRuns };
}

/** Index of the file holding byte `position` of the concatenated tree (binary search). */
function fileAtByte(cumulative: readonly number[], position: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((cumulative[mid] as number) > position) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** 1-3 insertions of 1-8 KiB into the middle half of every file under large/. */
async function insertIntoLargeFiles(files: readonly FileEntry[], random: SeededRandom): Promise<Insertion[]> {
  const all: Insertion[] = [];
  for (const file of files.filter((f) => f.relative.startsWith('large/'))) {
    const count = random.int(1, 3);
    const planned: Array<{ offset: number; bytes: Buffer }> = [];
    for (let i = 0; i < count; i++) {
      const offset = random.int(Math.floor(file.size / 4), Math.floor((file.size * 3) / 4));
      planned.push({ offset, bytes: random.bytes(random.int(1, 8) * KiB) });
    }
    planned.sort((a, b) => a.offset - b.offset);
    await rewriteWithInsertions(file.absolute, planned);
    for (const { offset, bytes } of planned) all.push({ relative: file.relative, offset, length: bytes.length });
  }
  return all;
}

/** Streams the file into a sibling with the insertions spliced in, then renames it over. */
async function rewriteWithInsertions(file: string, insertions: ReadonlyArray<{ offset: number; bytes: Buffer }>): Promise<void> {
  const temp = `${file}.mutate-tmp`;
  const source = await fs.open(file, 'r');
  const target = await fs.open(temp, 'w');
  try {
    const buffer = Buffer.allocUnsafe(copyBlockBytes);
    let position = 0;
    const copyUpTo = async (end: number | null): Promise<void> => {
      for (;;) {
        const want = end === null ? buffer.length : Math.min(buffer.length, end - position);
        if (want <= 0) return;
        const { bytesRead } = await source.read(buffer, 0, want, position);
        if (bytesRead === 0) return;
        await target.write(buffer, 0, bytesRead);
        position += bytesRead;
      }
    };
    for (const insertion of insertions) {
      await copyUpTo(insertion.offset);
      await target.write(insertion.bytes, 0, insertion.bytes.length);
    }
    await copyUpTo(null);
  } finally {
    await source.close();
    await target.close();
  }
  await fs.rename(temp, file);
}

/** Deletes ~1% of the small files (at least one). */
async function deleteSome(smallFiles: readonly FileEntry[], random: SeededRandom): Promise<string[]> {
  const count = Math.min(smallFiles.length, Math.max(1, Math.round(smallFiles.length * 0.01)));
  const victims = random.shuffled(smallFiles).slice(0, count);
  for (const file of victims) await fs.rm(file.absolute);
  return victims.map((file) => file.relative).sort();
}

/**
 * Renames ~2% of the small files (half in place, half moved to another folder) and the last
 * large file: the content is unchanged, so a deduplicating store should add almost nothing.
 */
async function renameSome(dir: string, files: readonly FileEntry[], smallFiles: readonly FileEntry[], random: SeededRandom): Promise<Array<{ from: string; to: string }>> {
  const count = Math.min(smallFiles.length, Math.max(1, Math.round(smallFiles.length * 0.02)));
  const chosen = random.shuffled(smallFiles).slice(0, count);
  const folders = [...new Set(smallFiles.map((file) => path.posix.dirname(file.relative)))].sort();
  const moves: Array<{ from: string; to: string }> = [];
  for (const file of chosen) {
    const extension = path.posix.extname(file.relative);
    const base = path.posix.basename(file.relative, extension);
    const folder = random.chance(0.5) ? random.pick(folders) : path.posix.dirname(file.relative);
    moves.push({ from: file.relative, to: `${folder}/${base}-renamed${extension}` });
  }
  const large = files.filter((file) => file.relative.startsWith('large/')).at(-1);
  if (large) moves.push({ from: large.relative, to: large.relative.replace(/(\.[^./]*)?$/, '-renamed$1') });
  for (const move of moves) await fs.rename(path.join(dir, move.from), path.join(dir, move.to));
  return moves;
}

/** Adds ~1% new small files (at least one), some in folders that did not exist. */
async function addSome(dir: string, seed: number, smallFileCount: number): Promise<string[]> {
  const count = Math.max(1, Math.round(smallFileCount * 0.01));
  const plans = planSmallFiles(seed, count, KiB, 16 * KiB, `added${seed}`);
  await writeSmallFilePlans(path.join(dir, 'small'), seed, plans);
  return plans.map((plan) => `small/${plan.relative}`).sort();
}
