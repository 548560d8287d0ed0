/** Kinds of blob a pack can hold. */
export const blobTypes = { chunk: 0, tree: 1 } as const;
export type BlobType = keyof typeof blobTypes;

export function blobTypeFromCode(code: number): BlobType | null {
  if (code === 0) return 'chunk';
  if (code === 1) return 'tree';
  return null;
}

/** Where a blob lives and how to turn its stored bytes back into plaintext. */
export interface BlobLocation {
  packId: string;
  type: BlobType;
  /** Byte offset of the stored blob inside the pack. */
  offset: number;
  /** Bytes stored (after compression and sealing). */
  storedLength: number;
  /** Bytes of plaintext. */
  plainLength: number;
  compressed: boolean;
}

/** A blob entry inside a pack (its trailer lists these). */
export interface PackedBlob extends Omit<BlobLocation, 'packId'> {
  id: string;
}

/**
 * Seals and opens stored bytes (AES-256-GCM in an encrypted repository). `aad` binds the
 * sealed bytes to what they are (a blob id, a pack trailer), so swapped objects are refused.
 */
export interface Cipher {
  seal(plain: Buffer, aad: Buffer): Buffer;
  /** Throws a CORRUPT error naming `what` when the bytes were altered. */
  open(sealed: Buffer, aad: Buffer, what: string): Buffer;
  /** open() on the thread pool (for readers that have other work for this thread meanwhile). */
  openAsync(sealed: Buffer, aad: Buffer, what: string): Promise<Buffer>;
}

export function packKey(packId: string): string {
  return `packs/${packId.slice(0, 2)}/${packId}`;
}

export function packIdFromKey(key: string): string | null {
  const match = /^packs\/([0-9a-f]{2})\/([0-9a-f]{64})$/.exec(key);
  return match && match[2]!.startsWith(match[1]!) ? match[2]! : null;
}
