import { hmacSha256Hex, sha256Hex } from './sha256';

/**
 * The content address of a chunk (DESIGN.md section 4): HMAC-SHA-256 under the repository's
 * chunk id key when the repository is encrypted, so ids reveal nothing about known content;
 * plain SHA-256 when it is not (`chunkIdKey` null).
 */
export function chunkId(chunkIdKey: Uint8Array | null, plain: Uint8Array): string {
  return chunkIdKey === null ? sha256Hex(plain) : hmacSha256Hex(chunkIdKey, plain);
}
