import { createHash, createHmac } from 'node:crypto';

/** Hex SHA-256 of bytes: the user-visible digest, comparable with `sha256sum`. */
export function sha256Hex(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Hex HMAC-SHA-256 of bytes under `key`. */
export function hmacSha256Hex(key: Uint8Array, data: Uint8Array): string {
  return createHmac('sha256', key).update(data).digest('hex');
}
