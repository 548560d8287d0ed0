import { createCipheriv, createDecipheriv, randomFillSync, webcrypto, type webcrypto as WebCrypto } from 'node:crypto';
import { AuthenticationError, requireKeyLength } from './errors';

const algorithm = 'aes-256-gcm';
export const nonceLength = 12;
export const tagLength = 16;
/** What sealing adds to the plaintext length. */
export const sealOverhead = nonceLength + tagLength;

/**
 * Random bytes for nonces, drawn from the CSPRNG a few KiB at a time: one randomFillSync per
 * nonce costs more than sealing a small file.
 */
const randomPool = Buffer.alloc(4096);
let randomUsed = randomPool.length;

/** Fills the first 12 bytes of `into` with a fresh random nonce. */
function nextNonce(into: Uint8Array): void {
  if (randomUsed + nonceLength > randomPool.length) {
    randomFillSync(randomPool);
    randomUsed = 0;
  }
  into.set(randomPool.subarray(randomUsed, randomUsed + nonceLength));
  randomUsed += nonceLength;
}

/**
 * AES-256-GCM with a fresh random 96-bit nonce: `nonce || ciphertext || tag`. Random nonces
 * are safe for far more messages under one key than a repository will ever seal (2^32).
 * `aad` is authenticated but not stored; pass the same bytes to open().
 */
export function seal(key: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Buffer {
  const sealed = Buffer.allocUnsafe(sealOverhead + plaintext.length);
  sealInto(key, plaintext, sealed, aad);
  return sealed;
}

/**
 * seal() into `target` (at least `sealOverhead + plaintext.length` bytes, e.g. shared memory
 * the bytes travel in); returns the sealed length.
 */
export function sealInto(key: Uint8Array, plaintext: Uint8Array, target: Uint8Array, aad?: Uint8Array): number {
  requireKeyLength('encryption key', key, 32);
  const length = sealOverhead + plaintext.length;
  if (target.length < length) throw new RangeError(`sealing ${plaintext.length} bytes needs ${length} bytes of room, not ${target.length}`);
  const nonce = target.subarray(0, nonceLength);
  nextNonce(nonce);
  const cipher = createCipheriv(algorithm, key, nonce, { authTagLength: tagLength });
  if (aad) cipher.setAAD(aad);
  // TypedArray#set rather than Buffer#copy: the latter's JS overhead dominates small blobs.
  const body = cipher.update(plaintext);
  target.set(body, nonceLength);
  cipher.final();
  target.set(cipher.getAuthTag(), nonceLength + body.length);
  return length;
}

/**
 * The plaintext of sealed bytes, or AuthenticationError (code CORRUPT) when they are short,
 * damaged, tampered with, or sealed under another key or aad. Never returns unauthenticated
 * bytes.
 */
export function open(key: Uint8Array, sealed: Uint8Array, aad?: Uint8Array, what = 'Sealed data'): Buffer {
  requireKeyLength('encryption key', key, 32);
  if (sealed.length < sealOverhead) {
    throw new AuthenticationError(what, `${sealed.length} bytes is shorter than the ${sealOverhead} bytes of nonce and tag`);
  }
  const decipher = createDecipheriv(algorithm, key, sealed.subarray(0, nonceLength), { authTagLength: tagLength });
  decipher.setAuthTag(sealed.subarray(sealed.length - tagLength));
  if (aad) decipher.setAAD(aad);
  const body = decipher.update(sealed.subarray(nonceLength, sealed.length - tagLength));
  try {
    decipher.final();
  } catch {
    body.fill(0);
    throw new AuthenticationError(what, 'the authentication tag does not match');
  }
  return body;
}

/** Imported WebCrypto keys, so a restore does not import the same key per chunk. */
const importedKeys = new WeakMap<Uint8Array, Promise<WebCrypto.CryptoKey>>();

function importedKey(key: Uint8Array): Promise<WebCrypto.CryptoKey> {
  let imported = importedKeys.get(key);
  if (!imported) {
    imported = webcrypto.subtle.importKey('raw', key, { name: 'AES-GCM' }, false, ['decrypt']);
    importedKeys.set(key, imported);
  }
  return imported;
}

/**
 * open(), decrypting on the libuv thread pool instead of this thread: a restore decrypts its
 * chunks on other cores while this thread hashes and writes. Same format and the same errors.
 */
export async function openAsync(key: Uint8Array, sealed: Uint8Array, aad?: Uint8Array, what = 'Sealed data'): Promise<Buffer> {
  requireKeyLength('encryption key', key, 32);
  if (sealed.length < sealOverhead) {
    throw new AuthenticationError(what, `${sealed.length} bytes is shorter than the ${sealOverhead} bytes of nonce and tag`);
  }
  const params: WebCrypto.AesGcmParams = { name: 'AES-GCM', iv: sealed.subarray(0, nonceLength), tagLength: tagLength * 8 };
  if (aad && aad.length > 0) params.additionalData = aad;
  try {
    // WebCrypto takes the ciphertext with the tag appended, which is how it is stored.
    return Buffer.from(await webcrypto.subtle.decrypt(params, await importedKey(key), sealed.subarray(nonceLength)));
  } catch {
    throw new AuthenticationError(what, 'the authentication tag does not match');
  }
}
