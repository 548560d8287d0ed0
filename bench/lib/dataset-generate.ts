/**
 * Writes the benchmark dataset: DIR/large (mostly-incompressible big files), DIR/text (logs,
 * CSV, JSON lines) and DIR/small (many 1-16 KiB files in nested folders), so each part can be
 * ingested on its own. The same (scale, seed) always writes a byte-identical tree.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { scales, type ScaleName } from './dataset-scales';
import { SeededRandom } from './seeded-random';
import { halfCompressibleBytes, incompressibleBytes, syntheticText, type TextKind } from './synthetic-content';

const MiB = 1024 * 1024;
const writeBlockBytes = 4 * MiB;
/** Share of a large file's segments that compress about 2:1 (the rest does not compress). */
const compressibleSegmentShare = 0.1;
/** Folders per level under DIR/small; with depth 1-4 this spreads files over ~1,500 folders. */
const smallFolderFanout = 6;
const smallWriteConcurrency = 32;

export interface GenerateOptions {
  readonly scale: ScaleName;
  readonly seed: number;
}

export interface PartSummary {
  files: number;
  bytes: number;
}

export interface DatasetSummary {
  readonly large: PartSummary;
  readonly text: PartSummary;
  readonly small: PartSummary;
}

export async function generateDataset(dir: string, options: GenerateOptions): Promise<DatasetSummary> {
  await ensureEmptyFolder(dir);
  const scale = scales[options.scale];
  return {
    large: await writeLargeFiles(path.join(dir, 'large'), options.seed, scale.largeFiles, scale.largeFileBytes),
    text: await writeTextFiles(path.join(dir, 'text'), options.seed, scale.textBytes),
    small: await writeSmallFiles(path.join(dir, 'small'), options.seed, scale.smallFiles, scale.smallFileMinBytes, scale.smallFileMaxBytes),
  };
}

async function ensureEmptyFolder(dir: string): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  const existing = await fs.readdir(dir);
  // Generating into a used folder would leave old files beside new ones: not the promised tree.
  if (existing.length > 0) throw new Error(`${dir} is not empty; generate into a new or empty folder`);
}

/**
 * One large file: segments of 1-8 MiB, most incompressible, some compressible about 2:1, as in
 * real model weights or archives. Written in blocks, so memory stays flat at any size.
 */
export async function writeLargeFile(file: string, seed: number, label: string, bytes: number, compressibleShare = compressibleSegmentShare): Promise<void> {
  const layout = new SeededRandom(seed, `${label}/layout`);
  const content = new SeededRandom(seed, `${label}/content`);
  const handle = await fs.open(file, 'w');
  try {
    let written = 0;
    while (written < bytes) {
      const segment = Math.min(bytes - written, layout.int(1, 8) * MiB);
      const compressible = layout.chance(compressibleShare);
      for (let done = 0; done < segment; ) {
        const block = Math.min(writeBlockBytes, segment - done);
        const data = compressible ? halfCompressibleBytes(content, block) : incompressibleBytes(content, block);
        await handle.write(data, 0, data.length);
        done += block;
      }
      written += segment;
    }
  } finally {
    await handle.close();
  }
}

/** A file of `bytes` random bytes that no compressor can shrink, written via a temp file. */
export async function writeIncompressibleFile(file: string, seed: number, label: string, bytes: number): Promise<void> {
  const temp = `${file}.partial`;
  await writeLargeFile(temp, seed, label, bytes, 0);
  await fs.rename(temp, file); // a crash mid-way leaves no full-looking file behind
}

async function writeLargeFiles(dir: string, seed: number, count: number, bytes: number): Promise<PartSummary> {
  await fs.mkdir(dir, { recursive: true });
  for (let i = 1; i <= count; i++) {
    const name = `large-${String(i).padStart(2, '0')}.bin`;
    await writeLargeFile(path.join(dir, name), seed, `large/${name}`, bytes);
  }
  return { files: count, bytes: count * bytes };
}

async function writeTextFiles(dir: string, seed: number, totalBytes: number): Promise<PartSummary> {
  await fs.mkdir(dir, { recursive: true });
  const files: Array<[string, TextKind, number]> = [
    ['service.log', 'log', 0.5],
    ['metrics.csv', 'csv', 0.25],
    ['events.jsonl', 'jsonl', 0.25],
  ];
  let bytes = 0;
  for (const [name, kind, share] of files) {
    const size = Math.floor(totalBytes * share);
    await fs.writeFile(path.join(dir, name), syntheticText(new SeededRandom(seed, `text/${name}`), kind, size));
    bytes += size;
  }
  return { files: files.length, bytes };
}

export interface SmallFilePlan {
  /** Relative to DIR/small. */
  readonly relative: string;
  readonly size: number;
  readonly compressible: boolean;
}

/** Where each small file goes and what it holds; drawn from one stream so it never shifts. */
export function planSmallFiles(seed: number, count: number, minBytes: number, maxBytes: number, label = 'small'): SmallFilePlan[] {
  const random = new SeededRandom(seed, `${label}/layout`);
  const plans: SmallFilePlan[] = [];
  for (let i = 0; i < count; i++) {
    const depth = random.int(1, 4);
    const folders: string[] = [];
    for (let level = 0; level < depth; level++) folders.push(`${'abcd'[level]}${random.int(0, smallFolderFanout - 1)}`);
    const compressible = random.chance(0.5);
    const extension = compressible ? random.pick(['txt', 'csv', 'json']) : 'bin';
    const size = random.int(minBytes, maxBytes);
    plans.push({ relative: `${folders.join('/')}/${label}-${String(i).padStart(6, '0')}.${extension}`, size, compressible });
  }
  return plans;
}

const textKindForExtension: Record<string, TextKind> = { txt: 'log', csv: 'csv', json: 'jsonl' };

/** The bytes of one small file of the plan. */
export function smallFileContent(seed: number, plan: SmallFilePlan): Buffer {
  const random = new SeededRandom(seed, `small-file/${plan.relative}`);
  if (!plan.compressible) return incompressibleBytes(random, plan.size);
  const extension = plan.relative.slice(plan.relative.lastIndexOf('.') + 1);
  return syntheticText(random, textKindForExtension[extension] ?? 'log', plan.size);
}

/** Writes planned small files under `root`, a few at a time. */
export async function writeSmallFilePlans(root: string, seed: number, plans: readonly SmallFilePlan[]): Promise<PartSummary> {
  const madeFolders = new Set<string>();
  let bytes = 0;
  for (let start = 0; start < plans.length; start += smallWriteConcurrency) {
    const batch = plans.slice(start, start + smallWriteConcurrency);
    for (const plan of batch) {
      const folder = path.dirname(path.join(root, plan.relative));
      if (!madeFolders.has(folder)) {
        await fs.mkdir(folder, { recursive: true });
        madeFolders.add(folder);
      }
    }
    await Promise.all(batch.map((plan) => fs.writeFile(path.join(root, plan.relative), smallFileContent(seed, plan))));
    for (const plan of batch) bytes += plan.size;
  }
  return { files: plans.length, bytes };
}

async function writeSmallFiles(dir: string, seed: number, count: number, minBytes: number, maxBytes: number): Promise<PartSummary> {
  await fs.mkdir(dir, { recursive: true });
  return writeSmallFilePlans(dir, seed, planSmallFiles(seed, count, minBytes, maxBytes));
}
