import { hkdfSync, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CryptoInputError } from '../../../src-main/engine/crypto/errors';
import { deriveRepoKeys, plainRepoKeys } from '../../../src-main/engine/crypto/repo-keys';

describe('deriveRepoKeys', () => {
  const master = randomBytes(64);

  it('derives five distinct 32-byte keys with HKDF-SHA-256 and fixed info strings', () => {
    const keys = deriveRepoKeys(master);
    const expected = (info: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), info, 32));
    expect(keys.blobKey).toEqual(expected('cairn blob encryption v1'));
    expect(keys.chunkIdKey).toEqual(expected('cairn chunk id v1'));
    expect(keys.manifestMacKey).toEqual(expected('cairn manifest mac v1'));
    expect(keys.manifestKey).toEqual(expected('cairn manifest encryption v1'));
    expect(keys.chunkerSeed).toEqual(expected('cairn chunker seed v1'));
    const all = [keys.blobKey, keys.chunkIdKey, keys.manifestMacKey, keys.manifestKey, keys.chunkerSeed].map((key) => key!.toString('hex'));
    expect(new Set(all).size).toBe(5);
  });

  it('is deterministic and depends on the master key', () => {
    expect(deriveRepoKeys(master)).toEqual(deriveRepoKeys(Buffer.from(master)));
    expect(deriveRepoKeys(randomBytes(64)).blobKey).not.toEqual(deriveRepoKeys(master).blobKey);
  });

  it('refuses a master key of the wrong length', () => {
    expect(() => deriveRepoKeys(randomBytes(32))).toThrow(CryptoInputError);
    expect(() => deriveRepoKeys(randomBytes(32))).toThrow(/master key must be 64 bytes, got 32 bytes/);
  });
});

describe('plainRepoKeys', () => {
  it('has no encryption keys', () => {
    const macKey = randomBytes(32);
    const chunkerSeed = randomBytes(32);
    expect(plainRepoKeys({ macKey, chunkerSeed })).toEqual({ blobKey: null, chunkIdKey: null, manifestMacKey: macKey, manifestKey: null, chunkerSeed });
  });

  it('checks the secrets it is given', () => {
    expect(() => plainRepoKeys({ macKey: randomBytes(31), chunkerSeed: randomBytes(32) })).toThrow(/manifest MAC key must be 32 bytes/);
    expect(() => plainRepoKeys({ macKey: randomBytes(32), chunkerSeed: randomBytes(8) })).toThrow(/chunker seed must be 32 bytes/);
  });
});
