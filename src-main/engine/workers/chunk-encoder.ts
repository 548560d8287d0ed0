import { compressBlob } from '../compression/zstd';
import { seal, sealInto, sealOverhead } from '../crypto/aead';
import { chunkId, chunkIdFromDigest } from '../hashing/chunk-id';
import { GarbageRelief } from './garbage-relief';

/** A chunk ready to store: what goes into a pack. */
export interface EncodedChunk {
  /** May be `plain` itself (stored as is): copy it before reusing that memory. */
  stored: Uint8Array;
  compressed: boolean;
}

export interface ChunkEncoderOptions {
  blobKey: Uint8Array | null;
  chunkIdKey: Uint8Array | null;
  compression: boolean;
  compressionLevel: number;
}

/**
 * Turns plain chunk bytes into their id and stored form: compress (when enabled and worth it),
 * then seal under the blob key (when the repository is encrypted).
 *
 * All on the calling thread, on purpose: moving SHA-256 and AES-GCM to the libuv pool
 * (WebCrypto) copies every chunk twice more, which measured ~30% more CPU per byte here. That
 * only pays off for one file on an otherwise idle machine, never during a real backup, where
 * the main thread writes packs on the other core.
 */
export class ChunkEncoder {
  private readonly options: ChunkEncoderOptions;
  private readonly relief = new GarbageRelief();

  constructor(options: ChunkEncoderOptions) {
    this.options = options;
  }

  /** The chunk id of plain bytes (see hashing/chunk-id). */
  id(plain: Uint8Array): string {
    return chunkId(this.options.chunkIdKey, plain);
  }

  /** The chunk id from the chunk's raw SHA-256 digest, when that is known already. */
  idFromDigest(sha256Digest: Uint8Array): string {
    return chunkIdFromDigest(this.options.chunkIdKey, sha256Digest);
  }

  /** Room encodeInto() may need for `plainLength` bytes (compression only ever shrinks). */
  roomFor(plainLength: number): number {
    return plainLength + (this.options.blobKey === null ? 0 : sealOverhead);
  }

  /** encode() straight into `target` (at least roomFor() bytes); returns the stored length. */
  encodeInto(plain: Uint8Array, target: Uint8Array): { length: number; compressed: boolean } {
    // No GarbageRelief here: the only garbage is the cipher's short-lived output, which V8
    // collects by itself within ~32 MiB, where a forced collection per 16 MiB halved the
    // sealer's throughput.
    const packed = this.compress(plain);
    const body = packed ?? plain;
    if (this.options.blobKey !== null) return { length: sealInto(this.options.blobKey, body, target), compressed: packed !== null };
    target.set(body);
    return { length: body.length, compressed: packed !== null };
  }

  encode(plain: Uint8Array): EncodedChunk {
    this.relief.note(plain.length);
    const packed = this.compress(plain);
    const body = packed ?? plain;
    return { stored: this.options.blobKey === null ? body : seal(this.options.blobKey, body), compressed: packed !== null };
  }

  /** The zstd frame when compression is on and worth it, else null (store as is). */
  private compress(plain: Uint8Array): Uint8Array | null {
    return this.options.compression ? compressBlob(plain, this.options.compressionLevel) : null;
  }
}
