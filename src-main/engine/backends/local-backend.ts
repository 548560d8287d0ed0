import path from 'node:path';
import { Readable } from 'node:stream';
import {
  ObjectExistsError,
  ObjectNotFoundError,
  assertValidKey,
  reservedLocalSegment,
  temporaryNamePrefix,
  type Backend,
  type ByteRange,
  type ListOptions,
  type ObjectInfo,
  type PutOptions,
  type PutResult,
} from './backend';
import { KeyCollisionError, OperationCancelledError, RangeNotSatisfiableError } from './backend-errors';
import { assertRangeWithin, assertValidRange } from './byte-range';
import { writeFileDurably } from './durable-file-write';
import { nodeFileSystem, type LocalFileSystem } from './local-file-system';
import { errnoCode, toStorageError } from './local-fs-errors';
import { listFolderKeys } from './local-listing';

export interface LocalBackendOptions {
  /** File-system calls to use; tests inject failures through this. Defaults to node:fs/promises. */
  fileSystem?: LocalFileSystem;
}

/** Streams read this much per chunk: far fewer syscalls than the 64 KiB default on big packs. */
const streamChunkBytes = 1024 * 1024;

/**
 * A repository in a folder (the embedded default). Key `packs/ab/ab12…` is the file
 * `<root>/packs/ab/ab12…`. Writes are temp + fsync + rename (DESIGN.md 4), so a crash never
 * leaves a partial object under a key; create-only writes are atomic through link(2).
 *
 * On a folder a key cannot also be the folder of another key (`a/b` and `a/b/c`); repository
 * keys never need that, and such a write fails with KeyCollisionError.
 */
export class LocalBackend implements Backend {
  readonly name: string;
  private readonly fs: LocalFileSystem;

  constructor(
    readonly root: string,
    options: LocalBackendOptions = {},
  ) {
    this.root = path.resolve(root);
    this.name = `local:${this.root}`;
    this.fs = options.fileSystem ?? nodeFileSystem;
  }

  async get(key: string, range?: ByteRange): Promise<Buffer> {
    const filePath = this.pathOf(key);
    if (range) assertValidRange(range);
    const { handle, size } = await this.openForRead(filePath, key);
    try {
      const wanted = range ?? { offset: 0, length: size };
      assertRangeWithin(this.name, key, wanted, size);
      const buffer = Buffer.allocUnsafe(wanted.length);
      let filled = 0;
      while (filled < wanted.length) {
        const { bytesRead } = await handle.read(buffer, filled, wanted.length - filled, wanted.offset + filled);
        // The file shrank under us (someone truncated it): report it as too short for the range.
        if (bytesRead === 0) throw new RangeNotSatisfiableError(this.name, key, wanted, wanted.offset + filled);
        filled += bytesRead;
      }
      return buffer;
    } catch (err) {
      throw toStorageError(err, `read "${key}"`, this.root);
    } finally {
      await handle.close().catch(() => undefined);
    }
  }

  async getStream(key: string, range?: ByteRange): Promise<Readable> {
    const filePath = this.pathOf(key);
    if (range) assertValidRange(range);
    const { handle, size } = await this.openForRead(filePath, key);
    try {
      if (range) assertRangeWithin(this.name, key, range, size);
      const start = range?.offset ?? 0;
      const length = range?.length ?? size;
      if (length === 0) {
        await handle.close();
        return Readable.from([]);
      }
      return handle.createReadStream({ start, end: start + length - 1, highWaterMark: streamChunkBytes, autoClose: true });
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw toStorageError(err, `read "${key}"`, this.root);
    }
  }

  async put(key: string, body: Buffer | Readable, options: PutOptions = {}): Promise<PutResult> {
    let filePath: string;
    try {
      filePath = this.pathOf(key);
    } catch (err) {
      if (!Buffer.isBuffer(body)) body.destroy();
      throw err;
    }
    try {
      const result = await writeFileDurably(this.fs, filePath, body, {
        createOnly: options.ifNoneMatch === true,
        contentLength: options.contentLength,
        signal: options.signal,
        label: key,
      });
      if (result.outcome === 'exists') throw new ObjectExistsError(this.name, key);
      return { size: result.size };
    } catch (err) {
      if (!Buffer.isBuffer(body)) body.destroy();
      const code = errnoCode(err);
      if (code === 'ENOTDIR' || code === 'EISDIR' || code === 'EEXIST') throw new KeyCollisionError(this.name, key, { cause: err });
      throw toStorageError(err, `write "${key}"`, this.root);
    }
  }

  async head(key: string): Promise<ObjectInfo | null> {
    const filePath = this.pathOf(key);
    try {
      const stats = await this.fs.stat(filePath);
      return stats.isFile() ? { key, size: stats.size, modified: stats.mtime } : null;
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOENT' || code === 'ENOTDIR') return null;
      throw toStorageError(err, `look up "${key}"`, this.root);
    }
  }

  async *list(prefix: string, options: ListOptions = {}): AsyncIterable<ObjectInfo> {
    try {
      yield* listFolderKeys(this.fs, this.root, prefix, options.startAfter, options.signal);
    } catch (err) {
      if (options.signal?.aborted) throw new OperationCancelledError(`listing "${prefix}" on ${this.name}`, { cause: err });
      throw toStorageError(err, `list "${prefix}"`, this.root);
    }
  }

  async delete(key: string): Promise<void> {
    const filePath = this.pathOf(key);
    try {
      await this.fs.unlink(filePath);
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOENT' || code === 'ENOTDIR') return;
      if (code === 'EISDIR' || (code === 'EPERM' && (await this.isFolder(filePath)))) return;
      throw toStorageError(err, `delete "${key}"`, this.root);
    }
  }

  /**
   * Removes temporary files that a crashed write left behind, if they are older than
   * `olderThanMs` (so writes in progress in this or another process are left alone). Returns
   * how many were removed. The root `local` folder is not touched.
   */
  async sweepTemporaryFiles(olderThanMs: number, now: number = Date.now()): Promise<number> {
    const cutoff = now - olderThanMs;
    let removed = 0;
    const visit = async (folder: string, atRoot: boolean): Promise<void> => {
      let dirents;
      try {
        dirents = await this.fs.readdir(folder, { withFileTypes: true });
      } catch (err) {
        if (errnoCode(err) === 'ENOENT') return;
        throw err;
      }
      for (const dirent of dirents) {
        const entryPath = path.join(folder, dirent.name);
        if (dirent.isDirectory()) {
          if (!(atRoot && dirent.name === reservedLocalSegment)) await visit(entryPath, false);
        } else if (dirent.isFile() && dirent.name.startsWith(temporaryNamePrefix)) {
          const stats = await this.fs.stat(entryPath).catch(() => null);
          if (stats && stats.mtimeMs < cutoff) {
            await this.fs.unlink(entryPath).catch((err: unknown) => {
              if (errnoCode(err) !== 'ENOENT') throw err;
            });
            removed += 1;
          }
        }
      }
    };
    try {
      await visit(this.root, true);
    } catch (err) {
      throw toStorageError(err, 'remove leftover temporary files', this.root);
    }
    return removed;
  }

  /** The file path of a key; refuses invalid keys before anything touches the disk. */
  private pathOf(key: string): string {
    assertValidKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  private async openForRead(filePath: string, key: string) {
    try {
      const handle = await this.fs.open(filePath, 'r');
      const stats = await handle.stat().catch(async (err: unknown) => {
        await handle.close().catch(() => undefined);
        throw err;
      });
      if (!stats.isFile()) {
        await handle.close().catch(() => undefined);
        throw new ObjectNotFoundError(this.name, key);
      }
      return { handle, size: stats.size };
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') throw new ObjectNotFoundError(this.name, key);
      throw toStorageError(err, `read "${key}"`, this.root);
    }
  }

  private async isFolder(filePath: string): Promise<boolean> {
    return this.fs.stat(filePath).then(
      (stats) => stats.isDirectory(),
      () => false,
    );
  }
}
