import { createCipheriv, createHash } from 'node:crypto';
import zlib from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { looksIncompressible } from '../../../src-main/engine/compression/entropy';
import { CorruptBlobError } from '../../../src-main/engine/compression/errors';
import { compressBlob, decompressBlob, prepareZstd } from '../../../src-main/engine/compression/zstd';
import { zstdCodec } from '../../../src-main/engine/compression/zstd-codec';
import { zstdFrameContentSize } from '../../../src-main/engine/compression/zstd-frame';
import { fixtureFrameStreamed, fixtureFrameWithSize, fixturePlainSha256, fixturePlainText } from './zstd-fixture';

const hasNativeZstd = typeof (zlib as unknown as Record<string, unknown>).zstdCompressSync === 'function';

function randomData(length: number, tag = 0): Buffer {
  return createCipheriv('aes-256-ctr', Buffer.alloc(32, tag), Buffer.alloc(16)).update(Buffer.alloc(length));
}

function text(length: number): Buffer {
  let out = '';
  for (let i = 0; out.length < length; i++) out += `${i} the quick brown fox jumps over the lazy dog ${i % 97}\n`;
  return Buffer.from(out.slice(0, length));
}

function expectCorrupt(run: () => unknown, message: RegExp): void {
  let error: unknown;
  try {
    run();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(CorruptBlobError);
  expect((error as CorruptBlobError).code).toBe('CORRUPT');
  expect((error as CorruptBlobError).message).toMatch(message);
}

beforeAll(async () => {
  await prepareZstd({ forceWasm: true });
  await prepareZstd();
});

describe('compressBlob / decompressBlob', () => {
  it('round-trips compressible data', () => {
    for (const length of [100, 5000, 64 * 1024, 3 * 1024 * 1024 + 5]) {
      const plain = text(length);
      const frame = compressBlob(plain);
      expect(frame).not.toBeNull();
      expect(frame!.length).toBeLessThan(plain.length * 0.97);
      expect(Buffer.from(decompressBlob(frame!, plain.length)).equals(plain)).toBe(true);
    }
  });

  it('returns null for incompressible data, whether small or large', () => {
    for (const length of [10, 1500, 70_000, 2 * 1024 * 1024]) expect(compressBlob(randomData(length))).toBeNull();
  });

  it('skips a blob whose first 64 KiB do not compress', () => {
    const plain = Buffer.concat([randomData(64 * 1024), text(1024 * 1024)]);
    expect(compressBlob(plain)).toBeNull();
  });

  it('accepts only levels zstd knows', () => {
    expect(compressBlob(text(5000), 1)).not.toBeNull();
    expect(compressBlob(text(5000), 19)).not.toBeNull();
    expect(() => compressBlob(text(5000), 0)).toThrow(/level/);
    expect(() => compressBlob(text(5000), 2.5)).toThrow(/level/);
  });

  it('refuses output larger than expected (zip bomb) as CORRUPT', () => {
    const bomb = compressBlob(new Uint8Array(8 * 1024 * 1024))!;
    expect(bomb.length).toBeLessThan(2000);
    expectCorrupt(() => decompressBlob(bomb, 1000), /expected|declares/);
  });

  it('refuses output shorter than expected', () => {
    const plain = text(10_000);
    expectCorrupt(() => decompressBlob(compressBlob(plain)!, plain.length + 1), /expected/);
  });

  it('refuses garbage, truncation and bad lengths as CORRUPT', () => {
    const frame = compressBlob(text(100_000))!;
    expectCorrupt(() => decompressBlob(randomData(500), 100_000), /magic|decode/);
    expectCorrupt(() => decompressBlob(frame.subarray(0, frame.length - 10), 100_000), /decode|expected/);
    expectCorrupt(() => decompressBlob(frame.subarray(0, 3), 100_000), /short|magic|decode/);
    expectCorrupt(() => decompressBlob(frame, -1), /expected length/);
  });
});

describe('the WASM codec', () => {
  const wasm = () => zstdCodec({ forceWasm: true });

  it('round-trips and writes standard frames', () => {
    const plain = text(200_000);
    const frame = wasm().compress(plain, 3);
    expect(zstdFrameContentSize(frame)).toBe(plain.length);
    expect(Buffer.from(wasm().decompress(frame, plain.length)).equals(plain)).toBe(true);
  });

  it('decodes frames written by the zstd command-line encoder', () => {
    const plain = fixturePlainText();
    for (const hex of [fixtureFrameWithSize, fixtureFrameStreamed]) {
      const decoded = wasm().decompress(Buffer.from(hex, 'hex'), plain.length);
      expect(createHash('sha256').update(decoded).digest('hex')).toBe(fixturePlainSha256);
    }
  });

  it('bounds output even when the frame does not declare its size', () => {
    const streamed = Buffer.from(fixtureFrameStreamed, 'hex');
    expect(zstdFrameContentSize(streamed)).toBeNull();
    expectCorrupt(() => wasm().decompress(streamed, 100), /decode|expected/);
  });

  it('refuses a frame that declares another size before decoding it', () => {
    expectCorrupt(() => wasm().decompress(Buffer.from(fixtureFrameWithSize, 'hex'), 50), /declares 9890 bytes/);
  });
});

describe.skipIf(!hasNativeZstd)('the zlib codec (Node >= 22.15, Electron)', () => {
  it('interoperates with the WASM codec and the zstd CLI', () => {
    const native = zstdCodec();
    const plain = text(300_000);
    expect(Buffer.from(zstdCodec({ forceWasm: true }).decompress(native.compress(plain, 3), plain.length)).equals(plain)).toBe(true);
    expect(Buffer.from(native.decompress(zstdCodec({ forceWasm: true }).compress(plain, 3), plain.length)).equals(plain)).toBe(true);
    expect(Buffer.from(native.decompress(Buffer.from(fixtureFrameStreamed, 'hex'), 9890)).equals(fixturePlainText())).toBe(true);
    expectCorrupt(() => native.decompress(native.compress(new Uint8Array(1 << 20), 3), 1000), /more than/);
  });
});

describe('zstd frame header', () => {
  it('reads every size-field width', () => {
    const header = (descriptor: number, ...rest: number[]) => Uint8Array.from([0x28, 0xb5, 0x2f, 0xfd, descriptor, ...rest, 0, 0, 0]);
    expect(zstdFrameContentSize(header(0x20, 200))).toBe(200);
    expect(zstdFrameContentSize(header(0x60, 0x10, 0x00))).toBe(0x10 + 256);
    expect(zstdFrameContentSize(header(0x80, 0x58, 0x70, 0x00, 0x00, 0x00))).toBe(0x70);
    expect(zstdFrameContentSize(header(0xe0, 1, 0, 0, 0, 2, 0, 0, 0))).toBe(1 + 2 * 2 ** 32);
    expect(zstdFrameContentSize(header(0x00, 0x58))).toBeNull();
  });
});

describe('looksIncompressible', () => {
  it('tells random bytes from text and structured data', () => {
    expect(looksIncompressible(randomData(1500))).toBe(true);
    expect(looksIncompressible(randomData(1024 * 1024))).toBe(true);
    expect(looksIncompressible(text(1500))).toBe(false);
    expect(looksIncompressible(new Uint8Array(4096))).toBe(false);
    // A compressible stretch in the middle of random data is noticed by the spread sample.
    const mixed = Buffer.concat([randomData(30_000), new Uint8Array(10_000), randomData(24_000)]);
    expect(looksIncompressible(mixed)).toBe(false);
  });

  it('does not judge tiny inputs', () => {
    expect(looksIncompressible(randomData(500))).toBe(false);
  });
});
