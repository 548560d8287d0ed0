import { CairnError } from '../../../src-shared/errors';
import type { Repository } from '../repo/repository';
import { encodeTree, treeDigest, type Tree, type TreeEntry } from '../repo/tree';
import { FileChangedError } from '../workers/ingest-errors';
import type { IngestPool } from '../workers/ingest-pool';
import { FileKeptChangingError } from './errors';
import type { ParentCache } from './parent-cache';
import { walkSource, type WalkedFile, type WalkResult } from './walk';

export interface SnapshotProgress {
  phase: 'scanning' | 'reading' | 'committing';
  filesTotal: number;
  filesDone: number;
  bytesTotal: number;
  bytesDone: number;
  bytesNew: number;
}

export interface SnapshotOptions {
  signal?: AbortSignal;
  onProgress?: (progress: SnapshotProgress) => void;
  /** Attempts for a file that changes while it is read. */
  attempts?: number;
  /**
   * For a folder: store only these files (relative, '/'-separated) and the folders that hold
   * them, e.g. a watched bundle without the files its ignore rules leave out.
   */
  include?: readonly string[];
  /**
   * What the last snapshot of this source found: unchanged files are taken from it instead of
   * being read (see parent-cache.ts). The caller saves it once the snapshot is durable.
   */
  parents?: ParentCache;
}

export interface SnapshotResult {
  treeId: string;
  /** What people compare: SHA-256 of the file, or of the sha256sum-style listing of a folder. */
  digest: string;
  root: 'file' | 'dir';
  files: number;
  dirs: number;
  symlinks: number;
  /** Bytes of file content read. */
  bytesRead: number;
  /** Bytes added to the repository (after dedupe, compression and encryption). */
  bytesNew: number;
  blobsNew: number;
  /** Files taken unchanged from the last snapshot of the same source, without reading them. */
  filesUnchanged: number;
  durationMs: number;
}

/**
 * Files handed to the pool at once. Enough that small files fill whole batches (up to 256 per
 * worker round trip) for every worker with the next batch already forming: at 32, batches held
 * one or two files and the round trips, not the work, set the pace. A queued file costs only a
 * promise; the pool bounds the bytes in flight.
 */
const filesInFlight = 1024;

/**
 * Ingests a file or folder into the repository and returns the id of its tree. Chunking,
 * hashing, compression and encryption run in the worker pool; this side dedupes against the
 * index and appends new blobs to packs. Nothing is reported until packs, the tree and the
 * index segment are durable.
 */
export async function snapshot(repo: Repository, pool: IngestPool | Promise<IngestPool>, source: string, options: SnapshotOptions = {}): Promise<SnapshotResult> {
  const started = Date.now();
  const progress: SnapshotProgress = { phase: 'scanning', filesTotal: 0, filesDone: 0, bytesTotal: 0, bytesDone: 0, bytesNew: 0 };
  // Files are ingested while the walk goes on (and while the pool starts): for 20k small files
  // the walk alone takes about as long as reading them.
  const included = options.include ? new Set(options.include) : null;
  const queue = new FileQueue();
  const stopWalk = new AbortController();
  const walking = walkSource(source, {
    signal: stopWalk.signal,
    onFile: (file, root) => {
      if (included && root === 'dir' && !included.has(file.path)) return;
      progress.filesTotal++;
      progress.bytesTotal += file.size;
      queue.push(file);
    },
  }).then(
    (walked) => {
      queue.end();
      progress.phase = 'reading';
      return included ? onlyIncluded(walked, included) : walked;
    },
    (err: unknown) => {
      queue.fail(err);
      throw err;
    },
  );
  walking.catch(() => undefined); // awaited below; a failure also reaches the lanes through the queue
  let blobsNew = 0;
  let lastReport = 0;
  const report = (force = false) => {
    const now = Date.now();
    if (!options.onProgress || (!force && now - lastReport < 200)) return;
    lastReport = now;
    options.onProgress({ ...progress });
  };

  const fileEntries = new Map<string, TreeEntry>();
  const parents = options.parents;
  let filesUnchanged = 0;
  const ingestOne = async (pool: IngestPool, file: WalkedFile) => {
    const unchanged = parents?.reuse(file, (id) => repo.has(id));
    if (unchanged) {
      fileEntries.set(file.path, { type: 'file', path: file.path, size: file.size, mode: file.mode, mtimeMs: file.mtimeMs, sha256: unchanged.sha256, chunks: unchanged.chunks });
      parents!.record(file, unchanged);
      filesUnchanged++;
      progress.bytesDone += file.size;
      progress.filesDone++;
      report();
      return;
    }
    const attempts = options.attempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      let bytesThisAttempt = 0;
      try {
        const result = await pool.ingestFile(file.absolute, {
          signal: options.signal,
          sizeHint: file.size,
          // Chunks the repository has skip compression and sealing in the worker.
          isKnown: (id) => repo.has(id),
          onChunk: async (chunk) => {
            if (await repo.addStoredBlob(chunk.id, 'chunk', chunk.stored, chunk.plainLength, chunk.compressed)) {
              blobsNew++;
              progress.bytesNew += chunk.stored.length;
            }
            bytesThisAttempt += chunk.plainLength;
            progress.bytesDone += chunk.plainLength;
            report();
          },
        });
        // Known chunks never reach onChunk: count the whole file as read.
        progress.bytesDone += result.size - bytesThisAttempt;
        const chunks = result.chunks.map((c) => c.id);
        fileEntries.set(file.path, { type: 'file', path: file.path, size: result.size, mode: file.mode, mtimeMs: result.mtimeMs, sha256: result.sha256, chunks });
        // Recorded with the stat the walk saw: had the file changed since, the worker would
        // have refused it (FileChangedError) and it is read again next time.
        if (result.size === file.size && result.mtimeMs === file.mtimeMs) parents?.record(file, { sha256: result.sha256, chunks });
        progress.filesDone++;
        report();
        return;
      } catch (err) {
        progress.bytesDone -= bytesThisAttempt;
        bytesThisAttempt = 0;
        if (err instanceof FileChangedError) {
          if (attempt >= attempts) throw new FileKeptChangingError(file.absolute, attempt);
          await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
          continue;
        }
        throw err;
      }
    }
  };

  try {
    let walked: WalkResult;
    try {
      const ready = await pool;
      await runLanes(queue, filesInFlight, (file) => ingestOne(ready, file), options.signal);
      walked = await walking;
    } catch (err) {
      // Stop the walk and let it settle, so nothing of this snapshot runs on after it failed.
      stopWalk.abort(err);
      await walking.catch(() => undefined);
      throw err;
    }
    const files = walked.entries.filter((e) => e.type === 'file');
    progress.phase = 'committing';
    report(true);
    const entries: TreeEntry[] = walked.entries.map((e) => {
      if (e.type === 'file') return fileEntries.get(e.path)!;
      if (e.type === 'dir') return { type: 'dir', path: e.path, mode: e.mode, mtimeMs: e.mtimeMs };
      return { type: 'symlink', path: e.path, target: e.target, mtimeMs: e.mtimeMs };
    });
    const tree: Tree = { format: 'cairn-tree', version: 1, root: walked.root, entries };
    const stored = await repo.addBlob('tree', encodeTree(tree));
    if (stored.added) {
      blobsNew++;
      progress.bytesNew += stored.storedLength;
    }
    await repo.flush();
    return {
      treeId: stored.id,
      digest: treeDigest(tree),
      root: walked.root,
      files: files.length,
      dirs: walked.entries.filter((e) => e.type === 'dir').length,
      symlinks: walked.entries.filter((e) => e.type === 'symlink').length,
      bytesRead: progress.bytesDone,
      bytesNew: progress.bytesNew,
      blobsNew,
      filesUnchanged,
      durationMs: Date.now() - started,
    };
  } catch (err) {
    await repo.abandonWrites();
    throw err;
  }
}

function onlyIncluded(walked: WalkResult, files: ReadonlySet<string>): WalkResult {
  if (walked.root === 'file') return walked;
  const dirs = new Set<string>();
  for (const file of files) {
    const parts = file.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return { root: walked.root, entries: walked.entries.filter((e) => (e.type === 'dir' ? dirs.has(e.path) : files.has(e.path))) };
}

/** Files found by the walk, handed out in the order found; ends when the walk does. */
class FileQueue {
  private readonly files: WalkedFile[] = [];
  private next = 0;
  private ended = false;
  private failure: { error: unknown } | null = null;
  private waiters: (() => void)[] = [];

  push(file: WalkedFile): void {
    this.files.push(file);
    this.waiters.shift()?.();
  }

  end(): void {
    this.ended = true;
    for (const wake of this.waiters.splice(0)) wake();
  }

  fail(error: unknown): void {
    this.failure = { error };
    this.end();
  }

  /** The next file, or null once the walk has ended and every file was handed out. */
  async take(): Promise<WalkedFile | null> {
    for (;;) {
      if (this.failure) throw this.failure.error;
      if (this.next < this.files.length) return this.files[this.next++]!;
      if (this.ended) return null;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}

/** Runs `work` over the queue's files with at most `limit` at once; the first failure stops the rest. */
async function runLanes(queue: FileQueue, limit: number, work: (file: WalkedFile) => Promise<void>, signal?: AbortSignal): Promise<void> {
  let failure: { error: unknown } | null = null;
  const lane = async () => {
    while (failure === null) {
      if (signal?.aborted) throw new CairnError('CANCELLED', 'The snapshot was cancelled.');
      let file: WalkedFile | null;
      try {
        file = await queue.take();
        if (file === null) return;
        await work(file);
      } catch (err) {
        failure ??= { error: err };
      }
    }
  };
  await Promise.all(Array.from({ length: limit }, lane));
  if (failure !== null) throw (failure as { error: unknown }).error;
}
