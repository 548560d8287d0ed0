import { webcrypto } from 'node:crypto';
import { compressBlob } from '../compression/zstd';
import { nextNonce, nonceLength, seal } from '../crypto/aead';
import { chunkId, chunkIdFromDigest } from '../hashing/chunk-id';

/** A chunk ready to store: what goes into a pack. */
export interface EncodedChunk {
  /** May be a view into the caller's `plain` buffer (stored as is): copy before reusing it. */
  stored: Uint8Array;
  compressed: boolean;
}

export interface ChunkEncoderOptions {
  blobKey: Uint8Array | null;
  chunkIdKey: Uint8Array | null;
  compression: boolean;
  compressionLevel: number;
}

const { subtle } = webcrypto;

/**
 * Turns plain chunk bytes into their id and stored form: compress (when enabled and worth it),
 * then seal under the blob key (when the repository is encrypted). Two flavours: synchronous,
 * for small files where a thread-pool round trip costs more than the work, and "later", which
 * runs SHA-256 and AES-GCM on the libuv thread pool (WebCrypto) so a worker chunking one large
 * file keeps a second core busy. Both produce the same bytes: `nonce || ciphertext || tag`.
 */
export class ChunkEncoder {
  private readonly options: ChunkEncoderOptions;
  private readonly aesKey: webcrypto.CryptoKey | null;

  private constructor(options: ChunkEncoderOptions, aesKey: webcrypto.CryptoKey | null) {
    this.options = options;
    this.aesKey = aesKey;
  }

  static async create(options: ChunkEncoderOptions): Promise<ChunkEncoder> {
    const aesKey = options.blobKey ? await subtle.importKey('raw', options.blobKey, 'AES-GCM', false, ['encrypt']) : null;
    return new ChunkEncoder(options, aesKey);
  }

  /** The chunk id of plain bytes (see hashing/chunk-id). */
  id(plain: Uint8Array): string {
    return chunkId(this.options.chunkIdKey, plain);
  }

  /** The chunk id from the chunk's raw SHA-256 digest, when that is known already. */
  idFromDigest(sha256Digest: Uint8Array): string {
    return chunkIdFromDigest(this.options.chunkIdKey, sha256Digest);
  }

  encode(plain: Uint8Array): EncodedChunk {
    const packed = this.compress(plain);
    const body = packed ?? plain;
    return { stored: this.options.blobKey === null ? body : seal(this.options.blobKey, body), compressed: packed !== null };
  }

  /** The chunk id, computed on the thread pool. `plain` is copied before this returns. */
  idLater(plain: Uint8Array): Promise<string> {
    return subtle.digest('SHA-256', plain).then((digest) => this.idFromDigest(new Uint8Array(digest)));
  }

  /**
   * encode() with the sealing on the thread pool. Everything that reads `plain` happens before
   * this returns (WebCrypto copies its input), so the caller may reuse the buffer at once.
   */
  encodeLater(plain: Uint8Array): Promise<EncodedChunk> {
    const packed = this.compress(plain);
    const body = packed ?? plain;
    const compressed = packed !== null;
    if (this.aesKey === null) return Promise.resolve({ stored: body === plain ? new Uint8Array(plain) : body, compressed });
    const nonce = new Uint8Array(nonceLength);
    nextNonce(nonce);
    return subtle.encrypt({ name: 'AES-GCM', iv: nonce, tagLength: 128 }, this.aesKey, body).then((sealedBody) => {
      const stored = new Uint8Array(nonceLength + sealedBody.byteLength);
      stored.set(nonce, 0);
      stored.set(new Uint8Array(sealedBody), nonceLength);
      return { stored, compressed };
    });
  }

  private compress(plain: Uint8Array): Uint8Array | null {
    return this.options.compression ? compressBlob(plain, this.options.compressionLevel) : null;
  }
}
