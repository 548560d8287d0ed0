/**
 * Restoring one file on a pool worker (restore-file.ts): the main thread reads the file's
 * chunks from packs in runs and hands each run's stored bytes to the worker, which opens,
 * decompresses, hashes and writes them. The main thread keeps only a few runs ahead.
 */

/** A chunk inside a run's stored bytes, as the repository index describes it. */
export interface RestoreChunk {
  /** Offset of the chunk's stored bytes within the run. */
  start: number;
  storedLength: number;
  plainLength: number;
  compressed: boolean;
  /** Names the chunk at the start of an error message ("Blob … in pack …"). */
  label: string;
}

export interface RestoreFileTask {
  type: 'restore';
  /** The temporary file to create (exclusively) and fill; the caller renames or removes it. */
  temp: string;
  /** Chunks per run, in file order. */
  runs: RestoreChunk[][];
}

/** Main -> worker: the stored bytes of run `index` (runs arrive in order). */
export interface RestoreRunMessage {
  type: 'run';
  index: number;
  bytes: Uint8Array;
}

/** Worker -> main: run `index` is on disk; `bytes` plain bytes were written. */
export interface RestoreWrittenEvent {
  type: 'written';
  index: number;
  bytes: number;
}

/** What the worker wrote: the caller compares it with the tree entry. */
export interface RestoreFileResult {
  size: number;
  sha256: string;
}
