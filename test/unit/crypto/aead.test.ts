import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { open, openAsync, seal, sealInto, sealOverhead } from '../../../src-main/engine/crypto/aead';
import { AuthenticationError, CryptoInputError } from '../../../src-main/engine/crypto/errors';

const key = randomBytes(32);

function expectAuthFailure(run: () => unknown): void {
  let error: unknown;
  try {
    run();
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(AuthenticationError);
  expect((error as AuthenticationError).code).toBe('CORRUPT');
}

describe('seal / open', () => {
  it('round-trips any length, with and without aad', () => {
    for (const length of [0, 1, 4095, 4096, 100_000]) {
      const plain = randomBytes(length);
      const sealed = seal(key, plain);
      expect(sealed.length).toBe(length + sealOverhead);
      expect(open(key, sealed).equals(plain)).toBe(true);
      const aad = Buffer.from('pack 1234');
      expect(open(key, seal(key, plain, aad), aad).equals(plain)).toBe(true);
    }
  });

  it('uses a fresh nonce every time', () => {
    const plain = Buffer.from('same text');
    const nonces = new Set(Array.from({ length: 2000 }, () => seal(key, plain).subarray(0, 12).toString('hex')));
    expect(nonces.size).toBe(2000);
  });

  it('refuses a wrong key, a flipped bit, a wrong aad and short input', () => {
    const plain = randomBytes(1000);
    const sealed = seal(key, plain, Buffer.from('a'));
    expectAuthFailure(() => open(randomBytes(32), sealed, Buffer.from('a')));
    expectAuthFailure(() => open(key, sealed, Buffer.from('b')));
    expectAuthFailure(() => open(key, sealed));
    for (const at of [0, 11, 12, 500, sealed.length - 1]) {
      const damaged = Buffer.from(sealed);
      damaged[at]! ^= 1;
      expectAuthFailure(() => open(key, damaged, Buffer.from('a')));
    }
    expectAuthFailure(() => open(key, sealed.subarray(0, 27)));
    expectAuthFailure(() => open(key, sealed.subarray(0, sealed.length - 1), Buffer.from('a')));
  });

  it('names what failed', () => {
    expect(() => open(key, Buffer.alloc(40), undefined, 'Pack packs/ab/abcd')).toThrow(/^Pack packs\/ab\/abcd failed authentication/);
  });

  it('insists on a 32-byte key', () => {
    expect(() => seal(randomBytes(16), Buffer.from('x'))).toThrow(CryptoInputError);
    expect(() => open(randomBytes(31), Buffer.alloc(40))).toThrow(/encryption key must be 32 bytes/);
  });

  it('seals into a given buffer, and refuses one too small', () => {
    const plain = randomBytes(5000);
    const target = Buffer.alloc(plain.length + sealOverhead + 10, 0xee);
    expect(sealInto(key, plain, target)).toBe(plain.length + sealOverhead);
    expect(open(key, target.subarray(0, plain.length + sealOverhead)).equals(plain)).toBe(true);
    expect(target.subarray(plain.length + sealOverhead).every((byte) => byte === 0xee)).toBe(true);
    expect(() => sealInto(key, plain, Buffer.alloc(plain.length + sealOverhead - 1))).toThrow(RangeError);
  });

  it('opens on the thread pool exactly as open() does, refusing the same damage', async () => {
    for (const length of [0, 1, 100_000]) {
      const plain = randomBytes(length);
      expect((await openAsync(key, seal(key, plain))).equals(plain)).toBe(true);
      const aad = Buffer.from('pack 1234');
      expect((await openAsync(key, seal(key, plain, aad), aad)).equals(plain)).toBe(true);
    }
    const sealed = seal(key, randomBytes(1000), Buffer.from('a'));
    const damaged = Buffer.from(sealed);
    damaged[500]! ^= 1;
    const attempts = [
      () => openAsync(randomBytes(32), sealed, Buffer.from('a')),
      () => openAsync(key, sealed, Buffer.from('b')),
      () => openAsync(key, damaged, Buffer.from('a')),
      () => openAsync(key, sealed.subarray(0, 27)),
    ];
    for (const attempt of attempts) await expect(attempt()).rejects.toMatchObject({ code: 'CORRUPT' });
    await expect(openAsync(key, Buffer.alloc(40), undefined, 'Blob x')).rejects.toThrow(/^Blob x failed authentication/);
  });
});
