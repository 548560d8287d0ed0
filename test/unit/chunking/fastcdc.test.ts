import { createCipheriv, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Chunker } from '../../../src-main/engine/chunking/fastcdc';
import { ChunkerSeedError, gearTableFromSeed } from '../../../src-main/engine/chunking/gear';
import { ChunkerParamsError, defaultChunkerParams, type ChunkerParams } from '../../../src-main/engine/chunking/params';

const small: ChunkerParams = { minSize: 2 * 1024, avgSize: 8 * 1024, maxSize: 64 * 1024 };
const seedA = Buffer.alloc(32, 1);
const seedB = Buffer.alloc(32, 2);

/** Deterministic pseudo-random bytes (AES-CTR keystream). */
function randomData(length: number, tag = 0): Buffer {
  return createCipheriv('aes-256-ctr', Buffer.alloc(32, tag), Buffer.alloc(16)).update(Buffer.alloc(length));
}

function cutAll(chunker: Chunker, data: Uint8Array): number[] {
  const lengths: number[] = [];
  for (let start = 0; start < data.length; ) {
    const length = chunker.cut(data, start, data.length, true);
    expect(length).toBeGreaterThan(0);
    lengths.push(length);
    start += length;
  }
  return lengths;
}

/** Cuts as a reader would: arbitrary read sizes, a buffer that is compacted and refilled. */
function cutStreaming(chunker: Chunker, data: Uint8Array, readSizes: () => number): number[] {
  const buffer = new Uint8Array(chunker.maxSize * 3);
  const lengths: number[] = [];
  let filled = 0;
  let start = 0;
  let offset = 0;
  for (;;) {
    const eof = offset >= data.length;
    const length = chunker.cut(buffer, start, filled, eof);
    if (length > 0) {
      lengths.push(length);
      start += length;
      continue;
    }
    if (eof) return lengths;
    buffer.copyWithin(0, start, filled);
    filled -= start;
    start = 0;
    const take = Math.min(readSizes(), data.length - offset, buffer.length - filled);
    buffer.set(data.subarray(offset, offset + take), filled);
    filled += take;
    offset += take;
  }
}

function chunkDigests(data: Uint8Array, lengths: number[]): string[] {
  const digests: string[] = [];
  let at = 0;
  for (const length of lengths) {
    digests.push(createHash('sha256').update(data.subarray(at, at + length)).digest('hex'));
    at += length;
  }
  return digests;
}

describe('chunker parameters', () => {
  it('accepts the defaults and small test values', () => {
    expect(() => new Chunker(defaultChunkerParams, seedA)).not.toThrow();
    expect(() => new Chunker(small, seedA)).not.toThrow();
  });

  it.each([
    [{ minSize: 8192, avgSize: 8192, maxSize: 65536 }, 'minSize must be smaller than avgSize'],
    [{ minSize: 2048, avgSize: 65537, maxSize: 65536 }, 'avgSize must not exceed maxSize'],
    [{ minSize: 16, avgSize: 8192, maxSize: 65536 }, 'minSize must be at least 64'],
    [{ minSize: 2048.5, avgSize: 8192, maxSize: 65536 }, 'minSize must be an integer'],
    [{ minSize: 2048, avgSize: 8192, maxSize: 2 ** 30 }, 'maxSize must not exceed'],
  ])('refuses %j with a clear INVALID_INPUT error', (params, problem) => {
    let error: unknown;
    try {
      new Chunker(params, seedA);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ChunkerParamsError);
    expect((error as ChunkerParamsError).code).toBe('INVALID_INPUT');
    expect((error as ChunkerParamsError).message).toContain(problem);
    expect((error as ChunkerParamsError).hint).toMatch(/minSize < avgSize <= maxSize/);
  });

  it('needs a 32-byte seed', () => {
    expect(() => new Chunker(small, Buffer.alloc(16))).toThrow(ChunkerSeedError);
  });
});

describe('gear table', () => {
  it('is SHA-256 in counter mode over the seed', () => {
    const table = gearTableFromSeed(seedA);
    const block0 = createHash('sha256').update(seedA).update(Buffer.from([0, 0, 0, 0])).digest();
    const block31 = createHash('sha256').update(seedA).update(Buffer.from([0, 0, 0, 31])).digest();
    expect(table[0]).toBe(block0.readInt32BE(0));
    expect(table[7]).toBe(block0.readInt32BE(28));
    expect(table[255]).toBe(block31.readInt32BE(28));
  });
});

describe('FastCDC cuts', () => {
  const data = randomData(20 * 1024 * 1024);

  it('is deterministic', () => {
    expect(cutAll(new Chunker(small, seedA), data)).toEqual(cutAll(new Chunker(small, seedA), data));
  });

  it('keeps every chunk within the bounds and near the average', () => {
    for (const params of [small, defaultChunkerParams]) {
      const lengths = cutAll(new Chunker(params, seedA), data);
      expect(lengths.reduce((a, b) => a + b, 0)).toBe(data.length);
      for (const length of lengths.slice(0, -1)) {
        expect(length).toBeGreaterThanOrEqual(params.minSize);
        expect(length).toBeLessThanOrEqual(params.maxSize);
      }
      expect(lengths.at(-1)!).toBeLessThanOrEqual(params.maxSize);
      const average = data.length / lengths.length;
      expect(average).toBeGreaterThan(params.avgSize * 0.7);
      expect(average).toBeLessThan(params.avgSize * 1.6);
    }
  });

  it('resists shifts: an insertion only changes the chunks around it', () => {
    const chunker = new Chunker(small, seedA);
    const middle = data.length / 2;
    const edited = Buffer.concat([data.subarray(0, middle), Buffer.from('an insertion of some bytes'), data.subarray(middle)]);
    const before = chunkDigests(data, cutAll(chunker, data));
    const after = chunkDigests(edited, cutAll(chunker, edited));
    const known = new Set(before);
    const changed = after.filter((digest) => !known.has(digest)).length;
    expect(changed).toBeGreaterThanOrEqual(1);
    expect(changed).toBeLessThanOrEqual(3);
    // Everything after the edit is found again.
    expect(after.slice(-before.length / 2 + 3).every((digest) => known.has(digest))).toBe(true);
  });

  it('cuts elsewhere under another seed', () => {
    const a = cutAll(new Chunker(small, seedA), data);
    const b = cutAll(new Chunker(small, seedB), data);
    const boundaries = (lengths: number[]) => {
      let at = 0;
      return new Set(lengths.map((length) => (at += length)));
    };
    const shared = [...boundaries(a)].filter((boundary) => boundaries(b).has(boundary)).length;
    expect(shared).toBeLessThan(a.length / 10);
  });

  it('gives the same cuts when streamed in arbitrary read sizes', () => {
    const chunker = new Chunker(small, seedA);
    const part = data.subarray(0, 4 * 1024 * 1024);
    const whole = cutAll(chunker, part);
    let state = 7;
    const irregular = () => {
      state = (state * 1103515245 + 12345) % 2 ** 31;
      return 1 + (state % 100_000);
    };
    expect(cutStreaming(chunker, part, irregular)).toEqual(whole);
    expect(cutStreaming(chunker, part, () => 1)).toEqual(whole);
    expect(cutStreaming(chunker, part, () => 1 << 20)).toEqual(whole);
  });

  it('asks for more data only when the given bytes hold no cut point', () => {
    const chunker = new Chunker(small, seedA);
    const full = chunker.cut(data, 0, data.length, true);
    expect(full).toBeGreaterThanOrEqual(small.minSize);
    // A prefix that holds the cut point gives the same cut as all the data; a shorter one asks.
    expect(chunker.cut(data, 0, full, false)).toBe(full);
    expect(chunker.cut(data, 0, full - 1, false)).toBe(0);
    expect(chunker.cut(data, 0, small.minSize, false)).toBe(0);
    expect(chunker.cut(data, 0, small.maxSize, false)).toBe(full);
    expect(chunker.cut(data, 0, 0, true)).toBe(0);
    expect(chunker.cut(data, 100, 100 + small.minSize, true)).toBe(small.minSize);
  });

  it('cuts repetitive data into equal chunks within the bounds', () => {
    const zeros = new Uint8Array(1024 * 1024);
    const lengths = cutAll(new Chunker(small, seedA), zeros);
    expect(new Set(lengths.slice(0, -1)).size).toBe(1);
    expect(lengths[0]).toBeGreaterThanOrEqual(small.minSize);
    expect(lengths[0]).toBeLessThanOrEqual(small.maxSize);
    expect(lengths.reduce((a, b) => a + b, 0)).toBe(zeros.length);
  });
});
