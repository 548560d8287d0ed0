/**
 * What the last snapshot of a source path found, file by file: stat and content (SHA-256 and
 * chunk ids). The next snapshot of the same path takes a file whose stat has not changed from
 * here instead of reading it again, as restic does with its parent snapshot; only changed,
 * new and moved files are read.
 *
 * Device-local and derived (`<repo>/local/snapshot-parents/<sha256 of the path>.json`): a
 * missing or damaged file costs a full read, never data. A file is trusted only when size,
 * mtime, inode and ctime all match, its mtime is well before the start of the snapshot that
 * recorded it (a write in the same clock tick as that read could keep all four), and the
 * repository still has every one of its chunks.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomically } from '../watch/atomic-file';
import { sameFileStat } from '../watch/file-stat';
import type { WalkedFile } from './walk';

/** Files changed this close to (or after) the recording snapshot's start are read again. */
const racyMarginMs = 2000;

type FileTuple = [path: string, size: number, mtimeMs: number, ino: number, ctimeMs: number, sha256: string, chunks: string[]];

interface ParentDocument {
  format: 'cairn-snapshot-parent';
  version: 1;
  source: string;
  startedAt: number;
  files: FileTuple[];
}

export interface ReusedContent {
  sha256: string;
  chunks: string[];
}

export class ParentCache {
  private readonly previous = new Map<string, FileTuple>();
  private previousStartedAt = 0;
  private readonly next: FileTuple[] = [];

  private constructor(
    private readonly file: string,
    private readonly source: string,
    private readonly startedAt: number,
  ) {}

  /** The cache for snapshots of `source` (an absolute path); empty when there is none yet. */
  static async load(folder: string, source: string, now = Date.now()): Promise<ParentCache> {
    const name = createHash('sha256').update(source).digest('hex');
    const cache = new ParentCache(path.join(folder, `${name}.json`), source, now);
    let text: string;
    try {
      text = await fs.readFile(cache.file, 'utf8');
    } catch {
      return cache;
    }
    try {
      const document = JSON.parse(text) as ParentDocument;
      if (document.format !== 'cairn-snapshot-parent' || document.version !== 1 || document.source !== source || !Array.isArray(document.files)) return cache;
      cache.previousStartedAt = Number(document.startedAt) || 0;
      for (const tuple of document.files) if (isFileTuple(tuple)) cache.previous.set(tuple[0], tuple);
    } catch {
      // Damaged: read everything once more; the next save replaces it.
    }
    return cache;
  }

  /** Reads every file this time (`cairn snapshot --reread`); what is read is recorded anew. */
  forgetPrevious(): void {
    this.previous.clear();
  }

  /** The recorded content of `file` when it can be trusted unchanged and `has` every chunk. */
  reuse(file: WalkedFile, has: (chunkId: string) => boolean): ReusedContent | null {
    const tuple = this.previous.get(file.path);
    if (!tuple) return null;
    const [, size, mtimeMs, ino, ctimeMs, sha256, chunks] = tuple;
    if (!sameFileStat({ size, mtimeMs, ino, ctimeMs }, file)) return null;
    // Content writes move mtime; one landing in the same clock tick as the recording read
    // would not. (ctime only has to match: alone it moves for renames and chmod, not content.)
    if (mtimeMs >= this.previousStartedAt - racyMarginMs) return null;
    if (!chunks.every(has)) return null;
    return { sha256, chunks };
  }

  /** Notes what this snapshot found for `file` (read or reused). */
  record(file: WalkedFile, content: ReusedContent): void {
    this.next.push([file.path, file.size, file.mtimeMs, file.ino, file.ctimeMs, content.sha256, content.chunks]);
  }

  /** Replaces the recorded state with this snapshot's; call once the snapshot is durable. */
  async save(): Promise<void> {
    const document: ParentDocument = { format: 'cairn-snapshot-parent', version: 1, source: this.source, startedAt: this.startedAt, files: this.next };
    await writeFileAtomically(this.file, JSON.stringify(document));
  }
}

function isFileTuple(value: unknown): value is FileTuple {
  return (
    Array.isArray(value) &&
    value.length === 7 &&
    typeof value[0] === 'string' &&
    value.slice(1, 5).every((n) => typeof n === 'number') &&
    typeof value[5] === 'string' &&
    Array.isArray(value[6]) &&
    (value[6] as unknown[]).every((id) => typeof id === 'string')
  );
}
