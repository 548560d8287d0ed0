import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { CairnError } from '../../../src-shared/errors';
import { crashPoint } from '../crash/crash-points';
import { caseCollisions, CaseCollisionError, isCaseInsensitiveFolder } from './case-collisions';
import { packKey, type BlobLocation } from '../repo/blob';
import { CorruptRepositoryError } from '../repo/errors';
import { blobLabel, capitalised, type Repository } from '../repo/repository';
import type { IngestPool } from '../workers/ingest-pool';
import type { RestoreFileResult, RestoreFileTask } from '../workers/restore-protocol';
import { decodeTree, type FileEntry, type Tree, type TreeEntry } from '../repo/tree';

export interface RestoreOptions {
  /** Restore only this path of the tree (a file, or a folder and everything under it). */
  path?: string;
  /** Replace files that already exist in the target (never by default). */
  overwrite?: boolean;
  signal?: AbortSignal;
  onProgress?: (progress: RestoreProgress) => void;
  /**
   * Worker threads that open, decompress, hash and write the files, this thread only reading
   * packs: about twice as fast as doing it all here. Without it everything runs on this thread.
   */
  workers?: RestoreWorkers;
}

/** What the restorer needs of the worker pool. */
export type FileWriterPool = Pick<IngestPool, 'restoreFile'>;

export interface RestoreWorkers {
  /** Asked for only when the restore is large enough (starting workers costs ~0.3 s). */
  pool(): Promise<FileWriterPool>;
  /** Restores of fewer bytes stay on the calling thread (default 32 MiB). */
  minBytes?: number;
}

const defaultWorkerMinBytes = 32 * 1024 * 1024;

export interface RestoreProgress {
  filesTotal: number;
  filesDone: number;
  bytesTotal: number;
  bytesDone: number;
}

export interface RestoreResult {
  files: number;
  dirs: number;
  symlinks: number;
  bytes: number;
  durationMs: number;
  target: string;
}

export class RestoreConflictError extends CairnError {
  constructor(existing: string[], total: number) {
    const shown = existing.slice(0, 5).join(', ');
    super('ALREADY_EXISTS', `${total} file${total === 1 ? '' : 's'} already exist in the target (${shown}${total > 5 ? ', …' : ''}); nothing was restored.`, {
      hint: 'Restore into an empty folder, or pass --overwrite to replace them.',
    });
    this.name = 'RestoreConflictError';
  }
}

export class UnsafeTargetError extends CairnError {
  constructor(where: string, why: string) {
    super('INVALID_INPUT', `Refusing to restore through ${where}: ${why}.`, {
      hint: 'Restore into a folder that has no symbolic links where the restored folders go.',
    });
    this.name = 'UnsafeTargetError';
  }
}

/** Reads the tree blob behind an id, refusing ids that are not trees. */
export async function loadTree(repo: Repository, treeId: string): Promise<Tree> {
  const location = repo.locate(treeId);
  if (!location) {
    throw new CairnError('NOT_FOUND', `Tree ${treeId} is not in this repository.`, {
      hint: 'Use the tree id that `cairn snapshot` printed (or a version name once the catalogue has it).',
    });
  }
  if (location.type !== 'tree') throw new CairnError('INVALID_INPUT', `${treeId} is a data chunk, not a tree.`);
  return decodeTree(await repo.readBlob(treeId), treeId);
}

/**
 * A file's chunks are read from packs in runs: chunks stored one after another in the same
 * pack (as a file's chunks usually are) come in one ranged read of up to this many bytes,
 * instead of an open, read and close per chunk.
 */
const maxRunBytes = 4 * 1024 * 1024;
/** Runs fetched (and decrypted, on the thread pool) ahead while a file is being written. */
const runsAhead = 2;
/** Files restored at once. */
const filesInParallel = 4;

/**
 * Restores a tree (or one path of it) into `target`. Every file is written to a temporary name
 * beside its final place, verified against its SHA-256, then renamed; existing files are never
 * replaced unless asked, and nothing is written through a symbolic link.
 */
export async function restoreTree(repo: Repository, treeId: string, target: string, options: RestoreOptions = {}): Promise<RestoreResult> {
  const started = Date.now();
  const tree = await loadTree(repo, treeId);
  const entries = selectEntries(tree, treeId, options.path);
  const root = path.resolve(target);
  await fs.mkdir(root, { recursive: true });
  const realRoot = await fs.realpath(root);
  const collisions = caseCollisions(entries.map((e) => e.path));
  if (collisions.length > 0 && (await isCaseInsensitiveFolder(realRoot))) throw new CaseCollisionError(realRoot, collisions);

  const destination = (entry: TreeEntry) => {
    const full = path.resolve(realRoot, ...entry.path.split('/'));
    if (!full.startsWith(realRoot + path.sep)) throw new UnsafeTargetError(full, 'it lies outside the target folder');
    return full;
  };

  if (!options.overwrite) {
    const existing: string[] = [];
    let total = 0;
    for (const entry of entries) {
      if (entry.type === 'dir') continue;
      if (await exists(destination(entry))) {
        total++;
        if (existing.length < 5) existing.push(entry.path);
      }
    }
    if (total > 0) throw new RestoreConflictError(existing, total);
  }

  const dirs = entries.filter((e) => e.type === 'dir');
  const files = entries.filter((e): e is FileEntry => e.type === 'file');
  const links = entries.filter((e) => e.type === 'symlink');
  const progress: RestoreProgress = { filesTotal: files.length, filesDone: 0, bytesTotal: files.reduce((s, f) => s + f.size, 0), bytesDone: 0 };
  const workers = options.workers;
  const pool = workers && progress.bytesTotal >= (workers.minBytes ?? defaultWorkerMinBytes) ? await workers.pool() : null;

  const checkedDirs = new Set<string>([realRoot]);
  const ensureDir = async (dir: string) => {
    if (checkedDirs.has(dir)) return;
    await ensureDir(path.dirname(dir));
    try {
      await fs.mkdir(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const stat = await fs.lstat(dir);
    if (stat.isSymbolicLink()) throw new UnsafeTargetError(dir, 'it is a symbolic link');
    if (!stat.isDirectory()) throw new UnsafeTargetError(dir, 'it is not a folder');
    checkedDirs.add(dir);
  };

  for (const dir of dirs) await ensureDir(destination(dir));

  let next = 0;
  const lane = async () => {
    while (next < files.length) {
      if (options.signal?.aborted) throw cancelledError();
      const file = files[next++]!;
      const dest = destination(file);
      await ensureDir(path.dirname(dest));
      await restoreFile(repo, file, dest, pool, options.signal, (n) => {
        progress.bytesDone += n;
        options.onProgress?.({ ...progress });
      });
      progress.filesDone++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(filesInParallel, files.length) }, lane));

  for (const link of links) {
    const dest = destination(link);
    await ensureDir(path.dirname(dest));
    if (options.overwrite) await fs.rm(dest, { force: true });
    await fs.symlink(link.target, dest);
  }
  // Folder times last: writing their children changed them.
  for (const dir of [...dirs].reverse()) {
    const dest = destination(dir);
    await fs.chmod(dest, dir.mode & 0o7777 || 0o755);
    await fs.utimes(dest, new Date(dir.mtimeMs), new Date(dir.mtimeMs));
  }
  options.onProgress?.({ ...progress });
  return { files: files.length, dirs: dirs.length, symlinks: links.length, bytes: progress.bytesDone, durationMs: Date.now() - started, target: realRoot };
}

function selectEntries(tree: Tree, treeId: string, only: string | undefined): TreeEntry[] {
  if (only === undefined || only === '' || only === '.') return tree.entries;
  const wanted = only.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  const selected = tree.entries.filter((e) => e.path === wanted || e.path.startsWith(`${wanted}/`));
  if (selected.length === 0) {
    throw new CairnError('NOT_FOUND', `"${only}" is not in tree ${treeId}.`, { hint: 'Paths are relative to what was snapshotted, e.g. "models/config.json".' });
  }
  return selected;
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch {
    return false;
  }
}

async function restoreFile(repo: Repository, file: FileEntry, dest: string, pool: FileWriterPool | null, signal: AbortSignal | undefined, onBytes: (n: number) => void): Promise<void> {
  const temp = path.join(path.dirname(dest), `.${path.basename(dest)}.cairn-${crypto.randomBytes(6).toString('hex')}`);
  try {
    const runs = packRuns(repo, file);
    const { size, sha256 } = pool ? await writeOnPool(repo, pool, runs, temp, onBytes, signal) : await writeHere(repo, runs, temp, onBytes);
    if (size !== file.size || sha256 !== file.sha256) {
      throw new CorruptRepositoryError(`The stored content of ${file.path}`, `it restores to ${size} bytes with SHA-256 ${sha256}, expected ${file.size} bytes with ${file.sha256}`);
    }
    await fs.chmod(temp, file.mode & 0o7777 || 0o644);
    await fs.utimes(temp, new Date(file.mtimeMs), new Date(file.mtimeMs));
    crashPoint('restore.before-rename');
    await fs.rename(temp, dest);
  } catch (err) {
    await fs.rm(temp, { force: true });
    if (signal?.aborted) throw cancelledError();
    throw err;
  }
}

function cancelledError(): CairnError {
  return new CairnError('CANCELLED', 'The restore was cancelled.');
}

/** Writes a file's runs to `temp` (created exclusively) on this thread. */
async function writeHere(repo: Repository, runs: PackRun[], temp: string, onBytes: (n: number) => void): Promise<RestoreFileResult> {
  const handle = await fs.open(temp, 'wx', 0o600);
  const hash = crypto.createHash('sha256');
  let written = 0;
  try {
    const fetches: Array<Promise<Buffer[]> | null> = [];
    const fetch = (i: number) => {
      const fetching = readRun(repo, runs[i]!);
      // Awaited in order below; this only keeps a failure ahead of that from being "unhandled".
      fetching.catch(() => undefined);
      fetches.push(fetching);
    };
    for (let i = 0; i < Math.min(runsAhead, runs.length); i++) fetch(i);
    for (let i = 0; i < runs.length; i++) {
      const plains = await fetches[i]!;
      fetches[i] = null; // let the run's bytes be collected
      if (i + runsAhead < runs.length) fetch(i + runsAhead);
      for (const plain of plains) {
        hash.update(plain);
        let offset = 0;
        while (offset < plain.length) {
          const { bytesWritten } = await handle.write(plain, offset, plain.length - offset, written + offset);
          offset += bytesWritten;
        }
        written += plain.length;
        onBytes(plain.length);
      }
    }
  } finally {
    await handle.close();
  }
  return { size: written, sha256: hash.digest('hex') };
}

/** Writes a file's runs to `temp` on a pool worker; this thread only reads the packs. */
function writeOnPool(repo: Repository, pool: FileWriterPool, runs: PackRun[], temp: string, onBytes: (n: number) => void, signal?: AbortSignal): Promise<RestoreFileResult> {
  const task: RestoreFileTask = {
    type: 'restore',
    temp,
    runs: runs.map((run) =>
      run.chunks.map(({ id, location }) => ({
        start: location.offset - run.offset,
        storedLength: location.storedLength,
        plainLength: location.plainLength,
        compressed: location.compressed,
        label: capitalised(blobLabel(id, location)),
      })),
    ),
  };
  // Backends return a fresh buffer per get(), so it can be handed to the worker.
  const fetchRun = (i: number) => repo.backend.get(packKey(runs[i]!.packId), { offset: runs[i]!.offset, length: runs[i]!.length });
  return pool.restoreFile(task, fetchRun, { onBytes, ...(signal ? { signal } : {}) });
}

/** Chunks of a file that sit next to each other in one pack: one ranged read. */
interface PackRun {
  packId: string;
  offset: number;
  length: number;
  chunks: { id: string; location: BlobLocation }[];
}

function packRuns(repo: Repository, file: FileEntry): PackRun[] {
  const runs: PackRun[] = [];
  let current: PackRun | null = null;
  for (const id of file.chunks) {
    const location = repo.locate(id);
    if (!location) throw new CorruptRepositoryError(`The stored content of ${file.path}`, `its chunk ${id} is not in the index`);
    const follows = current !== null && current.packId === location.packId && current.offset + current.length === location.offset;
    if (current && follows && current.length + location.storedLength <= maxRunBytes) {
      current.length += location.storedLength;
      current.chunks.push({ id, location });
    } else {
      current = { packId: location.packId, offset: location.offset, length: location.storedLength, chunks: [{ id, location }] };
      runs.push(current);
    }
  }
  return runs;
}

/** The plain bytes of a run's chunks, in order; each is authenticated as it is decrypted. */
async function readRun(repo: Repository, run: PackRun): Promise<Buffer[]> {
  const bytes = await repo.backend.get(packKey(run.packId), { offset: run.offset, length: run.length });
  return Promise.all(
    run.chunks.map(({ id, location }) => {
      const start = location.offset - run.offset;
      return repo.decodeBlobAsync(id, location, bytes.subarray(start, start + location.storedLength), false);
    }),
  );
}
