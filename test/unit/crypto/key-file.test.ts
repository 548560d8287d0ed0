import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CryptoInputError, KeyFileError, WrongPassphraseError } from '../../../src-main/engine/crypto/errors';
import { createKeyFile, parseKeyFile, unwrapKeyFile, type ScryptParams } from '../../../src-main/engine/crypto/key-file';

// Cheap parameters keep the tests fast; the default (N=2^17) is measured in bench/micro/scrypt.ts.
const fast: ScryptParams = { N: 2 ** 10, r: 8, p: 1 };
const master = randomBytes(64);

describe('key files', () => {
  it('wrap a master key that the same passphrase unwraps', async () => {
    const file = await createKeyFile(master, 'correct horse battery staple', fast);
    expect(file).toMatchObject({ version: 1, kdf: 'scrypt', N: 1024, r: 8, p: 1 });
    expect(Buffer.from(file.salt, 'base64')).toHaveLength(32);
    expect(Date.parse(file.created)).not.toBeNaN();
    expect(file.host.length).toBeGreaterThan(0);
    expect(JSON.stringify(file)).not.toContain(master.toString('base64'));
    expect((await unwrapKeyFile(file, 'correct horse battery staple')).equals(master)).toBe(true);
  });

  it('use a fresh salt every time', async () => {
    const a = await createKeyFile(master, 'pw', fast);
    const b = await createKeyFile(master, 'pw', fast);
    expect(a.salt).not.toBe(b.salt);
    expect(a.wrapped).not.toBe(b.wrapped);
  });

  it('refuse a wrong passphrase with WRONG_PASSPHRASE and a hint', async () => {
    const file = await createKeyFile(master, 'right', fast);
    const error = await unwrapKeyFile(file, 'wrong').catch((err: unknown) => err);
    expect(error).toBeInstanceOf(WrongPassphraseError);
    expect(error).toMatchObject({ code: 'WRONG_PASSPHRASE', message: 'The passphrase does not unlock this repository.' });
    expect((error as WrongPassphraseError).hint).toMatch(/CAIRN_PASSWORD\b.*CAIRN_PASSWORD_FILE/);
  });

  it('survive JSON and refuse damage', async () => {
    const file = await createKeyFile(master, 'pw', fast);
    const parsed = parseKeyFile(JSON.stringify(file), 'keys/abc');
    expect((await unwrapKeyFile(parsed, 'pw')).equals(master)).toBe(true);
    const tampered = { ...file, wrapped: Buffer.from(randomBytes(92)).toString('base64') };
    await expect(unwrapKeyFile(tampered, 'pw')).rejects.toBeInstanceOf(WrongPassphraseError);
  });

  it('refuse an empty passphrase and absurd parameters when creating', async () => {
    await expect(createKeyFile(master, '', fast)).rejects.toBeInstanceOf(CryptoInputError);
    await expect(createKeyFile(master, 'pw', { N: 1000, r: 8, p: 1 })).rejects.toThrow(/scrypt parameters/);
    await expect(createKeyFile(master, 'pw', { N: 2 ** 24, r: 8, p: 1 })).rejects.toThrow(/scrypt parameters/);
    await expect(createKeyFile(randomBytes(32), 'pw', fast)).rejects.toThrow(/master key must be 64 bytes/);
  });
});

describe('parseKeyFile', () => {
  const valid = { version: 1, kdf: 'scrypt', N: 1024, r: 8, p: 1, salt: 'AAAA', wrapped: 'AAAA', created: '2026-01-01T00:00:00Z', host: 'h' };

  function parseError(json: string): KeyFileError {
    try {
      parseKeyFile(json, 'keys/0123');
    } catch (err) {
      return err as KeyFileError;
    }
    throw new Error('expected parseKeyFile to throw');
  }

  it('accepts a well-formed key file', () => {
    expect(parseKeyFile(JSON.stringify(valid), 'keys/0123')).toEqual(valid);
    expect(parseKeyFile(Buffer.from(JSON.stringify(valid)), 'keys/0123')).toEqual(valid);
  });

  it('names the key file and the problem when malformed (CORRUPT)', () => {
    const notJson = parseError('{nope');
    expect(notJson).toBeInstanceOf(KeyFileError);
    expect(notJson.code).toBe('CORRUPT');
    expect(notJson.message).toBe('The key file "keys/0123" is unreadable: it is not JSON.');

    const missing = parseError(JSON.stringify({ ...valid, salt: undefined }));
    expect(missing.message).toMatch(/keys\/0123.*salt/);
    expect(parseError(JSON.stringify({ ...valid, version: 2 })).message).toMatch(/version/);
    expect(parseError(JSON.stringify({ ...valid, N: 1000 })).message).toMatch(/N must be a power of two/);
    expect(parseError(JSON.stringify({ ...valid, N: 2 ** 30 })).message).toMatch(/N/);
    expect(parseError(JSON.stringify({ ...valid, wrapped: 'not base64!' })).message).toMatch(/wrapped must be base64/);
  });
});
