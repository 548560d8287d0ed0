/**
 * The repository benchmark's scenarios: first ingest of large files, ingest of many small files,
 * full then incremental ingest of a mutated copy, restore, and peak memory against file size.
 * Every scenario runs both tools on the same data in fresh repositories, cairn first, then
 * restic. A failing command becomes an error on the metrics it would have produced; the other
 * metrics still run.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { BackupTool, ToolName } from './backup-tools';
import { mutateDataset, type MutationSummary } from './dataset-mutate';
import { folderBytes } from './file-walk';
import { runMeasured, type MeasuredCommand } from './measured-command';
import type { MetricSpec, MetricTable } from './metric-table';
import { readIntoPageCache } from './page-cache';
import { checkRestore } from './restore-check';
import type { DigestEntry } from './tree-digest';

const MB = 1e6;

export interface ScenarioContext {
  readonly table: MetricTable;
  readonly tools: readonly BackupTool[];
  /** Scratch folder for repositories, restores and copies; wiped by the runner. */
  readonly work: string;
  readonly projectRoot: string;
  readonly timeoutMs: number;
  readonly log: (line: string) => void;
}

export interface DatasetFacts {
  readonly dir: string;
  readonly largeBytes: number;
  readonly largeDigest: readonly DigestEntry[];
  readonly smallFiles: number;
  readonly totalBytes: number;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The command as a person would type it: program name only, paths relative to the project. */
function displayCommand(context: ScenarioContext, argv: readonly string[]): string {
  const [program = '', ...args] = argv;
  const shown = args.map((arg) => (arg.startsWith(`${context.projectRoot}${path.sep}`) ? path.relative(context.projectRoot, arg) : arg));
  return [path.basename(program), ...shown].join(' ');
}

/** Runs a measured command and throws its error when it did not succeed. */
async function measureOk(context: ScenarioContext, tool: BackupTool, argv: string[]): Promise<MeasuredCommand> {
  const result = await runMeasured(argv, { cwd: context.projectRoot, env: tool.env, timeoutMs: context.timeoutMs });
  if (!result.ok) throw new Error(`\`${displayCommand(context, argv)}\` failed: ${result.error}`);
  return result;
}

/** A fresh, empty, encrypted repository in `repo`. */
async function freshRepository(context: ScenarioContext, tool: BackupTool, repo: string): Promise<void> {
  await fs.rm(repo, { recursive: true, force: true });
  await fs.mkdir(path.dirname(repo), { recursive: true });
  await measureOk(context, tool, tool.initArgv(repo));
}

/**
 * Runs `body` for one tool and run; if it throws, every metric in `specs` that it had not
 * recorded yet gets the error, so a table cell is always either a value or an explanation.
 */
async function attempt(context: ScenarioContext, specs: readonly MetricSpec[], tool: ToolName, run: number, body: () => Promise<void>): Promise<boolean> {
  try {
    await body();
    return true;
  } catch (err) {
    for (const spec of specs) if (!context.table.has(spec, tool, run)) context.table.fail(spec, tool, run, message(err));
    context.log(`    ${tool}: FAILED: ${message(err).split('\n')[0]}`);
    return false;
  }
}

function describe(result: MeasuredCommand, extra: string): string {
  return `${extra}, ${result.wallSeconds.toFixed(2)} s, peak ${(result.maxRssBytes / MB).toFixed(0)} MB`;
}

/**
 * Snapshot of an empty folder: what every command costs before it does any work (start-up,
 * key derivation, opening the repository). Throughputs at small scale include this cost.
 */
export async function emptySnapshot(context: ScenarioContext, run: number, metric: MetricSpec): Promise<void> {
  const empty = path.join(context.work, 'empty-folder');
  await fs.mkdir(empty, { recursive: true });
  context.log('  snapshot of an empty folder (fixed cost per command)');
  for (const tool of context.tools) {
    const repo = path.join(context.work, `empty-${tool.name}-run${run}`);
    await attempt(context, [metric], tool.name, run, async () => {
      await freshRepository(context, tool, repo);
      const result = await measureOk(context, tool, tool.snapshotArgv(repo, empty));
      context.table.record(metric, tool.name, run, result.wallSeconds);
      context.log(`    ${tool.name}: ${describe(result, 'empty')}`);
    });
    await fs.rm(repo, { recursive: true, force: true });
  }
}

export interface LargeAndRestoreMetrics {
  readonly ingest: MetricSpec;
  readonly ingestRss: MetricSpec;
  readonly restore: MetricSpec;
  readonly restoreRss: MetricSpec;
}

/** First ingest of DIR/large into fresh repositories, then a verified restore of it. */
export async function largeIngestAndRestore(context: ScenarioContext, data: DatasetFacts, run: number, metrics: LargeAndRestoreMetrics): Promise<void> {
  const source = path.join(data.dir, 'large');
  const refs = new Map<ToolName, { repo: string; ref: string }>();
  context.log(`  first ingest of large/ (${(data.largeBytes / MB).toFixed(0)} MB)`);
  for (const tool of context.tools) {
    const repo = path.join(context.work, `large-${tool.name}-run${run}`);
    await attempt(context, [metrics.ingest, metrics.ingestRss], tool.name, run, async () => {
      await freshRepository(context, tool, repo);
      const result = await measureOk(context, tool, tool.snapshotArgv(repo, source));
      const mbps = data.largeBytes / MB / result.wallSeconds;
      context.table.record(metrics.ingest, tool.name, run, mbps);
      context.table.record(metrics.ingestRss, tool.name, run, result.maxRssBytes / MB);
      refs.set(tool.name, { repo, ref: tool.snapshotRef(result) });
      context.log(`    ${tool.name}: ${describe(result, `${mbps.toFixed(1)} MB/s`)}`);
    });
  }
  context.log('  restore of large/ to an empty folder');
  for (const tool of context.tools) {
    const target = path.join(context.work, `restore-${tool.name}-run${run}`);
    await attempt(context, [metrics.restore, metrics.restoreRss], tool.name, run, async () => {
      const snapshot = refs.get(tool.name);
      if (!snapshot) throw new Error('nothing to restore: the ingest of large/ failed');
      await fs.rm(target, { recursive: true, force: true });
      await fs.mkdir(target, { recursive: true });
      const result = await measureOk(context, tool, tool.restoreArgv(snapshot.repo, snapshot.ref, target));
      const problem = await checkRestore(target, source, data.largeDigest);
      if (problem) throw new Error(problem);
      const mbps = data.largeBytes / MB / result.wallSeconds;
      context.table.record(metrics.restore, tool.name, run, mbps);
      context.table.record(metrics.restoreRss, tool.name, run, result.maxRssBytes / MB);
      context.log(`    ${tool.name}: ${describe(result, `${mbps.toFixed(1)} MB/s, sha256 of every file verified`)}`);
    });
    await fs.rm(target, { recursive: true, force: true });
  }
  for (const tool of context.tools) await fs.rm(path.join(context.work, `large-${tool.name}-run${run}`), { recursive: true, force: true });
}

/** Ingest of DIR/small (thousands of 1-16 KiB files) into fresh repositories. */
export async function smallFileIngest(context: ScenarioContext, data: DatasetFacts, run: number, metrics: { ingest: MetricSpec; rss: MetricSpec }): Promise<void> {
  const source = path.join(data.dir, 'small');
  context.log(`  ingest of small/ (${data.smallFiles} files)`);
  for (const tool of context.tools) {
    const repo = path.join(context.work, `small-${tool.name}-run${run}`);
    await attempt(context, [metrics.ingest, metrics.rss], tool.name, run, async () => {
      await freshRepository(context, tool, repo);
      const result = await measureOk(context, tool, tool.snapshotArgv(repo, source));
      const filesPerSecond = data.smallFiles / result.wallSeconds;
      context.table.record(metrics.ingest, tool.name, run, filesPerSecond);
      context.table.record(metrics.rss, tool.name, run, result.maxRssBytes / MB);
      context.log(`    ${tool.name}: ${describe(result, `${filesPerSecond.toFixed(0)} files/s`)}`);
    });
    await fs.rm(repo, { recursive: true, force: true });
  }
}

export interface IncrementalMetrics {
  readonly fullIngest: MetricSpec;
  readonly fullRss: MetricSpec;
  readonly repositoryAfterFull: MetricSpec;
  readonly bytesAdded: MetricSpec;
  readonly seconds: MetricSpec;
  readonly rss: MetricSpec;
}

/**
 * Full ingest of a copy of the dataset, then mutate the copy in place and ingest it again:
 * how many bytes each repository grows by is the deduplication result. The copy keeps its
 * path, so each tool can use what it knows from the first snapshot.
 */
export async function incrementalIngest(context: ScenarioContext, data: DatasetFacts, run: number, mutateSeed: number, metrics: IncrementalMetrics): Promise<MutationSummary | null> {
  const copy = path.join(context.work, 'incremental-data');
  try {
    return await fullThenIncremental(context, data, run, mutateSeed, metrics, copy);
  } finally {
    for (const tool of context.tools) await fs.rm(path.join(context.work, `incremental-${tool.name}-run${run}`), { recursive: true, force: true });
    await fs.rm(copy, { recursive: true, force: true });
  }
}

async function fullThenIncremental(context: ScenarioContext, data: DatasetFacts, run: number, mutateSeed: number, metrics: IncrementalMetrics, copy: string): Promise<MutationSummary | null> {
  await fs.rm(copy, { recursive: true, force: true });
  await fs.cp(data.dir, copy, { recursive: true });
  await readIntoPageCache(copy); // the copy was just written, but make sure both tools find it cached
  context.log(`  full ingest of a copy of the dataset (${(data.totalBytes / MB).toFixed(0)} MB)`);
  const repos = new Map<ToolName, string>();
  for (const tool of context.tools) {
    const repo = path.join(context.work, `incremental-${tool.name}-run${run}`);
    await attempt(context, [metrics.fullIngest, metrics.fullRss, metrics.repositoryAfterFull], tool.name, run, async () => {
      await freshRepository(context, tool, repo);
      const result = await measureOk(context, tool, tool.snapshotArgv(repo, copy));
      const mbps = data.totalBytes / MB / result.wallSeconds;
      const repositoryBytes = await folderBytes(repo);
      context.table.record(metrics.fullIngest, tool.name, run, mbps);
      context.table.record(metrics.fullRss, tool.name, run, result.maxRssBytes / MB);
      context.table.record(metrics.repositoryAfterFull, tool.name, run, repositoryBytes / MB);
      repos.set(tool.name, repo);
      context.log(`    ${tool.name}: ${describe(result, `${mbps.toFixed(1)} MB/s, repository ${(repositoryBytes / MB).toFixed(1)} MB`)}`);
    });
  }

  let summary: MutationSummary;
  try {
    summary = await mutateDataset(copy, { seed: mutateSeed });
    await readIntoPageCache(copy);
  } catch (err) {
    for (const tool of context.tools) context.table.fail(metrics.bytesAdded, tool.name, run, `mutating the copy failed: ${message(err)}`);
    return null;
  }
  context.log(`  incremental ingest after mutate (${describeMutation(summary)})`);
  for (const tool of context.tools) {
    await attempt(context, [metrics.bytesAdded, metrics.seconds, metrics.rss], tool.name, run, async () => {
      const repo = repos.get(tool.name);
      if (!repo) throw new Error('no incremental ingest: the full ingest failed');
      const before = await folderBytes(repo);
      const result = await measureOk(context, tool, tool.snapshotArgv(repo, copy));
      const added = (await folderBytes(repo)) - before;
      context.table.record(metrics.bytesAdded, tool.name, run, added / MB);
      context.table.record(metrics.seconds, tool.name, run, result.wallSeconds);
      context.table.record(metrics.rss, tool.name, run, result.maxRssBytes / MB);
      context.log(`    ${tool.name}: ${describe(result, `${(added / MB).toFixed(2)} MB added`)}`);
    });
  }
  return summary;
}

export function describeMutation(summary: MutationSummary): string {
  const share = ((summary.editedBytes / summary.bytesBefore) * 100).toFixed(2);
  const inserted = summary.insertions.reduce((sum, insertion) => sum + insertion.length, 0);
  return (
    `${share}% of bytes overwritten in ${summary.editRuns} runs, ${summary.insertions.length} insertions (${(inserted / 1024).toFixed(0)} KiB) into large files, ` +
    `${summary.renamed.length} renamed, ${summary.added.length} added, ${summary.deleted.length} deleted`
  );
}

/** Peak memory of snapshotting one file: run for a small and a huge file, it shows any growth with size. */
export async function singleFileMemory(context: ScenarioContext, file: string, metrics: { rss: MetricSpec; ingest: MetricSpec }): Promise<void> {
  const bytes = (await fs.stat(file)).size;
  context.log(`  snapshot of one ${(bytes / 1024 ** 2).toFixed(0)} MiB file (reading it into the page cache first)`);
  await readIntoPageCache(file);
  for (const tool of context.tools) {
    const repo = path.join(context.work, `memory-${tool.name}`);
    await attempt(context, [metrics.rss, metrics.ingest], tool.name, 1, async () => {
      await freshRepository(context, tool, repo);
      const result = await measureOk(context, tool, tool.snapshotArgv(repo, file));
      const mbps = bytes / MB / result.wallSeconds;
      context.table.record(metrics.rss, tool.name, 1, result.maxRssBytes / MB);
      context.table.record(metrics.ingest, tool.name, 1, mbps);
      context.log(`    ${tool.name}: ${describe(result, `${mbps.toFixed(1)} MB/s`)}`);
    });
    await fs.rm(repo, { recursive: true, force: true });
  }
}
