import { gearTableFromSeed } from './gear';
import { validateChunkerParams, type ChunkerParams } from './params';

/** A mask of the `bits` highest bits: the gear hash's high bits see the longest byte window. */
function highBitsMask(bits: number): number {
  const clamped = Math.min(31, Math.max(1, bits));
  return (-1 << (32 - clamped)) | 0;
}

/**
 * FastCDC with normalized chunking (Xia et al., 2016/2020): a gear rolling hash, no hashing of
 * the first `minSize` bytes of a chunk, a harder mask (more bits) before `avgSize` and an easier
 * one after it, so chunk sizes cluster around the average.
 *
 * Stateless between calls: the caller keeps the bytes and asks where the next chunk ends.
 */
export class Chunker {
  readonly minSize: number;
  readonly avgSize: number;
  readonly maxSize: number;
  private readonly gear: Int32Array;
  private readonly maskHard: number;
  private readonly maskEasy: number;

  constructor(params: ChunkerParams, seed: Uint8Array) {
    const { minSize, avgSize, maxSize } = validateChunkerParams(params);
    this.minSize = minSize;
    this.avgSize = avgSize;
    this.maxSize = maxSize;
    this.gear = gearTableFromSeed(seed);
    const bits = Math.round(Math.log2(avgSize));
    this.maskHard = highBitsMask(bits + 2);
    this.maskEasy = highBitsMask(bits - 2);
  }

  /**
   * The length of the chunk that starts at `start`, looking only at `buf[start..end)`.
   * Returns 0 when the answer could depend on bytes not given yet (not `eof`, and no cut point
   * among the given bytes while fewer than `maxSize` are given), or no bytes at all. A cut
   * point found early is final: the gear hash looks only backwards, so more bytes could not
   * move it. That lets a streaming caller carry only the unfinished tail of a chunk into its
   * next read, not `maxSize` bytes; the tail is scanned again then (a few % of the bytes).
   * At `eof` the remaining bytes always end a chunk.
   */
  cut(buf: Uint8Array, start: number, end: number, eof: boolean): number {
    const available = end - start;
    if (available <= 0) return 0;
    if (available <= this.minSize) return eof ? available : 0;
    const limit = start + (available < this.maxSize ? available : this.maxSize);
    const found = this.scan(buf, start, limit);
    if (found > 0) return found;
    if (available >= this.maxSize) return this.maxSize;
    return eof ? available : 0;
  }

  /** The length up to the first cut point in `buf[start+minSize..limit)`, or 0 if none. */
  private scan(buf: Uint8Array, start: number, limit: number): number {
    const gear = this.gear;
    const normal = Math.min(start + this.avgSize, limit);
    let hash = 0;
    let i = start + this.minSize;

    // Four steps per iteration with the mask tests after them: the hash updates form one
    // dependency chain and the tests branch-predict as not-taken, which measured ~40% faster
    // here than testing after every byte.
    const hard = this.maskHard;
    for (const stop = normal - 3; i < stop; i += 4) {
      const h1 = ((hash << 1) + gear[buf[i]!]!) | 0;
      const h2 = ((h1 << 1) + gear[buf[i + 1]!]!) | 0;
      const h3 = ((h2 << 1) + gear[buf[i + 2]!]!) | 0;
      const h4 = ((h3 << 1) + gear[buf[i + 3]!]!) | 0;
      if ((h1 & hard) === 0) return i + 1 - start;
      if ((h2 & hard) === 0) return i + 2 - start;
      if ((h3 & hard) === 0) return i + 3 - start;
      if ((h4 & hard) === 0) return i + 4 - start;
      hash = h4;
    }
    for (; i < normal; i++) {
      hash = ((hash << 1) + gear[buf[i]!]!) | 0;
      if ((hash & hard) === 0) return i + 1 - start;
    }

    const easy = this.maskEasy;
    for (const stop = limit - 3; i < stop; i += 4) {
      const h1 = ((hash << 1) + gear[buf[i]!]!) | 0;
      const h2 = ((h1 << 1) + gear[buf[i + 1]!]!) | 0;
      const h3 = ((h2 << 1) + gear[buf[i + 2]!]!) | 0;
      const h4 = ((h3 << 1) + gear[buf[i + 3]!]!) | 0;
      if ((h1 & easy) === 0) return i + 1 - start;
      if ((h2 & easy) === 0) return i + 2 - start;
      if ((h3 & easy) === 0) return i + 3 - start;
      if ((h4 & easy) === 0) return i + 4 - start;
      hash = h4;
    }
    for (; i < limit; i++) {
      hash = ((hash << 1) + gear[buf[i]!]!) | 0;
      if ((hash & easy) === 0) return i + 1 - start;
    }
    return 0;
  }
}
