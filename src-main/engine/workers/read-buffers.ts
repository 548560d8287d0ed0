/**
 * The read buffers of one worker: a ring of blocks, each `lead + blockSize` bytes of shared
 * memory, so the sealer thread can read chunks in place (no copy). A block is read into
 * `[lead, lead+blockSize)` while earlier blocks are chunked and sealed; the unfinished tail of
 * a block (always < maxSize <= lead) is copied just before the next block's data, so a chunk is
 * always contiguous and nothing else ever moves.
 */
export class ReadBuffers {
  /** Three blocks: one being read, one being chunked, one being sealed. */
  static readonly ringSize = 3;
  readonly lead: number;
  readonly blockSize: number;
  readonly shared: SharedArrayBuffer[];
  readonly blocks: Buffer[];

  /** Bytes of one block (lead + data): the most a block's chunks can span. */
  static blockBytes(maxChunkSize: number, blockSize: number): number {
    return maxChunkSize + Math.max(blockSize, maxChunkSize);
  }

  constructor(maxChunkSize: number, blockSize: number) {
    this.lead = maxChunkSize;
    this.blockSize = ReadBuffers.blockBytes(maxChunkSize, blockSize) - maxChunkSize;
    this.shared = Array.from({ length: ReadBuffers.ringSize }, () => new SharedArrayBuffer(this.lead + this.blockSize));
    this.blocks = this.shared.map((memory) => Buffer.from(memory));
  }
}
