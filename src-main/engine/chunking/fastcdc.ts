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
   * Returns 0 when the answer could depend on bytes not given yet: fewer than `maxSize` bytes
   * available and not `eof` (so a streaming caller never scans the same bytes twice), or no
   * bytes at all. At `eof` the remaining bytes always end a chunk.
   */
  cut(buf: Uint8Array, start: number, end: number, eof: boolean): number {
    const available = end - start;
    if (available <= 0) return 0;
    if (available < this.maxSize && !eof) return 0;
    if (available <= this.minSize) return available;

    const gear = this.gear;
    const limit = start + (available < this.maxSize ? available : this.maxSize);
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
    return limit - start;
  }
}
