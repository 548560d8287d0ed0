/**
 * A deterministic random source for the benchmark data: AES-128-CTR over zero bytes, keyed from
 * (seed, label). AES-NI makes this run at GB/s, so hundreds of MiB of incompressible bytes cost
 * well under a second, and the same (seed, label) always yields the same stream on any machine.
 *
 * The label splits one seed into independent streams (one per file, one for layout decisions),
 * so a file's bytes do not depend on how many random numbers were drawn before it.
 */
import { createCipheriv, createHash, type Cipher } from 'node:crypto';

const zeroBlock = Buffer.alloc(1 << 20);
const poolBytes = 4096;

export class SeededRandom {
  readonly #cipher: Cipher;
  #pool: Buffer = Buffer.alloc(0);
  #poolOffset = 0;

  constructor(seed: number | string, label: string) {
    const digest = createHash('sha256').update(`cairn-bench\0${seed}\0${label}`).digest();
    this.#cipher = createCipheriv('aes-128-ctr', digest.subarray(0, 16), digest.subarray(16, 32));
  }

  /** `length` fresh random bytes (a new buffer). */
  bytes(length: number): Buffer {
    if (length <= zeroBlock.length) return this.#cipher.update(zeroBlock.subarray(0, length));
    const parts: Buffer[] = [];
    for (let left = length; left > 0; left -= zeroBlock.length) {
      parts.push(this.#cipher.update(zeroBlock.subarray(0, Math.min(left, zeroBlock.length))));
    }
    return Buffer.concat(parts, length);
  }

  /** A uniform 32-bit unsigned integer. */
  uint32(): number {
    if (this.#poolOffset + 4 > this.#pool.length) {
      this.#pool = this.bytes(poolBytes);
      this.#poolOffset = 0;
    }
    const value = this.#pool.readUInt32LE(this.#poolOffset);
    this.#poolOffset += 4;
    return value;
  }

  /** A uniform float in [0, 1) with 53 bits of precision. */
  float(): number {
    const high = this.uint32() >>> 5; // 27 bits
    const low = this.uint32() >>> 6; // 26 bits
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** A uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number {
    if (max < min) throw new RangeError(`int(${min}, ${max}): max is below min`);
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() from an empty list');
    return items[this.int(0, items.length - 1)] as T;
  }

  /** A new array with the items in random order (Fisher–Yates). */
  shuffled<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }
}
