import { createHash } from 'node:crypto';
import type { Chunker } from '../chunking/fastcdc';
import type { ChunkSink } from './chunk-sink';
import type { EventOutbox } from './event-outbox';
import { closeDescriptor, openForReading, readFully, sameVersion, statDescriptor } from './file-io';
import { FileChangedError, IngestCancelledError, NotAFileError, fileErrorFromFs } from './ingest-errors';
import type { FileSummary } from './ingest-protocol';
import { ReadBuffers } from './read-buffers';

export interface LargeFileJob {
  path: string;
  chunker: Chunker;
  buffers: ReadBuffers;
  outbox: EventOutbox;
  /** Takes the chunks once cut (sealer thread or this thread). */
  sink: ChunkSink;
  isCancelled(): boolean;
}

/**
 * Reads, chunks and hashes one file of any size; its chunks go to `job.sink`. Three stages
 * overlap over a ring of read blocks: the next block is read (thread pool) while this one is
 * chunked and fed to the whole-file SHA-256 (this thread, chunk by chunk while in cache) and
 * the previous one's chunks are hashed and sealed (the sink).
 */
export async function ingestLargeFile(job: LargeFileJob): Promise<FileSummary> {
  let fd: number;
  try {
    fd = await openForReading(job.path);
  } catch (err) {
    throw fileErrorFromFs(job.path, err);
  }
  const { blocks, lead, blockSize } = job.buffers;
  const { sink } = job;
  let pendingRead: Promise<number> = Promise.resolve(0);
  try {
    const before = await statDescriptor(fd);
    if (!before.isFile()) throw new NotAFileError(job.path);
    const size = before.size;
    const hash = createHash('sha256');
    const lengths: number[] = [];

    let position = 0;
    let current = 0;
    let carried = 0;
    let requested = Math.min(blockSize, size);
    await sink.released(current);
    pendingRead = readFully(fd, blocks[current]!, lead, requested, 0);
    for (;;) {
      const got = await pendingRead;
      if (got !== requested) throw new FileChangedError(job.path);
      position += got;
      const eof = position >= size;
      const next = (current + 1) % ReadBuffers.ringSize;
      if (!eof) {
        await sink.released(next);
        requested = Math.min(blockSize, size - position);
        pendingRead = readFully(fd, blocks[next]!, lead, requested, position);
      } else {
        pendingRead = Promise.resolve(0);
      }

      const buffer = blocks[current]!;
      let start = lead - carried;
      const end = lead + got;
      for (;;) {
        const length = job.chunker.cut(buffer, start, end, eof);
        if (length === 0) break;
        hash.update(buffer.subarray(start, start + length));
        await sink.add(current, start, length);
        lengths.push(length);
        start += length;
      }
      sink.endBlock(current);
      if (eof) break;
      // The unfinished tail goes just before the next block's data (which `next` is released for).
      carried = end - start;
      if (carried > 0) blocks[next]!.set(buffer.subarray(start, end), lead - carried);
      current = next;

      await job.outbox.room();
      if (job.isCancelled()) throw new IngestCancelledError(job.path);
    }

    const after = await statDescriptor(fd);
    if (!sameVersion(before, after)) throw new FileChangedError(job.path);
    await sink.finish();
    if (job.isCancelled()) throw new IngestCancelledError(job.path);
    const chunks = lengths.map((length, index) => ({ id: sink.ids[index]!, length }));
    return { sha256: hash.digest('hex'), size, mtimeMs: before.mtimeMs, chunks, knownChunks: sink.knownCount };
  } catch (err) {
    await sink.abandon();
    throw fileErrorFromFs(job.path, err);
  } finally {
    // A read still in flight writes into a block the next file will use: let it land first.
    await pendingRead.catch(() => 0);
    await closeDescriptor(fd);
  }
}
