import { createHash, createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chunkId, chunkIdFromDigest } from '../../../src-main/engine/hashing/chunk-id';
import { hashFile } from '../../../src-main/engine/hashing/file-hasher';
import { hmacSha256Hex, sha256Hex } from '../../../src-main/engine/hashing/sha256';

const dir = mkdtempSync(join(tmpdir(), 'cairn-hashing-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sha256 and hmac', () => {
  it('match the published test vectors', () => {
    expect(sha256Hex(Buffer.from('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    // RFC 4231, test case 2.
    expect(hmacSha256Hex(Buffer.from('Jefe'), Buffer.from('what do ya want for nothing?'))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });
});

describe('chunk ids', () => {
  const plain = randomBytes(5000);
  const key = randomBytes(32);

  it('are the plain SHA-256 without a key', () => {
    expect(chunkId(null, plain)).toBe(createHash('sha256').update(plain).digest('hex'));
  });

  it('are HMAC-SHA-256 of the SHA-256 digest under the chunk id key', () => {
    const digest = createHash('sha256').update(plain).digest();
    expect(chunkId(key, plain)).toBe(createHmac('sha256', key).update(digest).digest('hex'));
    expect(chunkIdFromDigest(key, digest)).toBe(chunkId(key, plain));
    expect(chunkId(randomBytes(32), plain)).not.toBe(chunkId(key, plain));
  });
});

describe('hashFile', () => {
  it('streams a file larger than its read buffer', async () => {
    const data = randomBytes(9 * 1024 * 1024 + 17);
    const path = join(dir, 'big.bin');
    writeFileSync(path, data);
    expect(await hashFile(path)).toEqual({ sha256: createHash('sha256').update(data).digest('hex'), size: data.length });
  });

  it('hashes an empty file', async () => {
    const path = join(dir, 'empty');
    writeFileSync(path, '');
    expect((await hashFile(path)).sha256).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('passes on the fs error for a missing file', async () => {
    await expect(hashFile(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('stops when aborted', async () => {
    const path = join(dir, 'abort.bin');
    writeFileSync(path, randomBytes(1024));
    await expect(hashFile(path, { signal: AbortSignal.abort() })).rejects.toThrow();
  });
});
