import { compressBlob } from '../compression/zstd';
import { seal } from '../crypto/aead';
import { chunkId, chunkIdFromDigest } from '../hashing/chunk-id';

/** A chunk ready to store: what goes into a pack. */
export interface EncodedChunk {
  /** May be a view into the caller's `plain` buffer (stored as is): copy before reusing it. */
  stored: Uint8Array;
  compressed: boolean;
}

/**
 * Turns plain chunk bytes into their id and stored form: compress (when enabled and worth it),
 * then seal under the blob key (when the repository is encrypted).
 */
export class ChunkEncoder {
  private readonly blobKey: Uint8Array | null;
  private readonly chunkIdKey: Uint8Array | null;
  private readonly compression: boolean;
  private readonly compressionLevel: number;

  constructor(options: { blobKey: Uint8Array | null; chunkIdKey: Uint8Array | null; compression: boolean; compressionLevel: number }) {
    this.blobKey = options.blobKey;
    this.chunkIdKey = options.chunkIdKey;
    this.compression = options.compression;
    this.compressionLevel = options.compressionLevel;
  }

  /** The chunk id of plain bytes (see hashing/chunk-id). */
  id(plain: Uint8Array): string {
    return chunkId(this.chunkIdKey, plain);
  }

  /** The chunk id from the chunk's raw SHA-256 digest, when that is known already. */
  idFromDigest(sha256Digest: Uint8Array): string {
    return chunkIdFromDigest(this.chunkIdKey, sha256Digest);
  }

  encode(plain: Uint8Array): EncodedChunk {
    const packed = this.compression ? compressBlob(plain, this.compressionLevel) : null;
    const body = packed ?? plain;
    return { stored: this.blobKey === null ? body : seal(this.blobKey, body), compressed: packed !== null };
  }
}
