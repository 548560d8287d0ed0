/**
 * Where a large file's chunks go once cut: the sealer thread (SealerSink) or this thread
 * (LocalSink). Chunks are named by their place in the read blocks, whose bytes must stay
 * untouched until `released(block)` resolves.
 */
export interface ChunkSink {
  /** The next chunk of the file, at `[offset, offset+length)` of read block `block`. */
  add(block: number, offset: number, length: number): Promise<void> | void;
  /** No more chunks come from this block (until it is read into again). */
  endBlock(block: number): void;
  /** The main thread's "stored already?" answers (when the sink asked). */
  answer(answers: { index: number; known: boolean }[]): void;
  /** Resolves once the block may be overwritten. */
  released(block: number): Promise<void>;
  /** Resolves once every chunk is posted; rejects if encoding failed. */
  finish(): Promise<void>;
  /** Stops (the file failed) and resolves once no block is in use any more. */
  abandon(): Promise<void>;
  /** Chunk ids in order (complete after finish()). */
  readonly ids: string[];
  /** Chunks the main thread already had (not posted). */
  readonly knownCount: number;
}
