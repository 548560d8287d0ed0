import { createHash, createHmac } from 'node:crypto';

/**
 * The content address of a chunk (DESIGN.md section 4), from the chunk's raw SHA-256 digest:
 * the digest itself (hex) in an unencrypted repository (`chunkIdKey` null), or
 * HMAC-SHA-256(chunkIdKey, SHA-256(chunk)) in an encrypted one, so ids reveal nothing about
 * known content to anyone without the key. Keying the digest rather than the bytes makes the id
 * of a one-chunk file free once its file digest is known (one pass over the bytes, not two).
 */
export function chunkIdFromDigest(chunkIdKey: Uint8Array | null, sha256Digest: Uint8Array): string {
  if (chunkIdKey === null) return Buffer.from(sha256Digest.buffer, sha256Digest.byteOffset, sha256Digest.byteLength).toString('hex');
  return createHmac('sha256', chunkIdKey).update(sha256Digest).digest('hex');
}

/** The chunk id of plain chunk bytes; see chunkIdFromDigest. */
export function chunkId(chunkIdKey: Uint8Array | null, plain: Uint8Array): string {
  return chunkIdFromDigest(chunkIdKey, createHash('sha256').update(plain).digest());
}
