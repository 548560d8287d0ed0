import { decompressBlob } from '../compression/zstd';
import { CorruptRepositoryError } from './errors';

/**
 * The plaintext of an opened (decrypted or never sealed) blob: decompressed when it was stored
 * compressed, and exactly `plainLength` bytes, else CorruptRepositoryError starting with
 * `label` ("Blob … in pack …"). Shared by the repository and the restore workers.
 */
export function blobPlain(opened: Uint8Array, blob: { compressed: boolean; plainLength: number }, label: string): Uint8Array {
  const plain = blob.compressed ? decompressBlob(opened, blob.plainLength) : opened;
  if (plain.length !== blob.plainLength) throw new CorruptRepositoryError(label, `it has ${plain.length} bytes instead of ${blob.plainLength}`);
  return plain;
}
