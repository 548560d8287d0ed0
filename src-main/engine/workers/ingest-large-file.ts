import { createHash } from 'node:crypto';
import type { Chunker } from '../chunking/fastcdc';
import type { ChunkEncoder } from './chunk-encoder';
import { ChunkPipeline } from './chunk-pipeline';
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
  /** Ask the main thread "already stored?" for every chunk id before encoding it. */
  askKnown: boolean;
  /** Receives the main thread's answers while the file is being read. */
  onAnswers(handler: ((answers: { index: number; known: boolean }[]) => void) | null): void;
  isCancelled(): boolean;
}

/**
 * Reads, chunks, hashes and encodes one file of any size and posts its chunks. The next block
 * is read (thread pool) while this one is worked on; the whole-file SHA-256, the chunk id and
 * the sealing each run right after a chunk is cut, while its bytes are still in cache.
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
  let abandon = () => {};
  try {
    const before = await statDescriptor(fd);
    if (!before.isFile()) throw new NotAFileError(job.path);
    const size = before.size;
    const hash = createHash('sha256');
    const lengths: number[] = [];
    const pipeline = new ChunkPipeline({ file: job.file, encoder: job.encoder, outbox: job.outbox, askKnown: job.askKnown });
    job.onAnswers((answers) => pipeline.answer(answers));
    abandon = () => pipeline.abandon();

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
        await pipeline.add(plain);
        lengths.push(length);
        start += length;
      }
      if (eof) break;
      carried = end - start;
      if (carried > 0) next.set(buffer.subarray(start, end), lead - carried);
      current ^= 1;

      await job.outbox.room();
      if (job.isCancelled()) throw new IngestCancelledError(job.path);
    }

    const after = await statDescriptor(fd);
    if (!sameVersion(before, after)) throw new FileChangedError(job.path);
    await pipeline.finish();
    if (job.isCancelled()) throw new IngestCancelledError(job.path);
    const chunks = lengths.map((length, index) => ({ id: pipeline.ids[index]!, length }));
    return { sha256: hash.digest('hex'), size, mtimeMs: before.mtimeMs, chunks, knownChunks: pipeline.knownCount };
  } catch (err) {
    abandon();
    throw fileErrorFromFs(job.path, err);
  } finally {
    job.onAnswers(null);
    // A read still in flight writes into a buffer the next file will use: let it land first.
    await pendingRead.catch(() => 0);
    await closeDescriptor(fd);
  }
}
