import { compressBlob } from '../compression/zstd';
import { seal } from '../crypto/aead';
import { chunkId, chunkIdFromDigest } from '../hashing/chunk-id';

/** A chunk ready to store: what goes into a pack, in its own transferable ArrayBuffer. */
export interface EncodedChunk {
  stored: ArrayBuffer;
  compressed: boolean;
}

/** An ArrayBuffer holding exactly these bytes that can be transferred (copies when it must). */
function transferable(bytes: Uint8Array): ArrayBuffer {
  const { buffer } = bytes;
  // Small Buffers share Node's 8 KiB pool slab, and views into the read buffer must not leave.
  if (buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength) return buffer;
  return new Uint8Array(bytes).buffer;
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

  /** `plain` may be a view into a reused buffer: the result never aliases it. */
  encode(plain: Uint8Array): EncodedChunk {
    const packed = this.compression ? compressBlob(plain, this.compressionLevel) : null;
    const body = packed ?? plain;
    const stored = this.blobKey === null ? body : seal(this.blobKey, body);
    return { stored: stored === plain ? new Uint8Array(plain).buffer : transferable(stored), compressed: packed !== null };
  }
}
