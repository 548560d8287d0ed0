import { createHash } from 'node:crypto';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { ChunkEncoder } from './chunk-encoder';
import type { EventOutbox } from './event-outbox';
import { sameVersion } from './file-io';
import { FileChangedError, NotAFileError, fileErrorFromFs } from './ingest-errors';
import type { FileSummary } from './ingest-protocol';
import type { StoredRing } from './stored-ring';

export interface SmallFileJob {
  path: string;
  file: number;
  /** Files up to this size are one chunk (the chunker's minSize). */
  maxSize: number;
  /** At least maxSize + 1 bytes, reused for every file. */
  buffer: Buffer;
  encoder: ChunkEncoder;
  outbox: EventOutbox;
  /** Where stored bytes go to the main thread without garbage, while it has room. */
  ring: StoredRing;
}

/**
 * Ingests a file that is a single chunk with synchronous calls: for thousands of small files
 * the thread-pool round trips of async fs cost more than the reads. Returns null, having read
 * nothing, when the file turns out to be larger than a chunk (the caller takes the large path).
 */
export function ingestSmallFile(job: SmallFileJob): FileSummary | null {
  let fd: number;
  try {
    fd = openSync(job.path, 'r');
  } catch (err) {
    throw fileErrorFromFs(job.path, err);
  }
  try {
    const before = fstatSync(fd);
    if (!before.isFile()) throw new NotAFileError(job.path);
    const size = before.size;
    if (size > job.maxSize) return null;

    // Ask for one byte more than the size: getting it means the file grew.
    let got = 0;
    for (;;) {
      const n = readSync(fd, job.buffer, got, size + 1 - got, got);
      if (n === 0) break;
      got += n;
      if (got > size) break;
    }
    if (got !== size || !sameVersion(before, fstatSync(fd))) throw new FileChangedError(job.path);

    const plain = job.buffer.subarray(0, size);
    // One chunk: the file digest is the chunk digest, so one hash pass gives both.
    const digest = createHash('sha256').update(plain).digest();
    const sha256 = digest.toString('hex');
    if (size === 0) return { sha256, size, mtimeMs: before.mtimeMs, chunks: [], knownChunks: 0 };
    const id = job.encoder.idFromDigest(digest);
    const fields = { file: job.file, index: 0, id, plainLength: size };
    const place = job.ring.reserve([job.encoder.roomFor(size)])?.[0];
    if (place) {
      const { length, compressed } = job.encoder.encodeInto(plain, job.ring.data.subarray(place.offset, place.offset + place.length));
      job.outbox.pushRingChunk({ ...fields, compressed }, job.ring.shared, place.seq, place.offset, length);
    } else {
      // The ring is full of chunks the main thread has not taken yet: send this one by copy.
      const { stored, compressed } = job.encoder.encode(plain);
      job.outbox.pushChunk({ ...fields, compressed }, stored, stored === plain);
    }
    return { sha256, size, mtimeMs: before.mtimeMs, chunks: [{ id, length: size }], knownChunks: 0 };
  } catch (err) {
    throw fileErrorFromFs(job.path, err);
  } finally {
    closeSync(fd);
  }
}
