/**
 * The benchmark dataset: generate a deterministic tree, or mutate one for the incremental test.
 *
 *   node --import tsx bench/dataset.ts generate [DIR] [--scale small|full] [--seed N]
 *   node --import tsx bench/dataset.ts mutate DIR [--seed N] [--share 0.01]
 *
 * DIR defaults to bench/.data/<scale>-seed<N>, the folder the benchmark runners use.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateDataset, type DatasetSummary, type GenerateOptions } from './lib/dataset-generate';
import { mutateDataset, type MutateOptions, type MutationSummary } from './lib/dataset-mutate';
import { parseScale, type ScaleName } from './lib/dataset-scales';

export type { DatasetSummary, MutationSummary, ScaleName };
export { scales } from './lib/dataset-scales';

export const benchDir = path.dirname(fileURLToPath(import.meta.url));

/** Where the runners keep the generated dataset for a scale and seed (gitignored). */
export function defaultDatasetDir(scale: ScaleName, seed: number): string {
  return path.join(benchDir, '.data', `${scale}-seed${seed}`);
}

/** Writes DIR/large, DIR/text and DIR/small; same scale and seed give a byte-identical tree. */
export function generate(dir: string, options: Partial<GenerateOptions> = {}): Promise<DatasetSummary> {
  return generateDataset(dir, { scale: options.scale ?? 'small', seed: options.seed ?? 1 });
}

/** Edits, inserts into, renames, adds and deletes files of a generated tree, in place. */
export function mutate(dir: string, options: Partial<MutateOptions> = {}): Promise<MutationSummary> {
  return mutateDataset(dir, { seed: options.seed ?? 1, ...(options.share === undefined ? {} : { share: options.share }) });
}

const usage = `usage:
  node --import tsx bench/dataset.ts generate [DIR] [--scale small|full] [--seed N]
  node --import tsx bench/dataset.ts mutate DIR [--seed N] [--share 0.01]`;

function parseInteger(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new Error(`--${name} must be an integer, got "${value}"`);
  return parsed;
}

function formatMiB(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

async function main(argv: string[]): Promise<void> {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { scale: { type: 'string' }, seed: { type: 'string' }, share: { type: 'string' }, help: { type: 'boolean' } },
  });
  const [command, dirArgument] = positionals;
  if (values.help || command === undefined) {
    console.log(usage);
    return;
  }
  const seed = parseInteger(values.seed, 1, 'seed');
  if (command === 'generate') {
    const scale = parseScale(values.scale ?? 'small');
    const dir = path.resolve(dirArgument ?? defaultDatasetDir(scale, seed));
    const summary = await generate(dir, { scale, seed });
    for (const [part, { files, bytes }] of Object.entries(summary)) console.log(`${part.padEnd(6)} ${String(files).padStart(6)} files  ${formatMiB(bytes)}`);
    console.log(`generated ${dir} (scale ${scale}, seed ${seed})`);
  } else if (command === 'mutate') {
    if (dirArgument === undefined) throw new Error(`mutate needs a DIR\n${usage}`);
    const share = values.share === undefined ? undefined : Number(values.share);
    const summary = await mutate(path.resolve(dirArgument), { seed, ...(share === undefined ? {} : { share }) });
    console.log(
      `edited ${formatMiB(summary.editedBytes)} in ${summary.editRuns} runs (${((summary.editedBytes / summary.bytesBefore) * 100).toFixed(2)}% of ${formatMiB(summary.bytesBefore)}); ` +
        `${summary.insertions.length} insertions, ${summary.renamed.length} renamed, ${summary.added.length} added, ${summary.deleted.length} deleted`,
    );
  } else {
    throw new Error(`unknown command "${command}"\n${usage}`);
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    console.error(`dataset: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  });
}
