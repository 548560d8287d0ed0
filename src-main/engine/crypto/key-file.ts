import { randomBytes, scrypt as scryptCallback, type ScryptOptions } from 'node:crypto';
import { hostname } from 'node:os';
import { z } from 'zod';
import { open, seal } from './aead';
import { AuthenticationError, CryptoInputError, KeyFileError, WrongPassphraseError, requireKeyLength } from './errors';
import { masterKeyLength } from './repo-keys';

export interface ScryptParams {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

/** ~0.4 s and 128 MiB here: slow for guessing, quick enough to unlock at every start. */
export const defaultScryptParams: Readonly<ScryptParams> = Object.freeze({ N: 2 ** 17, r: 8, p: 1 });

// Bounds that keep a hostile key file from making unlock take minutes or gigabytes.
const maxN = 2 ** 20;
const maxR = 32;
const maxP = 16;
const maxMemory = 1024 * 1024 * 1024;
const saltLength = 32;
/** Binds the wrapped key to its purpose: a sealed blob cannot pose as a key file. */
const wrapAad = Buffer.from('cairn key file v1');

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64');

export const keyFileSchema = z.object({
  version: z.literal(1),
  kdf: z.literal('scrypt'),
  N: z.number().int().min(2).max(maxN).refine((n) => (n & (n - 1)) === 0, 'must be a power of two'),
  r: z.number().int().min(1).max(maxR),
  p: z.number().int().min(1).max(maxP),
  salt: base64,
  wrapped: base64,
  created: z.string(),
  host: z.string(),
});

/** A master key wrapped under a passphrase, stored as JSON at `keys/<id>`. */
export type KeyFile = z.infer<typeof keyFileSchema>;

function scryptMemory({ N, r, p }: ScryptParams): number {
  return 128 * N * r * p;
}

function checkParams(params: ScryptParams): void {
  const { N, r, p } = params;
  const ok =
    Number.isInteger(N) && N >= 2 && N <= maxN && (N & (N - 1)) === 0 &&
    Number.isInteger(r) && r >= 1 && r <= maxR &&
    Number.isInteger(p) && p >= 1 && p <= maxP &&
    scryptMemory(params) <= maxMemory;
  if (!ok) {
    throw new CryptoInputError(
      `scrypt parameters ${JSON.stringify(params)} are out of range`,
      `Use N a power of two up to 2^20, r up to ${maxR}, p up to ${maxP}, and 128*N*r*p within 1 GiB; the default is N=2^17, r=8, p=1.`,
    );
  }
}

/** scrypt on the libuv thread pool, so a 0.4 s derivation never blocks an event loop. */
function deriveWrappingKey(passphrase: string | Uint8Array, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  // Node refuses unless maxmem exceeds the working set (128*N*r*p); give it headroom.
  const options: ScryptOptions = { N: params.N, r: params.r, p: params.p, maxmem: 2 * scryptMemory(params) + 16 * 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scryptCallback(passphrase, salt, 32, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Wraps a 64-byte master key under a passphrase (scrypt, then AES-256-GCM). */
export async function createKeyFile(master: Buffer, passphrase: string | Uint8Array, params: ScryptParams = defaultScryptParams): Promise<KeyFile> {
  requireKeyLength('master key', master, masterKeyLength);
  if (passphrase.length === 0) {
    throw new CryptoInputError('the passphrase is empty', 'Choose a passphrase (a few words is best); an unencrypted repository needs none.');
  }
  checkParams(params);
  const salt = randomBytes(saltLength);
  const wrappingKey = await deriveWrappingKey(passphrase, salt, params);
  return {
    version: 1,
    kdf: 'scrypt',
    N: params.N,
    r: params.r,
    p: params.p,
    salt: salt.toString('base64'),
    wrapped: seal(wrappingKey, master, wrapAad).toString('base64'),
    created: new Date().toISOString(),
    host: hostname(),
  };
}

/**
 * The master key inside a key file, or WrongPassphraseError when the passphrase does not open
 * it. `name` (e.g. `keys/<id>`) names the file in errors.
 */
export async function unwrapKeyFile(file: KeyFile, passphrase: string | Uint8Array, name = 'in use'): Promise<Buffer> {
  checkParams(file);
  const wrappingKey = await deriveWrappingKey(passphrase, Buffer.from(file.salt, 'base64'), file);
  let master: Buffer;
  try {
    master = open(wrappingKey, Buffer.from(file.wrapped, 'base64'), wrapAad);
  } catch (err) {
    // A key file is authenticated only by the passphrase: a wrong passphrase and a damaged
    // file look the same, and the passphrase is by far the likelier cause.
    if (err instanceof AuthenticationError) throw new WrongPassphraseError();
    throw err;
  }
  if (master.length !== masterKeyLength) {
    throw new KeyFileError(name, `it holds a ${master.length}-byte key where ${masterKeyLength} bytes were expected`);
  }
  return master;
}

/** Parses and validates a key file's JSON text; KeyFileError (CORRUPT) naming `name` if malformed. */
export function parseKeyFile(json: string | Uint8Array, name: string): KeyFile {
  let value: unknown;
  try {
    value = JSON.parse(typeof json === 'string' ? json : Buffer.from(json).toString('utf8'));
  } catch {
    throw new KeyFileError(name, 'it is not JSON');
  }
  const parsed = keyFileSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'} ${issue.message}`);
    throw new KeyFileError(name, problems.join('; '), parsed.error.issues);
  }
  return parsed.data;
}
