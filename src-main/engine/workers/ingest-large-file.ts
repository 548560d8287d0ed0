import { createHash } from 'node:crypto';
import type { Chunker } from '../chunking/fastcdc';
import type { ChunkEncoder } from './chunk-encoder';
import { DedupeWindow } from './dedupe-window';
import type { EventOutbox } from './event-outbox';
import { closeDescriptor, openForReading, readFully, sameVersion, statDescriptor } from './file-io';
import { FileChangedError, IngestCancelledError, NotAFileError, fileErrorFromFs } from './ingest-errors';
import type { FileSummary } from './ingest-protocol';

/**
 * Two read buffers, each `lead + blockSize` bytes. A block is read into `[lead, lead+blockSize)`
 * of one while the other is chunked; the unfinished tail of a block (always < maxSize <= lead)
 * is copied just before the next block, so a chunk is always contiguous and nothing else moves.
 */
export class ReadBuffers {
  readonly lead: number;
  readonly blockSize: number;
  readonly blocks: [Buffer, Buffer];

  constructor(maxChunkSize: number, blockSize: number) {
    this.lead = maxChunkSize;
    this.blockSize = Math.max(blockSize, maxChunkSize);
    this.blocks = [Buffer.allocUnsafe(this.lead + this.blockSize), Buffer.allocUnsafe(this.lead + this.blockSize)];
  }
}

export interface LargeFileJob {
  path: string;
  /** Index of the file in its task, for events. */
  file: number;
  chunker: Chunker;
  encoder: ChunkEncoder;
  buffers: ReadBuffers;
  outbox: EventOutbox;
  /** Set when the main thread answers "already stored?" for this file's chunks. */
  dedupe: DedupeWindow | null;
  isCancelled(): boolean;
}

/** Posts one chunk's stored form. */
export function emitChunk(job: Pick<LargeFileJob, 'encoder' | 'outbox' | 'file'>, index: number, id: string, plain: Uint8Array): void {
  const { stored, compressed } = job.encoder.encode(plain);
  job.outbox.pushChunk({ file: job.file, index, id, plainLength: plain.length, compressed }, stored, stored === plain);
}

/**
 * Reads, chunks and hashes one file of any size, overlapping the next read with the work on
 * the current block, and posts its chunks. The whole-file SHA-256 is updated chunk by chunk
 * while the chunk is still in cache.
 */
export async function ingestLargeFile(job: LargeFileJob): Promise<FileSummary> {
  let fd: number;
  try {
    fd = await openForReading(job.path);
  } catch (err) {
    throw fileErrorFromFs(job.path, err);
  }
  const { blocks, lead, blockSize } = job.buffers;
  let pendingRead: Promise<number> = Promise.resolve(0);
  try {
    const before = await statDescriptor(fd);
    if (!before.isFile()) throw new NotAFileError(job.path);
    const size = before.size;
    const hash = createHash('sha256');
    const chunks: { id: string; length: number }[] = [];

    let position = 0;
    let requested = Math.min(blockSize, size);
    pendingRead = readFully(fd, blocks[0], lead, requested, 0);
    let current = 0;
    let carried = 0;
    for (;;) {
      const got = await pendingRead;
      if (got !== requested) throw new FileChangedError(job.path);
      position += got;
      const eof = position >= size;
      const buffer = blocks[current as 0 | 1];
      const next = blocks[(current ^ 1) as 0 | 1];
      if (!eof) {
        requested = Math.min(blockSize, size - position);
        pendingRead = readFully(fd, next, lead, requested, position);
      } else {
        pendingRead = Promise.resolve(0);
      }

      let start = lead - carried;
      const end = lead + got;
      for (;;) {
        const length = job.chunker.cut(buffer, start, end, eof);
        if (length === 0) break;
        const plain = buffer.subarray(start, start + length);
        hash.update(plain);
        const id = job.encoder.id(plain);
        const index = chunks.length;
        chunks.push({ id, length });
        if (job.dedupe) job.dedupe.add(index, id, plain);
        else emitChunk(job, index, id, plain);
        start += length;
      }
      job.dedupe?.ask();
      if (eof) break;
      carried = end - start;
      if (carried > 0) next.set(buffer.subarray(start, end), lead - carried);
      current ^= 1;

      if (job.isCancelled()) throw new IngestCancelledError(job.path);
      await job.outbox.room();
    }

    const after = await statDescriptor(fd);
    if (!sameVersion(before, after)) throw new FileChangedError(job.path);
    if (job.dedupe) {
      const dedupe = job.dedupe;
      await job.outbox.until(() => dedupe.idle);
      if (job.isCancelled()) throw new IngestCancelledError(job.path);
    }
    return { sha256: hash.digest('hex'), size, mtimeMs: before.mtimeMs, chunks, knownChunks: job.dedupe?.knownCount ?? 0 };
  } catch (err) {
    job.dedupe?.clear();
    throw fileErrorFromFs(job.path, err);
  } finally {
    // A read still in flight writes into a buffer the next file will use: let it land first.
    await pendingRead.catch(() => 0);
    await closeDescriptor(fd);
  }
}
