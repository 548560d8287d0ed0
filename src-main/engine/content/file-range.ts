import crypto from 'node:crypto';
import { CairnError } from '../../../src-shared/errors';
import { CorruptRepositoryError } from '../repo/errors';
import type { Repository } from '../repo/repository';
import type { FileEntry } from '../repo/tree';

/** Chunks fetched at once for one range. */
const readsInParallel = 4;

/** Where one chunk of a file starts, from the plain lengths the index records. */
interface ChunkSpan {
  id: string;
  start: number;
  length: number;
}

function chunkSpans(repo: Repository, file: FileEntry, label: string): ChunkSpan[] {
  const spans: ChunkSpan[] = [];
  let start = 0;
  for (const id of file.chunks) {
    const location = repo.locate(id);
    if (!location) throw new CorruptRepositoryError(`The stored content of ${label}`, `its chunk ${id} is not in the index`);
    spans.push({ id, start, length: location.plainLength });
    start += location.plainLength;
  }
  if (start !== file.size) throw new CorruptRepositoryError(`The stored content of ${label}`, `its chunks add up to ${start} bytes, not ${file.size}`);
  return spans;
}

/**
 * Bytes `[offset, offset + length)` of a stored file, reading only the chunks that overlap the
 * range (each verified against its id). When the range is the whole file, the result is also
 * checked against the file's SHA-256. `label` names the file in errors.
 */
export async function readFileRange(repo: Repository, file: FileEntry, offset: number, length: number, label: string): Promise<Buffer> {
  if (offset > file.size) {
    throw new CairnError('INVALID_INPUT', `Offset ${offset} is beyond the end of ${label}, which has ${file.size} bytes.`, {
      hint: `Ask for an offset from 0 to ${file.size}.`,
    });
  }
  const end = Math.min(file.size, offset + length);
  if (end === offset) return Buffer.alloc(0);
  const needed = chunkSpans(repo, file, label).filter((span) => span.start < end && span.start + span.length > offset);
  const pieces: Buffer[] = new Array<Buffer>(needed.length);
  let next = 0;
  const lane = async () => {
    while (next < needed.length) {
      const i = next++;
      const span = needed[i]!;
      const plain = await repo.readBlob(span.id);
      const from = Math.max(0, offset - span.start);
      const to = Math.min(span.length, end - span.start);
      pieces[i] = plain.subarray(from, to);
    }
  };
  await Promise.all(Array.from({ length: Math.min(readsInParallel, needed.length) }, lane));
  const bytes = Buffer.concat(pieces);
  if (offset === 0 && end === file.size) {
    const digest = crypto.createHash('sha256').update(bytes).digest('hex');
    if (digest !== file.sha256) throw new CorruptRepositoryError(`The stored content of ${label}`, `it reads back with SHA-256 ${digest}, expected ${file.sha256}`);
  }
  return bytes;
}

/** The plain length of each chunk of a file, by chunk id; null for chunks the index lacks. */
export function chunkLength(repo: Repository, id: string): number | null {
  return repo.locate(id)?.plainLength ?? null;
}
