/**
 * The repository benchmark: Cairn against restic on the same data in the same run.
 *
 *   npm run bench -- [--scale small|full] [--runs 3] [--seed 1] [--timeout-minutes 60]
 *   (= node --import tsx bench/repository.ts ...)
 *
 * Generates the dataset once (bench/.data/, reused afterwards), works in bench/.work/repository/
 * (wiped at start), prints progress and a table, writes the "repository" section of
 * bench/RESULTS.md and the raw numbers to bench/.work/repository/results.json. Exits 1 when any
 * measurement failed (the failure is in the table and the results), 2 on a bad command line.
 */
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { benchDir, defaultDatasetDir } from './dataset';
import { cairnTool, resticTool, type BackupTool } from './lib/backup-tools';
import { generateDataset, writeIncompressibleFile } from './lib/dataset-generate';
import { parseScale, scales, type ScaleName } from './lib/dataset-scales';
import { listFiles } from './lib/file-walk';
import { machineInfo, sourceRevision } from './lib/machine-info';
import { runMeasured } from './lib/measured-command';
import { MetricTable, type MetricSpec, type Target } from './lib/metric-table';
import { readIntoPageCache } from './lib/page-cache';
import { renderRepositorySection, summaryTable } from './lib/repository-report';
import { describeMutation, emptySnapshot, incrementalIngest, largeIngestAndRestore, singleFileMemory, smallFileIngest, type DatasetFacts, type ScenarioContext } from './lib/repository-scenarios';
import { writeResultsSection } from './lib/results-section';
import { digestTree } from './lib/tree-digest';

const projectRoot = path.dirname(benchDir);
const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
/** The single huge file of the memory test: big enough that any per-byte growth would show. */
const memoryFileBytes: Record<ScaleName, number> = { full: 8 * GiB, small: 1 * GiB, tiny: 64 * MiB };
const memoryTargetMB = 300;

interface Options {
  readonly scale: ScaleName;
  readonly runs: number;
  readonly seed: number;
  readonly timeoutMs: number;
}

function parseOptions(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: { scale: { type: 'string' }, runs: { type: 'string' }, seed: { type: 'string' }, 'timeout-minutes': { type: 'string' } },
  });
  const positive = (value: string | undefined, fallback: number, name: string): number => {
    const parsed = value === undefined ? fallback : Number(value);
    if (!Number.isSafeInteger(parsed) || parsed < 1) throw new Error(`--${name} must be a positive integer, got "${value}"`);
    return parsed;
  };
  return {
    scale: parseScale(values.scale ?? 'small'),
    runs: positive(values.runs, 3, 'runs'),
    seed: positive(values.seed, 1, 'seed'),
    timeoutMs: positive(values['timeout-minutes'], 60, 'timeout-minutes') * 60_000,
  };
}

const log = (line: string): void => console.log(line);

function sizeLabel(bytes: number): string {
  return bytes >= GiB ? `${bytes / GiB} GiB` : `${bytes / MiB} MiB`;
}

const ratioAtLeast = (limit: number): Target => ({ text: `ratio ≥ ${limit}`, met: (_median, ratio) => (ratio === null ? null : ratio >= limit) });
const ratioAtMost = (limit: number): Target => ({ text: `ratio ≤ ${limit}`, met: (_median, ratio) => (ratio === null ? null : ratio <= limit) });
const cairnBelow = (limit: number, unit: string): Target => ({ text: `cairn < ${limit} ${unit}`, met: (median) => median < limit });

function defineMetrics(table: MetricTable, scale: ScaleName) {
  const big = sizeLabel(memoryFileBytes[scale]);
  const metric = (id: string, label: string, unit: string, better: 'higher' | 'lower', digits: number, target?: Target): MetricSpec =>
    table.define({ id, label, unit, better, digits, ...(target ? { target } : {}) });
  return {
    emptySnapshot: metric('empty-snapshot', 'Snapshot of an empty folder (fixed cost per command)', 's', 'lower', 2),
    large: {
      ingest: metric('large-ingest', 'First ingest of large/', 'MB/s', 'higher', 1, ratioAtLeast(3)),
      ingestRss: metric('large-ingest-rss', 'Peak RSS, first ingest of large/', 'MB', 'lower', 0),
      restore: metric('restore', 'Restore of large/ (verified)', 'MB/s', 'higher', 1, ratioAtLeast(2)),
      restoreRss: metric('restore-rss', 'Peak RSS, restore of large/', 'MB', 'lower', 0),
    },
    small: {
      ingest: metric('small-ingest', 'Ingest of small/', 'files/s', 'higher', 0, ratioAtLeast(2)),
      rss: metric('small-ingest-rss', 'Peak RSS, ingest of small/', 'MB', 'lower', 0),
    },
    incremental: {
      fullIngest: metric('full-ingest', 'Ingest of the whole dataset', 'MB/s', 'higher', 1),
      fullRss: metric('full-ingest-rss', 'Peak RSS, ingest of the whole dataset', 'MB', 'lower', 0),
      repositoryAfterFull: metric('repository-size', 'Repository size after the whole dataset', 'MB', 'lower', 1),
      bytesAdded: metric('incremental-bytes', 'Bytes added by the incremental ingest', 'MB', 'lower', 2, ratioAtMost(1.1)),
      seconds: metric('incremental-time', 'Incremental ingest time', 's', 'lower', 2),
      rss: metric('incremental-rss', 'Peak RSS, incremental ingest', 'MB', 'lower', 0),
    },
    memorySmall: {
      rss: metric('file-100mib-rss', 'Peak RSS, snapshot of one 100 MiB file', 'MB', 'lower', 0, cairnBelow(memoryTargetMB, 'MB')),
      ingest: metric('file-100mib-ingest', 'Snapshot of one 100 MiB file', 'MB/s', 'higher', 1),
    },
    memoryBig: {
      rss: metric('file-big-rss', `Peak RSS, snapshot of one ${big} file`, 'MB', 'lower', 0, cairnBelow(memoryTargetMB, 'MB')),
      ingest: metric('file-big-ingest', `Snapshot of one ${big} file`, 'MB/s', 'higher', 1),
    },
  };
}

/** Generates the dataset unless a finished one for this scale and seed is already there. */
async function ensureDataset(scale: ScaleName, seed: number): Promise<string> {
  const dir = defaultDatasetDir(scale, seed);
  const marker = `${dir}.done.json`;
  if (existsSync(marker)) {
    log(`dataset: reusing ${path.relative(projectRoot, dir)}`);
    return dir;
  }
  log(`dataset: generating ${path.relative(projectRoot, dir)} (scale ${scale}, seed ${seed})`);
  await fs.rm(dir, { recursive: true, force: true });
  const summary = await generateDataset(dir, { scale, seed });
  await fs.writeFile(marker, `${JSON.stringify({ scale, seed, summary }, null, 2)}\n`);
  return dir;
}

async function ensureMemoryFile(seed: number, bytes: number): Promise<string> {
  const file = path.join(benchDir, '.data', `memory-seed${seed}`, `incompressible-${bytes / MiB}MiB.bin`);
  const existing = await fs.stat(file).catch(() => null);
  if (existing?.size === bytes) return file;
  log(`dataset: writing ${path.relative(projectRoot, file)}`);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await writeIncompressibleFile(file, seed, `memory/${bytes}`, bytes);
  return file;
}

async function datasetFacts(dir: string): Promise<DatasetFacts> {
  const files = await listFiles(dir);
  const sum = (prefix: string) => files.filter((f) => f.relative.startsWith(prefix)).reduce((total, f) => total + f.size, 0);
  return {
    dir,
    largeBytes: sum('large/'),
    largeDigest: await digestTree(path.join(dir, 'large')),
    smallFiles: files.filter((f) => f.relative.startsWith('small/')).length,
    totalBytes: sum(''),
  };
}

/** Which Cairn code runs: bin/cairn.js prefers the build, which may be older than the sources. */
async function describeCairnEntry(): Promise<string> {
  const built = path.join(projectRoot, 'out', 'main', 'cli.js');
  const builtStat = await fs.stat(built).catch(() => null);
  if (!builtStat) return 'bin/cairn.js running the TypeScript sources through tsx (no build found)';
  const sources = [...(await listFiles(path.join(projectRoot, 'src-main'))), ...(await listFiles(path.join(projectRoot, 'src-shared')))];
  const newest = Math.max(...sources.map((file) => file.mtimeMs));
  if (newest > builtStat.mtimeMs) {
    log('WARNING: out/main/cli.js is older than src-main/ or src-shared/: run `npm run build` first, or this measures old code.');
    return 'bin/cairn.js running out/main/cli.js, which was OLDER than the sources (stale build)';
  }
  return 'bin/cairn.js running the built out/main/cli.js';
}

async function main(): Promise<number> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    console.error(`bench: ${err instanceof Error ? err.message : String(err)}`);
    console.error('usage: node --import tsx bench/repository.ts [--scale small|full] [--runs 3] [--seed 1] [--timeout-minutes 60]');
    return 2;
  }
  const started = Date.now();
  const work = path.join(benchDir, '.work', 'repository');
  await fs.rm(work, { recursive: true, force: true });
  await fs.mkdir(work, { recursive: true });

  const datasetDir = await ensureDataset(options.scale, options.seed);
  const smallMemoryFile = await ensureMemoryFile(options.seed, 100 * MiB);
  const bigMemoryFile = await ensureMemoryFile(options.seed, memoryFileBytes[options.scale]);
  const cairnEntry = await describeCairnEntry();
  const tools: BackupTool[] = [cairnTool(projectRoot), resticTool(path.join(work, 'restic-cache'))];

  const warmed = await readIntoPageCache(datasetDir);
  log(`page cache: read all ${(warmed / 1e6).toFixed(0)} MB of the dataset once, untimed, so both tools read it from memory`);
  for (const tool of tools) await runMeasured(tool.warmUpArgv, { cwd: projectRoot, env: tool.env, timeoutMs: 60_000 }); // cold start off the clock
  const loadAtStart = os.loadavg()[0] ?? 0;
  log(`load average: ${loadAtStart.toFixed(2)} (other work on this machine makes the timings noisy)`);
  const data = await datasetFacts(datasetDir);

  const table = new MetricTable();
  const metrics = defineMetrics(table, options.scale);
  const context: ScenarioContext = { table, tools, work, projectRoot, timeoutMs: options.timeoutMs, log };
  const mutateSeed = options.seed + 1000; // the same mutation in every run
  let mutation = 'not run';
  for (let run = 1; run <= options.runs; run++) {
    log(`run ${run}/${options.runs}`);
    await emptySnapshot(context, run, metrics.emptySnapshot);
    await largeIngestAndRestore(context, data, run, metrics.large);
    await smallFileIngest(context, data, run, metrics.small);
    const summary = await incrementalIngest(context, data, run, mutateSeed, metrics.incremental);
    if (summary) mutation = describeMutation(summary);
  }
  log('memory against file size (one run)');
  await singleFileMemory(context, smallMemoryFile, metrics.memorySmall);
  await singleFileMemory(context, bigMemoryFile, metrics.memoryBig);
  await fs.rm(path.join(work, 'restic-cache'), { recursive: true, force: true });

  const rows = table.rows();
  const scale = scales[options.scale];
  const section = renderRepositorySection(rows, {
    scale: options.scale,
    seed: options.seed,
    runs: options.runs,
    date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    machine: machineInfo(),
    loadAtStart,
    revision: sourceRevision(projectRoot),
    cairnEntry,
    dataset:
      `large/ ${scale.largeFiles} × ${scale.largeFileBytes / MiB} MiB mostly incompressible; text/ ${scale.textBytes / MiB} MiB of logs, CSV, JSON lines; ` +
      `small/ ${data.smallFiles} files of 1–16 KiB, half compressible, 1–4 folders deep; ${(data.totalBytes / 1e6).toFixed(0)} MB in all. Incremental step: ${mutation}`,
    memoryFiles: `one 100 MiB and one ${sizeLabel(memoryFileBytes[options.scale])} file of incompressible bytes`,
    tools,
    invocation: `npm run bench -- --scale ${options.scale} --runs ${options.runs}${options.seed === 1 ? '' : ` --seed ${options.seed}`}`,
    durationSeconds: (Date.now() - started) / 1000,
  });
  await writeResultsSection(path.join(benchDir, 'RESULTS.md'), 'repository', section);
  await fs.writeFile(path.join(work, 'results.json'), `${JSON.stringify({ options, rows }, null, 2)}\n`);

  log('');
  log(summaryTable(rows));
  log('');
  log(`wrote bench/RESULTS.md (repository section) and bench/.work/repository/results.json in ${Math.round((Date.now() - started) / 1000)} s`);
  if (table.errorCount > 0) {
    log(`${table.errorCount} measurement(s) failed; see the Errors list in bench/RESULTS.md`);
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exitCode = 1;
  },
);
