import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Cipher, PackedBlob } from '../../../src-main/engine/repo/blob';
import { decodeIndexSegment, encodeIndexSegment, indexKey, parseIndexKey } from '../../../src-main/engine/repo/index-format';
import { decodeTrailer, encodeTrailer, packFooterSize, parseFooter } from '../../../src-main/engine/repo/pack-format';

const id = (n: number) => crypto.createHash('sha256').update(String(n)).digest('hex');

/** A real AES-256-GCM cipher for format tests (the repository builds the same from its keys). */
function testCipher(): Cipher {
  const key = crypto.randomBytes(32);
  return {
    seal(plain, aad) {
      const nonce = crypto.randomBytes(12);
      const c = crypto.createCipheriv('aes-256-gcm', key, nonce).setAAD(aad);
      return Buffer.concat([nonce, c.update(plain), c.final(), c.getAuthTag()]);
    },
    open(sealed, aad, what) {
      const d = crypto.createDecipheriv('aes-256-gcm', key, sealed.subarray(0, 12)).setAAD(aad);
      d.setAuthTag(sealed.subarray(sealed.length - 16));
      try {
        return Buffer.concat([d.update(sealed.subarray(12, sealed.length - 16)), d.final()]);
      } catch {
        throw new Error(`${what} fails authentication`);
      }
    },
    openAsync(sealed, aad, what) {
      return Promise.resolve().then(() => this.open(sealed, aad, what));
    },
  };
}

const blobs: PackedBlob[] = [
  { id: id(1), type: 'chunk', offset: 0, storedLength: 100, plainLength: 200, compressed: true },
  { id: id(2), type: 'tree', offset: 100, storedLength: 50, plainLength: 50, compressed: false },
];

describe.each([
  ['plain', null],
  ['encrypted', testCipher()],
])('pack trailer (%s)', (_name, cipher) => {
  it('round-trips through the footer', () => {
    const trailer = encodeTrailer(blobs, cipher);
    const packSize = 150 + trailer.length;
    const footer = trailer.subarray(trailer.length - packFooterSize);
    const trailerLength = parseFooter(footer, 'p', packSize);
    expect(trailerLength).toBe(trailer.length - packFooterSize);
    expect(decodeTrailer(trailer.subarray(0, trailerLength), 'p', cipher, 150)).toEqual(blobs);
  });

  it('refuses blobs that point outside the data', () => {
    const trailer = encodeTrailer(blobs, cipher);
    expect(() => decodeTrailer(trailer.subarray(0, trailer.length - packFooterSize), 'p', cipher, 120)).toThrow(/outside the pack data/);
  });
});

describe('pack footer', () => {
  it('refuses a truncated or foreign file', () => {
    expect(() => parseFooter(Buffer.alloc(packFooterSize), 'p', 100)).toThrow(/footer is missing or wrong/);
  });
});

describe.each([
  ['plain', null],
  ['encrypted', testCipher()],
])('index segment (%s)', (_name, cipher) => {
  const key = indexKey('0'.repeat(32), 7);
  const entries = new Map([[id(9), blobs]]);

  it('round-trips', () => {
    expect(decodeIndexSegment(key, encodeIndexSegment(key, entries, cipher), cipher)).toEqual(entries);
  });

  it('refuses truncation', () => {
    const bytes = encodeIndexSegment(key, entries, cipher);
    expect(() => decodeIndexSegment(key, bytes.subarray(0, bytes.length - 3), cipher)).toThrow();
  });

  it('keys sort by sequence and parse back', () => {
    expect(parseIndexKey(key)).toEqual({ deviceId: '0'.repeat(32), seq: 7 });
    expect(indexKey('a'.repeat(32), 10) > indexKey('a'.repeat(32), 9)).toBe(true);
  });
});

describe('encrypted index segment', () => {
  it('cannot be moved to another key', () => {
    const cipher = testCipher();
    const entries = new Map([[id(9), blobs]]);
    const bytes = encodeIndexSegment(indexKey('0'.repeat(32), 1), entries, cipher);
    expect(() => decodeIndexSegment(indexKey('0'.repeat(32), 2), bytes, cipher)).toThrow(/fails authentication/);
  });
});
